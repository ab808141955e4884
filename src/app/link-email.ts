import { DomainError, isDomainError } from '../core/errors';
import { DEFAULT_EMAIL_BRANDING, renderLinkEmail } from '../core/email-templates';
import { matchesSelectedUsers, parseSelectedUser } from '../core/selected-users';
import { isWellFormedToken, linkIdOf, tokenMatches } from '../core/token';
import { linkAuditScope, maskEmail, recordAudit } from './audit';
import { authorizeLinkAction, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { loadSpacePolicy, toLinkView } from './link-views';
import { loadLink, shareUrlFor } from './links';
import { currentUrlOf, requireCurrentUrl, URL_NOT_KEPT_MESSAGE } from './link-reshare';
import type { NotifyOutcome } from '../shared/contract';
import { linkScopeOf, type ShareLink } from '../core/model';

/** Recipients one editor may email per hour: the app must not become a spam relay. */
export const EMAIL_RECIPIENTS_PER_HOUR = 100;
const HOUR_MS = 60 * 60 * 1000;

export interface EmailLinkInput {
  linkId: string;
  /** A URL shown earlier (checked against the link); omitted: the link's kept URL. */
  url?: string | undefined;
  recipients: string[];
  message?: string | undefined;
}

/** The token at the end of a share URL (`…/s/<token>`), or undefined. */
const tokenFromUrl = (url: string): string | undefined => {
  const match = /\/s\/([A-Za-z0-9_-]+)\/?$/.exec(url.trim());
  return match?.[1];
};

/** The canonical URL of the token at the end of `url`, if it is this link's current token. */
const checkedUrl = async (deps: AppDeps, link: ShareLink, url: string): Promise<string> => {
  const token = tokenFromUrl(url);
  if (token === undefined || !isWellFormedToken(token) || linkIdOf(token) !== link.id || !tokenMatches(token, link.tokenHash)) {
    throw new DomainError('invalid_input', 'This URL is not the current URL of this link (it may have been rotated). Copy the link again or rotate it.', [
      { field: 'url', rule: 'url.mismatch', message: 'Not the current URL of this link' },
    ]);
  }
  // The email always carries the canonical URL for the token, whatever host the caller's copy names.
  return shareUrlFor(deps, token);
};

/**
 * Emails the share URL to recipients (anyone with rights on the link: its creator, page editors, space
 * and Confluence admins). The URL is the link's kept one, or a URL shown earlier that must carry the
 * link's current token; the email carries the canonical URL, so the feature never mails arbitrary URLs
 * under the app's name. The password is never sent.
 */
export const emailLink = async (deps: AppDeps, caller: Caller, input: EmailLinkInput): Promise<{ sent: number }> => {
  const link = await loadLink(deps, input.linkId);
  await authorizeLinkAction(deps, caller, link, 'reshare');
  const url = input.url !== undefined ? await checkedUrl(deps, link, input.url) : await requireCurrentUrl(deps, link);
  const recipients = normalizeRecipients(input.recipients);
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  const view = toLinkView(link, sp.policy, deps.clock.now());
  if (view.effectiveStatus !== 'active') {
    throw new DomainError('invalid_input', `This link cannot be opened right now (${view.effectiveStatus.replace('_', ' ')}); fix it before emailing it.`);
  }
  return sendLinkEmail(deps, caller, link, url, recipients, input.message);
};

/** One message per recipient (no one sees the others' addresses), within the sender's hourly cap; audited. */
export const sendLinkEmail = async (
  deps: AppDeps,
  caller: Caller,
  link: ShareLink,
  url: string,
  recipients: readonly string[],
  message: string | undefined,
): Promise<{ sent: number }> => {
  const now = deps.clock.now();
  const windowEnd = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  const counterKey = `email-link:${caller.accountId}:${windowEnd}`;
  const before = await deps.store.counters.get(counterKey);
  if (before + recipients.length > EMAIL_RECIPIENTS_PER_HOUR) {
    throw new DomainError('rate_limited', `You can email at most ${EMAIL_RECIPIENTS_PER_HOUR} recipients per hour. Try again later.`);
  }
  for (let i = 0; i < recipients.length; i += 1) await deps.store.counters.increment(counterKey, windowEnd);

  const [site, sender, space] = await Promise.all([
    deps.store.configs.getSite(),
    deps.content.getUser(caller.accountId).catch(() => undefined),
    // A whole-space link is announced by the space's name (the home page's title when it cannot be read).
    linkScopeOf(link) === 'space' ? deps.content.getSpace(link.spaceKey).catch(() => undefined) : Promise.resolve(undefined),
  ]);
  const branding = site
    ? { ...site.customization, heading: site.customization.heading || DEFAULT_EMAIL_BRANDING.heading }
    : DEFAULT_EMAIL_BRANDING;
  const email = renderLinkEmail({
    branding,
    senderName: sender?.displayName ?? 'A colleague',
    pageTitle: link.pageTitle,
    ...(linkScopeOf(link) === 'space' ? { spaceName: space?.name ?? link.pageTitle } : {}),
    url,
    ...(message !== undefined ? { message } : {}),
    hasPassword: link.passwordHash !== null,
    expiresAt: link.expiresAt,
  });
  let sent = 0;
  try {
    for (const to of recipients) {
      await deps.mailer.send({ to: [to], subject: email.subject, text: email.text, html: email.html, kind: 'link' });
      sent += 1;
    }
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw new DomainError('upstream_unavailable', `The email could not be sent (${sent} of ${recipients.length} sent). Check the email delivery settings.`);
  } finally {
    if (sent > 0) {
      await recordAudit(deps, {
        action: 'notification_sent',
        actor: caller.accountId,
        ...linkAuditScope(link),
        detail: `link emailed to ${recipients.slice(0, sent).map(maskEmail).join(', ')}`,
      });
    }
  }
  return { sent };
};

const normalizeRecipients = (raw: readonly string[]): string[] => {
  const recipients: string[] = [];
  for (const entry of raw) {
    const parsed = parseSelectedUser(entry);
    if (!parsed.ok || parsed.entry.kind !== 'email') {
      throw new DomainError('invalid_input', `'${entry.trim().slice(0, 100)}' is not a valid email address.`, [
        { field: 'recipients', rule: 'recipients.format', message: 'Not an email address' },
      ]);
    }
    recipients.push(parsed.entry.value);
  }
  return [...new Set(recipients)];
};

// ---------------------------------------------------------------------------------------------
// "Notify newly added users" (External Share): on save, each address added to the selected users gets
// the link email. Domains name nobody in particular and are never mailed; the password never is.

/** Email entries of `after` that `before` did not list and that the link's gate admits now. */
export const newlyAddedAddresses = (before: readonly string[], after: readonly string[], admitted: readonly string[]): string[] => {
  const known = new Set(before.map((entry) => entry.trim().toLowerCase()));
  return after.filter((entry) => {
    const parsed = parseSelectedUser(entry);
    return parsed.ok && parsed.entry.kind === 'email' && !known.has(parsed.entry.value) && matchesSelectedUsers(parsed.entry.value, admitted);
  });
};

/**
 * Sends the link email to the addresses just added. The save already happened: a failure here is
 * reported in the answer, never turned into a failed save.
 */
export const notifyAddedUsers = async (
  deps: AppDeps,
  caller: Caller,
  linkId: string,
  before: readonly string[],
  message: string | undefined,
): Promise<NotifyOutcome> => {
  const link = await loadLink(deps, linkId);
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  const view = toLinkView(link, sp.policy, deps.clock.now());
  const admitted = view.selectedUsersNarrowedTo ?? link.selectedUsers;
  const recipients = newlyAddedAddresses(before, link.selectedUsers, admitted);
  if (recipients.length === 0) return { sent: 0, recipients: [], problem: null };
  if (view.effectiveStatus !== 'active') {
    return { sent: 0, recipients, problem: 'The link does not open right now, so nobody was emailed. Email it once it is active.' };
  }
  const url = await currentUrlOf(deps, link);
  if (url === undefined) return { sent: 0, recipients, problem: URL_NOT_KEPT_MESSAGE };
  try {
    const { sent } = await sendLinkEmail(deps, caller, link, url, recipients, message);
    return { sent, recipients, problem: null };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { sent: 0, recipients, problem: `The link was saved, but the email was not sent: ${error.message}` };
  }
};
