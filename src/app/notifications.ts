/**
 * Email notifications: subscriber confirmation and updates (debounced per page burst), expiry
 * reminders to link creators, and "your link was opened" alerts. Every send that must happen once is
 * guarded by a putIfAbsent marker, so duplicated scheduled runs and retried events never double-send.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { defaultSiteSettings } from '../core/defaults';
import {
  DEFAULT_EMAIL_BRANDING,
  renderExpiryReminderEmail,
  renderLinkOpenedEmail,
  renderLinkUnderAttackEmail,
  renderPageUpdatedEmail,
  renderSubscriptionConfirmEmail,
  type EmailBranding,
} from '../core/email-templates';
import { DomainError, isDomainError } from '../core/errors';
import { linkScopeOf, type ShareLink, type SiteSettings } from '../core/model';
import { narrowLinkSelectedUsers } from '../core/policy';
import { matchesSelectedUsers } from '../core/selected-users';
import { linkAuditScope, maskEmail, recordAudit } from './audit';
import type { AppDeps } from './deps';
import { createSpacePolicyCache, toLinkView, type SpacePolicy } from './link-views';
import { collectPages } from './listing';
import type { ChildPage, Subscription } from './ports';
import { creatorAccessFor } from './view/creator-access';
import { buildSharedTree, MAX_TREE_DESCENDANTS } from './view/share-tree';
import { readSpaceTreePages } from './view/space-tree';
import { mapLimited } from '../core/concurrency';

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How many mails one invocation may still send (Forge egress: 100 requests per minute per invocation).
 * A sender stops when it runs out and says `more`; the next batch continues where it stopped.
 */
export interface MailBudget {
  remaining: number;
  /** Real time (epoch ms) after which no new mail is started: the batch ends with `more`. */
  deadline?: number;
}

const outOfTime = (budget: MailBudget): boolean => budget.deadline !== undefined && Date.now() >= budget.deadline;
/** What one batch of a kind of mail did; `more` when the budget ran out with mail still due. */
export interface MailRunResult {
  sent: number;
  failed: number;
  skipped: number;
  more: boolean;
}
export const unlimitedMail = (): MailBudget => ({ remaining: Number.POSITIVE_INFINITY });
/** Mails in flight at once within a batch: the provider is never waited for one mail at a time. */
export const MAIL_CONCURRENCY = 10;
/** A page burst ends after this much quiet... */
export const NOTIFY_DEBOUNCE_MS = 10 * 60 * 1000;
/** ...or at the latest this long after its first edit, so a page edited all day still notifies. */
export const NOTIFY_MAX_DELAY_MS = 60 * 60 * 1000;
/** Markers that prove a mail went out live this long (longer than any retry or duplicate run). */
const SENT_MARKER_TTL_MS = 30 * DAY_MS;
const PENDING_TTL_MS = 7 * DAY_MS;
const MAX_SEND_ATTEMPTS = 5;
/** Confirmation mails per (link, address, page) per hour: the subscribe form must not become a mail cannon... */
export const CONFIRMATIONS_PER_HOUR = 3;
/** ...and per (link, address) over all of the link's pages. */
export const CONFIRMATIONS_PER_LINK_PER_HOUR = 10;

export const PENDING_UPDATE_PREFIX = 'notify-pending:';
const SUBSCRIPTION_KEY_SECRET = 'subscription-signing-key';

const digest = (...parts: string[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);

export const loadSiteSettings = async (deps: Pick<AppDeps, 'store' | 'clock'>): Promise<SiteSettings> =>
  (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());

export const brandingOf = (site: SiteSettings): EmailBranding => ({
  ...site.customization,
  heading: site.customization.heading || DEFAULT_EMAIL_BRANDING.heading,
});

/** Puts a marker unless one is live; true when this caller owns the work. */
const claim = async (deps: Pick<AppDeps, 'store'>, key: string, expiresAt: number, value: Record<string, unknown> = {}): Promise<boolean> => {
  try {
    await deps.store.ephemeral.putIfAbsent({ key, value, expiresAt });
    return true;
  } catch (error) {
    if (isDomainError(error) && error.code === 'already_exists') return false;
    throw error;
  }
};

// ---------------------------------------------------------------------------------------------
// Subscriptions

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const normalizeSubscriberEmail = (raw: string): string => {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new DomainError('invalid_input', 'Enter one valid email address.', [{ field: 'email', rule: 'email.format', message: 'Not a valid email address' }]);
  }
  return email;
};

const signingKey = async (deps: Pick<AppDeps, 'store' | 'random'>): Promise<string> => {
  const existing = await deps.store.secrets.get(SUBSCRIPTION_KEY_SECRET);
  if (existing) return existing;
  const created = Buffer.from(deps.random.bytes(32)).toString('base64url');
  // Create-only (KVS FAIL_IF_EXISTS): of first uses racing, one key is stored and every one uses it.
  if (await deps.store.secrets.createIfAbsent(SUBSCRIPTION_KEY_SECRET, created)) return created;
  const stored = await deps.store.secrets.get(SUBSCRIPTION_KEY_SECRET);
  if (!stored) throw new Error('subscription signing key could not be stored');
  return stored;
};

export type SubscriptionAction = 'confirm' | 'unsubscribe';

const signatureFor = (key: string, action: SubscriptionAction, id: string): string =>
  createHmac('sha256', key).update(`${action}:${id}`).digest('base64url');

const baseUrlOf = async (deps: Pick<AppDeps, 'shareBaseUrl'>, site: SiteSettings): Promise<string> =>
  (site.customDomain ?? (await deps.shareBaseUrl())).replace(/\/+$/, '');

/**
 * `<base>/subscriptions/<id>/<confirm|unsubscribe>?sig=<hmac>`: the share token is never stored, so
 * these URLs cannot point below /s/<token>; the HMAC makes them unguessable per subscription.
 */
export const subscriptionActionUrl = async (
  deps: Pick<AppDeps, 'store' | 'random' | 'shareBaseUrl'>,
  site: SiteSettings,
  action: SubscriptionAction,
  subscriptionId: string,
): Promise<string> => {
  const sig = signatureFor(await signingKey(deps), action, subscriptionId);
  return `${await baseUrlOf(deps, site)}/subscriptions/${encodeURIComponent(subscriptionId)}/${action}?sig=${sig}`;
};

/** Parses `/subscriptions/<id>/<action>` (for the web layer's router). */
export const parseSubscriptionPath = (path: string): { id: string; action: SubscriptionAction } | undefined => {
  const match = /^\/subscriptions\/([A-Za-z0-9_-]{22})\/(confirm|unsubscribe)\/?$/.exec(path);
  return match ? { id: match[1] as string, action: match[2] as SubscriptionAction } : undefined;
};

export interface SubscribeInput {
  link: ShareLink;
  email: string;
  /** The page the visitor subscribes to (the shared page or a page of its tree, checked by the caller). */
  pageId?: string;
}

/**
 * A visitor asks for updates. Always the same outcome for the caller whether or not the address was
 * already subscribed (no oracle); a confirmation mail is sent unless the address is confirmed already.
 * The caller (view) has already checked that the visitor passed the link's gates.
 */
export const requestSubscription = async (deps: AppDeps, input: SubscribeInput): Promise<void> => {
  const { link } = input;
  if (!link.allowSubscribe) throw new DomainError('forbidden', 'This link does not offer updates by email.');
  const email = normalizeSubscriberEmail(input.email);
  const now = deps.clock.now();
  const pageId = input.pageId ?? link.pageId;
  const windowEnd = Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000;
  const [forPage, forLink] = await Promise.all([
    deps.store.counters.increment(`subscribe:${digest(link.id, email, pageId)}:${windowEnd}`, windowEnd),
    deps.store.counters.increment(`subscribe:${digest(link.id, email)}:${windowEnd}`, windowEnd),
  ]);
  if (forPage > CONFIRMATIONS_PER_HOUR || forLink > CONFIRMATIONS_PER_LINK_PER_HOUR) return;

  const existing = (await subscriptionsOfLink(deps, link.id)).find((s) => s.email === email && s.pageId === pageId);
  if (existing?.confirmed) return;
  const sub: Subscription = existing ?? {
    id: Buffer.from(deps.random.bytes(16)).toString('base64url'),
    linkId: link.id,
    pageId,
    email,
    createdAt: now,
    confirmed: false,
  };
  if (!existing) await deps.store.subscriptions.put(sub);
  const site = await loadSiteSettings(deps);
  const mail = renderSubscriptionConfirmEmail({
    branding: brandingOf(site),
    pageTitle: link.pageTitle,
    confirmUrl: await subscriptionActionUrl(deps, site, 'confirm', sub.id),
    unsubscribeUrl: await subscriptionActionUrl(deps, site, 'unsubscribe', sub.id),
  });
  await deps.mailer.send({ to: [email], subject: mail.subject, text: mail.text, html: mail.html, kind: 'subscription' });
  await recordAudit(deps, {
    action: 'subscribed',
    actor: maskEmail(email),
    linkId: link.id,
    pageId,
    spaceKey: link.spaceKey,
    detail: 'Subscription requested; confirmation email sent.',
  });
};

/** Checks the `sig` of a confirm/unsubscribe URL without changing anything (GET shows a form first). */
export const verifySubscriptionSignature = async (
  deps: Pick<AppDeps, 'store' | 'random'>,
  input: { id: string; action: SubscriptionAction; signature: string },
): Promise<boolean> => {
  const expected = Buffer.from(signatureFor(await signingKey(deps), input.action, input.id));
  const given = Buffer.from(input.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

export type SubscriptionActionResult = 'confirmed' | 'unsubscribed' | 'invalid';

/** Audits what a subscriber did from an email link; the space comes from the link, which may be gone by now. */
const auditSubscriberAction = async (
  deps: AppDeps,
  sub: Subscription,
  action: 'subscribed' | 'unsubscribed',
  detail: string,
): Promise<void> => {
  const link = await deps.store.links.get(sub.linkId);
  await recordAudit(deps, {
    action,
    actor: maskEmail(sub.email),
    linkId: sub.linkId,
    pageId: sub.pageId,
    spaceKey: link?.spaceKey ?? null,
    detail,
  });
};

/** Confirms or cancels a subscription from the signed link in an email. Bad or stale links → 'invalid'. */
export const performSubscriptionAction = async (
  deps: AppDeps,
  input: { id: string; action: SubscriptionAction; signature: string },
): Promise<SubscriptionActionResult> => {
  if (!(await verifySubscriptionSignature(deps, input))) return 'invalid';
  const sub = await deps.store.subscriptions.get(input.id);
  if (input.action === 'unsubscribe') {
    if (sub) {
      await deps.store.subscriptions.delete(sub.id);
      await auditSubscriberAction(deps, sub, 'unsubscribed', 'Unsubscribed from page updates.');
    }
    // Unsubscribing twice is fine: the outcome the person wanted holds.
    return 'unsubscribed';
  }
  if (!sub) return 'invalid';
  if (!sub.confirmed) {
    await deps.store.subscriptions.put({ ...sub, confirmed: true });
    await auditSubscriberAction(deps, sub, 'subscribed', 'Subscription confirmed.');
  }
  return 'confirmed';
};

const subscriptionsOfLink = (deps: Pick<AppDeps, 'store'>, linkId: string): Promise<Subscription[]> =>
  collectPages((request) => deps.store.subscriptions.listByLink(linkId, request));

// ---------------------------------------------------------------------------------------------
// Page updates (debounced)

interface PendingUpdate {
  pageId: string;
  firstAt: number;
  lastAt: number;
  count: number;
  attempts: number;
  /** Subscribers are served in id order; every one up to this id was handled in an earlier batch. */
  doneThrough?: string;
}

const pendingKey = (pageId: string): string =>
  `${PENDING_UPDATE_PREFIX}${/^[0-9]{1,30}$/.test(pageId) ? pageId : digest(pageId)}`;

const asPending = (value: Record<string, unknown>): PendingUpdate | undefined => {
  const { pageId, firstAt, lastAt, count, attempts, doneThrough } = value;
  if (typeof pageId !== 'string' || typeof firstAt !== 'number' || typeof lastAt !== 'number') return undefined;
  return {
    pageId,
    firstAt,
    lastAt,
    count: typeof count === 'number' ? count : 1,
    attempts: typeof attempts === 'number' ? attempts : 0,
    ...(typeof doneThrough === 'string' ? { doneThrough } : {}),
  };
};

const withoutProgress = ({ doneThrough: _done, ...rest }: PendingUpdate): PendingUpdate => rest;

/**
 * Records that a page changed; the sweep sends one mail per subscriber once the burst is over.
 * Pages nobody follows cost one read and no write. Returns whether a change was recorded.
 */
export const notePageUpdated = async (deps: Pick<AppDeps, 'store' | 'clock'>, input: { pageId: string; title?: string | undefined }): Promise<boolean> => {
  const followers = await deps.store.subscriptions.listByPage(input.pageId, { limit: 1 });
  if (followers.items.length === 0) return false;
  const now = deps.clock.now();
  const key = pendingKey(input.pageId);
  const current = await deps.store.ephemeral.get(key, now);
  const previous = current ? asPending(current.value) : undefined;
  const next: PendingUpdate = previous
    ? { ...withoutProgress(previous), lastAt: Math.max(previous.lastAt, now), count: previous.count + 1 }
    : { pageId: input.pageId, firstAt: now, lastAt: now, count: 1, attempts: 0 };
  await deps.store.ephemeral.put({ key, value: { ...next }, expiresAt: now + PENDING_TTL_MS });
  return true;
};

export interface UpdateRecipient {
  subscription: Subscription;
  link: ShareLink;
  changedTitle: string;
}

const subscriptionsOfPage = (deps: Pick<AppDeps, 'store'>, pageId: string): Promise<Subscription[]> =>
  collectPages((request) => deps.store.subscriptions.listByPage(pageId, request));

/**
 * The confirmed subscribers of `pageId` who may hear about its change (ES-13/CF-10): their link is
 * active and compliant right now, still offers subscriptions, their address still passes the link's
 * selected users, and the page is still the shared page or inside the link's shared tree (labels,
 * restrictions and policy caps as they are now).
 */
export const recipientsForPageChange = async (deps: AppDeps, pageId: string): Promise<UpdateRecipient[]> => {
  const subs = (await subscriptionsOfPage(deps, pageId)).filter((s) => s.confirmed);
  if (subs.length === 0) return [];
  // The state and title only: no page body is rendered to decide who hears about a change.
  const [page] = await deps.content.getPageStatuses([pageId]);
  if (!page || page.status !== 'current') return [];

  const now = deps.clock.now();
  const policyOf = createSpacePolicyCache(deps);
  const descendantsOf = new Map<string, Promise<ChildPage[]>>();
  const recipients: UpdateRecipient[] = [];
  const byLink = new Map<string, Subscription[]>();
  for (const sub of subs) byLink.set(sub.linkId, [...(byLink.get(sub.linkId) ?? []), sub]);

  for (const [linkId, linkSubs] of byLink) {
    const link = await deps.store.links.get(linkId);
    if (!link || !link.allowSubscribe) continue;
    const sp: SpacePolicy = await policyOf(link.spaceKey);
    if (toLinkView(link, sp.policy, now).effectiveStatus !== 'active') continue;
    // A share never exceeds its creator: no news of a page the creator can no longer read.
    const creatorReads = await creatorAccessFor(deps, link, now).check(link.pageId === pageId ? [pageId] : [link.pageId, pageId]);
    if ([...creatorReads.values()].some((readable) => readable !== true)) continue;
    if (link.pageId !== pageId) {
      const includeChildren = link.includeChildren && sp.policy.caps.childPages.value;
      if (!includeChildren) continue;
      // A whole-space link's tree is the space's, from its root pages (space-tree.ts).
      const wholeSpace = linkScopeOf(link) === 'space';
      const treeKey = `${wholeSpace ? 'space' : 'page'}:${link.pageId}`;
      let descendants = descendantsOf.get(treeKey);
      if (!descendants) {
        descendants = wholeSpace ? readSpaceTreePages(deps.content, { spaceKey: link.spaceKey, homePageId: link.pageId }) : deps.content.getDescendants(link.pageId, { spaceKey: link.spaceKey }, { maxPages: MAX_TREE_DESCENDANTS });
        descendantsOf.set(treeKey, descendants);
      }
      const tree = buildSharedTree({ id: link.pageId, title: link.pageTitle }, await descendants, {
        includeChildren,
        shareRestrictedChildren: link.shareRestrictedChildren && sp.policy.caps.restrictedChildPages.value,
        withLabels: link.withLabels,
        withoutLabels: link.withoutLabels,
        wholeSpace,
      });
      if (!tree.nodes.has(pageId)) continue;
    }
    const selected = narrowLinkSelectedUsers(link.selectedUsers, sp.policy);
    for (const sub of linkSubs) {
      if (selected.length > 0 && !matchesSelectedUsers(sub.email, selected)) continue;
      recipients.push({ subscription: sub, link, changedTitle: page.title });
    }
  }
  return recipients;
};

export interface NotificationRunResult {
  sent: number;
  failed: number;
  burstsCompleted: number;
  /** Already sent by an earlier batch (found claimed) or nobody to send to. */
  skipped: number;
  /** The budget ran out with mail still due: another batch should run. */
  more: boolean;
}

type SendOutcome = 'sent' | 'failed' | 'skipped';

/**
 * Sends the mails of every page burst that is over, within `budget`. Safe to run concurrently
 * (putIfAbsent per mail). Subscribers are served in id order and the burst records how far it got, so
 * a batch that ran out of budget, or a crash between batches, continues without mailing anyone twice.
 */
export const sendDueUpdateNotifications = async (deps: AppDeps, budget: MailBudget = unlimitedMail()): Promise<NotificationRunResult> => {
  const now = deps.clock.now();
  const result: NotificationRunResult = { sent: 0, failed: 0, burstsCompleted: 0, skipped: 0, more: false };
  const due: PendingUpdate[] = [];
  for (const record of await collectPages((request) => deps.store.ephemeral.listByPrefix(PENDING_UPDATE_PREFIX, request))) {
    const pending = asPending(record.value);
    if (pending && (pending.lastAt + NOTIFY_DEBOUNCE_MS <= now || pending.firstAt + NOTIFY_MAX_DELAY_MS <= now)) due.push(pending);
  }
  if (due.length === 0) return result;

  const site = await loadSiteSettings(deps);
  const branding = brandingOf(site);
  for (const pending of due) {
    if (budget.remaining <= 0 || outOfTime(budget)) {
      result.more = true;
      break;
    }
    // A burst is identified by its last edit: a later edit starts a new burst with new markers.
    const burst = `${pending.pageId}:${pending.lastAt}`;
    let everyone: UpdateRecipient[];
    try {
      everyone = await recipientsForPageChange(deps, pending.pageId);
    } catch {
      // One page Confluence will not answer for must not hold up the others: its burst waits for the next run.
      result.failed += 1;
      continue;
    }
    const recipients = everyone
      .filter(({ subscription }) => pending.doneThrough === undefined || subscription.id > pending.doneThrough)
      .sort((a, b) => (a.subscription.id < b.subscription.id ? -1 : a.subscription.id > b.subscription.id ? 1 : 0));
    const step = await attemptWithinBudget(recipients, budget, async ({ subscription, link, changedTitle }): Promise<SendOutcome> => {
      const marker = `notify-sent:${digest(burst, subscription.id)}`;
      if (!(await claim(deps, marker, now + SENT_MARKER_TTL_MS))) return 'skipped';
      try {
        const mail = renderPageUpdatedEmail({
          branding,
          sharedPageTitle: link.pageTitle,
          changedPageTitle: changedTitle,
          updateCount: pending.count,
          lastUpdatedAt: pending.lastAt,
          unsubscribeUrl: await subscriptionActionUrl(deps, site, 'unsubscribe', subscription.id),
        });
        await deps.mailer.send({ to: [subscription.email], subject: mail.subject, text: mail.text, html: mail.html, kind: 'update' });
      } catch {
        // Release the marker so a later batch retries this subscriber only.
        await deps.store.ephemeral.delete(marker).catch(() => undefined);
        return 'failed';
      }
      await recordAudit(deps, {
        action: 'notification_sent',
        actor: 'app',
        linkId: link.id,
        pageId: pending.pageId,
        spaceKey: link.spaceKey,
        detail: `Page update sent to subscriber ${maskEmail(subscription.email)}.`,
      }).catch(() => undefined);
      return 'sent';
    });
    result.sent += step.sent;
    result.failed += step.failed;
    result.skipped += step.skipped;
    // Progress stops before the first subscriber not handled (failed or left for lack of budget), so a
    // later batch reaches it; markers skip the ones sent after it.
    const firstOpen = step.outcomes.findIndex((o) => o === 'failed' || o === 'unattempted');
    const handled = firstOpen === -1 ? recipients : recipients.slice(0, firstOpen);
    const doneThrough = handled.length > 0 ? handled[handled.length - 1]!.subscription.id : pending.doneThrough;
    const failures = step.failed;

    const key = pendingKey(pending.pageId);
    const latest = await deps.store.ephemeral.get(key, deps.clock.now());
    const current = latest ? asPending(latest.value) : undefined;
    const stillSame = current !== undefined && current.lastAt === pending.lastAt;
    if (step.leftOver) {
      // Out of budget inside this burst: remember how far it got (a newer burst starts over anyway).
      if (stillSame && doneThrough !== undefined) {
        await deps.store.ephemeral.put({ key, value: { ...current, doneThrough }, expiresAt: now + PENDING_TTL_MS });
      }
      result.more = true;
      break;
    }
    if (failures > 0 && pending.attempts + 1 < MAX_SEND_ATTEMPTS) {
      if (stillSame) {
        const progress = doneThrough !== undefined ? { doneThrough } : {};
        await deps.store.ephemeral.put({ key, value: { ...current, ...progress, attempts: pending.attempts + 1 }, expiresAt: now + PENDING_TTL_MS });
      }
      continue;
    }
    if (stillSame) await deps.store.ephemeral.delete(key);
    else if (current) {
      // Edited again while we were sending: restart the max-delay clock for the new burst.
      await deps.store.ephemeral.put({ key, value: { ...withoutProgress(current), firstAt: current.lastAt, count: 1 }, expiresAt: now + PENDING_TTL_MS });
    }
    result.burstsCompleted += 1;
  }
  return result;
};

// ---------------------------------------------------------------------------------------------
// Creator notifications

/**
 * The creator's address whatever their profile visibility (Confluence usually hides it from getUser).
 * Undefined when the account has none; a failed lookup throws, so the mail is retried rather than dropped.
 */
const creatorEmail = async (deps: AppDeps, accountId: string): Promise<string | undefined> =>
  (await deps.content.getUserEmail(accountId)) ?? undefined;

const creatorEmailOrNone = (deps: AppDeps, accountId: string): Promise<string | undefined> =>
  creatorEmail(deps, accountId).catch(() => undefined);

/**
 * Runs `attempt` over items, MAIL_CONCURRENCY at a time, while the budget lasts: a slot is reserved
 * before each attempt and given back when the attempt sent nothing (already claimed, no address).
 * Returns the outcomes and whether items were left for lack of budget.
 */
const attemptWithinBudget = async <T>(
  items: readonly T[],
  budget: MailBudget,
  attempt: (item: T) => Promise<SendOutcome>,
): Promise<{ sent: number; failed: number; skipped: number; leftOver: boolean; outcomes: (SendOutcome | 'unattempted')[] }> => {
  let leftOver = false;
  const outcomes = await mapLimited(items, MAIL_CONCURRENCY, async (item): Promise<SendOutcome | 'unattempted'> => {
    if (budget.remaining <= 0 || outOfTime(budget)) {
      leftOver = true;
      return 'unattempted';
    }
    budget.remaining -= 1;
    // An attempt never throws out of here: a worker left running after its batch failed could claim mail it never sends.
    const outcome = await attempt(item).catch((): SendOutcome => 'failed');
    if (outcome === 'skipped') budget.remaining += 1;
    return outcome;
  });
  const tally = (kind: SendOutcome) => outcomes.filter((o) => o === kind).length;
  return { sent: tally('sent'), failed: tally('failed'), skipped: tally('skipped'), leftOver, outcomes };
};

// Positions in expiry order (the store's expiry index); the creation-order positions of before were kept under 'reminders-progress'.
const REMINDER_PROGRESS_KEY = 'reminders-by-expiry-progress';

/**
 * Reminds creators of links that expire within the configured number of days, once per expiry date,
 * within `budget`. Out of budget, it records the list position it reached; the next batch (or, after a
 * crash, the next sweep) continues there, and the per-link markers keep anyone from a second reminder.
 */
export const sendExpiryReminders = async (
  deps: AppDeps,
  budget: MailBudget = unlimitedMail(),
): Promise<MailRunResult> => {
  const site = await loadSiteSettings(deps);
  const days = site.notifications.expiryReminderDays;
  const result: MailRunResult = { sent: 0, failed: 0, skipped: 0, more: false };
  if (days <= 0) return result;
  const now = deps.clock.now();
  const horizon = now + days * DAY_MS;
  const policyOf = createSpacePolicyCache(deps);
  const saved = await deps.store.ephemeral.get(REMINDER_PROGRESS_KEY, now);
  const savedCursor: string | undefined = typeof saved?.value.cursor === 'string' ? saved.value.cursor : undefined;
  let cursor = savedCursor;
  let restarted = false;
  /** The list position of the first page where a send failed: the next batch resumes there, not past it. */
  let failedAt: { cursor: string | undefined } | undefined;
  for (;;) {
    let page;
    try {
      // Only active links expiring inside the window, in expiry order (index by-status-expiry): the store
      // filters, not this loop (rubric CST-17 / PRF-06).
      page = await deps.store.links.list({ status: 'active', expiring: { after: now, until: horizon } }, { limit: 100, ...(cursor ? { cursor } : {}) });
    } catch (error) {
      // Only a stale saved position is worth one fresh start (markers skip what was sent); anything else fails the step.
      if (restarted || cursor === undefined || cursor !== savedCursor) throw error;
      restarted = true;
      cursor = undefined;
      continue;
    }
    const due: ShareLink[] = [];
    for (const link of page.items) {
      const sp = await policyOf(link.spaceKey);
      if (toLinkView(link, sp.policy, now).effectiveStatus === 'active') due.push(link);
    }
    const step = await attemptWithinBudget(due, budget, async (link): Promise<SendOutcome> => {
      // Keyed by the expiry instant: extending the link re-arms the reminder for the new date.
      const expiresAt = link.expiresAt as number;
      const marker = `reminder:${digest(link.id, String(expiresAt))}`;
      if (!(await claim(deps, marker, expiresAt + 7 * DAY_MS))) return 'skipped';
      let to: string | undefined;
      try {
        to = await creatorEmail(deps, link.createdBy);
        if (!to) return 'skipped';
        const mail = renderExpiryReminderEmail({ branding: brandingOf(site), linkName: link.name, pageTitle: link.pageTitle, expiresAt, now });
        await deps.mailer.send({ to: [to], subject: mail.subject, text: mail.text, html: mail.html, kind: 'reminder' });
      } catch {
        await deps.store.ephemeral.delete(marker).catch(() => undefined);
        return 'failed';
      }
      await recordAudit(deps, {
        action: 'notification_sent',
        actor: 'app',
        ...linkAuditScope(link),
        detail: `Expiry reminder sent to the link creator (${maskEmail(to)}).`,
      }).catch(() => undefined);
      return 'sent';
    });
    result.sent += step.sent;
    result.failed += step.failed;
    result.skipped += step.skipped;
    if (step.failed > 0 && !failedAt) failedAt = { cursor };
    if (step.leftOver) {
      // This page again next batch (or the first page with a failed send): sent links are skipped by their markers.
      const resumeAt = failedAt ? failedAt.cursor : cursor;
      await deps.store.ephemeral.put({ key: REMINDER_PROGRESS_KEY, value: resumeAt ? { cursor: resumeAt } : {}, expiresAt: now + DAY_MS });
      result.more = true;
      return result;
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  if (saved) await deps.store.ephemeral.delete(REMINDER_PROGRESS_KEY);
  return result;
};

/** Daily "link opened" markers: written by the view, mailed by the sweep. */
const OPENED_ALERT_PREFIX = 'opened-alert:';
const OPENED_ALERT_SENT_PREFIX = 'opened-alert-sent:';

/**
 * "Your link was opened": at most once per link per UTC day, when the admin enabled it. Called by the
 * view after a counted, allowed view (pass the site settings it already loaded). It never talks to the
 * mail provider: it records one pending "opened" marker (one write on the first view of the day) and
 * the scheduled sweep sends the mail (sendOpenedAlerts). On Forge a promise left running after the
 * web trigger returns may be cut off, so the mail cannot ride on the visitor's request.
 * Never throws (an alert must not break the visitor's page). Returns true when a marker was recorded.
 */
export const notifyLinkOpened = async (deps: AppDeps, link: ShareLink, loadedSite?: SiteSettings): Promise<boolean> => {
  try {
    const site = loadedSite ?? (await loadSiteSettings(deps));
    if (!site.notifications.openedAlert) return false;
    const now = deps.clock.now();
    const day = Math.floor(now / DAY_MS);
    const marker = `${OPENED_ALERT_PREFIX}${link.id}:${day}`;
    // Every view after the first of the day costs one read, not a failed write.
    if (await deps.store.ephemeral.get(marker, now)) return false;
    return await claim(deps, marker, (day + 2) * DAY_MS, { linkId: link.id, openedAt: now, pending: true });
  } catch {
    return false;
  }
};

/**
 * Sweep step: mails every pending "link opened" marker. Safe when two sweeps run at once (each send
 * is claimed); a failed send is released and retried by the next run while the marker lives.
 */
export const sendOpenedAlerts = async (deps: AppDeps, budget: MailBudget = unlimitedMail()): Promise<MailRunResult> => {
  const result: MailRunResult = { sent: 0, failed: 0, skipped: 0, more: false };
  const now = deps.clock.now();
  let cursor: string | undefined;
  let site: SiteSettings | undefined;
  do {
    const page = await deps.store.ephemeral.listByPrefix(OPENED_ALERT_PREFIX, { limit: 100, cursor });
    cursor = page.nextCursor;
    const pending = page.items.filter((r) => r.expiresAt > now && r.value.pending === true && typeof r.value.linkId === 'string');
    if (pending.length > 0) site ??= await loadSiteSettings(deps);
    const step = await attemptWithinBudget(pending, budget, async (record): Promise<SendOutcome> => {
      const sentKey = `${OPENED_ALERT_SENT_PREFIX}${record.key.slice(OPENED_ALERT_PREFIX.length)}`;
      if (!(await claim(deps, sentKey, record.expiresAt))) return 'skipped';
      const done = () => deps.store.ephemeral.put({ ...record, value: { ...record.value, pending: false } });
      try {
        const link = await deps.store.links.get(record.value.linkId as string);
        const to = site!.notifications.openedAlert && link ? await creatorEmail(deps, link.createdBy) : undefined;
        if (!link || !to) {
          await done();
          return 'skipped';
        }
        const openedAt = typeof record.value.openedAt === 'number' ? record.value.openedAt : now;
        const mail = renderLinkOpenedEmail({ branding: brandingOf(site!), linkName: link.name, pageTitle: link.pageTitle, openedAt });
        await deps.mailer.send({ to: [to], subject: mail.subject, text: mail.text, html: mail.html, kind: 'opened' });
        await done().catch(() => undefined);
        await recordAudit(deps, {
          action: 'notification_sent',
          actor: 'app',
          ...linkAuditScope(link),
          detail: `"Link opened" alert sent to the link creator (${maskEmail(to)}).`,
        }).catch(() => undefined);
        return 'sent';
      } catch {
        await deps.store.ephemeral.delete(sentKey).catch(() => undefined);
        return 'failed';
      }
    });
    result.sent += step.sent;
    result.failed += step.failed;
    result.skipped += step.skipped;
    if (step.leftOver) {
      result.more = true;
      return result;
    }
  } while (cursor);
  return result;
};

/** How long one "link under attack" alert silences the next for the same link. */
export const ATTACK_ALERT_DEBOUNCE_MS = DAY_MS;

/**
 * "Your link is under attack": the password gate saw more wrong passwords on the link within an hour
 * than any one client may make. Once per link per ATTACK_ALERT_DEBOUNCE_MS, whatever the number of
 * requests that notice it: audited, and mailed to the link's creator when their address is known.
 * Never throws: the alert must not change what the visitor sees.
 */
export const notifyLinkUnderAttack = async (deps: AppDeps, link: ShareLink, failures: number, loadedSite?: SiteSettings): Promise<boolean> => {
  try {
    const now = deps.clock.now();
    const marker = `attack-alert:${link.id}`;
    // Every failure after the first alert costs one read, not a failed write.
    if (await deps.store.ephemeral.get(marker, now)) return false;
    if (!(await claim(deps, marker, now + ATTACK_ALERT_DEBOUNCE_MS, { at: now }))) return false;
    await recordAudit(deps, {
      action: 'gate_failed',
      actor: 'visitor',
      ...linkAuditScope(link),
      detail: `password: sustained guessing (${failures} wrong passwords this hour); new addresses now get one try each`,
    });
    const to = await creatorEmailOrNone(deps, link.createdBy);
    if (!to) return false;
    const site = loadedSite ?? (await loadSiteSettings(deps));
    const mail = renderLinkUnderAttackEmail({ branding: brandingOf(site), linkName: link.name, pageTitle: link.pageTitle, failures, detectedAt: now });
    try {
      await deps.mailer.send({ to: [to], subject: mail.subject, text: mail.text, html: mail.html, kind: 'attack' });
    } catch {
      // The marker stays: a failing mail provider must not turn every further guess into a send attempt.
      return false;
    }
    await recordAudit(deps, {
      action: 'notification_sent',
      actor: 'app',
      ...linkAuditScope(link),
      detail: `"Link under attack" alert sent to the link creator (${maskEmail(to)}).`,
    });
    return true;
  } catch {
    return false;
  }
};
