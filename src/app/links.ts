import bcrypt from 'bcryptjs';
import { DomainError, isDomainError, type ErrorDetail } from '../core/errors';
import { linkScopeOf, type LinkScope, type LinkSettings, type LinkStatus, type LinkView, type ShareLink } from '../core/model';
import { assertLinkValid, assertSharingEnabled, newLinkSettings } from '../core/policy';
import { normalizeIpAllowList } from '../core/ip-allow-list';
import { normalizeSelectedUsers } from '../core/selected-users';
import { hashToken, newLinkId, newToken } from '../core/token';
import type { CreatedLinkResult, PageSharingResult, PasswordChange } from '../shared/contract';
import { linkAuditScope, recordAudit } from './audit';
import { authorizeLinkAction, authorizePageEdit, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { createCreatorNames, displayNameOf, loadSpacePolicy, toLinkView, toPolicyView } from './link-views';
import { assertNotClassified } from './classification-rule';
import { linksOfPage } from './listing';
import { MIN_PASSWORD_SCORE, passwordStrength } from './password-strength';
import { sealLinkToken } from './token-vault';
import { assertSpaceHome, assertSpaceShareAllowed, spaceHomeOf } from './space-share';

/** bcrypt only reads the first 72 bytes: a longer password would silently be truncated, so refuse it. */
export const MAX_PASSWORD_BYTES = 72;
/** Counted after trimming: spaces around a password add nothing a guesser has to find. */
export const MIN_PASSWORD_LENGTH = 8;

/** Link settings as parsed from a payload: every field optional, expiry already an instant. */
export type LinkSettingsPatch = Partial<LinkSettings>;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

const passwordError = (rule: string, message: string, _short: string): DomainError =>
  new DomainError('invalid_input', message, [{ field: 'password', rule, message }]);

/** @throws DomainError('invalid_input') for a password bcrypt cannot take whole (checked on the form that is hashed). */
const checkPasswordBytes = (normalized: string): void => {
  if (utf8Length(normalized) > MAX_PASSWORD_BYTES) {
    throw passwordError(
      'password.maxBytes',
      `The password is too long: at most ${MAX_PASSWORD_BYTES} bytes (UTF-8). Accented letters and emoji take 2–4 bytes each.`,
      `At most ${MAX_PASSWORD_BYTES} UTF-8 bytes`,
    );
  }
};

/**
 * A link password must be one bcrypt takes whole, more than whitespace, at least 8 characters once
 * trimmed, and not easy to guess (zxcvbn score ≥ 2: no common passwords, keyboard rows, repeats,
 * sequences or dates; see password-strength.ts).
 * @throws DomainError('invalid_input') naming the rule, with a plain-language message.
 */
export const checkPassword = async (password: string): Promise<void> => {
  const normalized = normalizePassword(password);
  checkPasswordBytes(normalized);
  const meaningful = normalized.trim();
  if (meaningful === '') {
    throw passwordError('password.blank', 'The password cannot be only spaces.', 'Not only whitespace');
  }
  if ([...meaningful].length < MIN_PASSWORD_LENGTH) {
    throw passwordError(
      'password.minLength',
      `The password must have at least ${MIN_PASSWORD_LENGTH} characters, not counting spaces at the start or end.`,
      `At least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  const strength = await passwordStrength(normalized);
  if (strength.score < MIN_PASSWORD_SCORE) {
    throw passwordError(
      'password.strength',
      `This password is too easy to guess.${strength.weakness ? ` ${strength.weakness}` : ''} Use a longer phrase of a few uncommon words.`,
      'Too easy to guess',
    );
  }
};

/** The form a password is hashed and compared in: NFKC, so NFC/NFD (and width) variants of one password match (C4). */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

const hashPassword = (deps: AppDeps, password: string): Promise<string> => {
  const normalized = normalizePassword(password);
  checkPasswordBytes(normalized);
  return bcrypt.hash(normalized, deps.bcryptRounds);
};

const normalizeLabels = (labels: readonly string[]): string[] => [
  ...new Set(labels.map((l) => l.trim().toLowerCase()).filter((l) => l !== '')),
];

/**
 * Runs every check of a form and reports all their problems in one error (one pass for the editor):
 * invalid_input when any entry is malformed, policy_violation only when every problem is a policy rule.
 */
class ProblemCollector {
  private readonly details: ErrorDetail[] = [];
  private readonly messages: string[] = [];
  private onlyPolicy = true;

  async check<T>(step: () => T | Promise<T>, fallback: T): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (!isDomainError(error) || (error.code !== 'invalid_input' && error.code !== 'policy_violation')) throw error;
      if (error.code === 'invalid_input') this.onlyPolicy = false;
      this.messages.push(error.message);
      this.details.push(...(error.details.length > 0 ? error.details : [{ message: error.message }]));
      return fallback;
    }
  }

  /** @throws DomainError with every problem found, the first one's message leading. */
  throwIfAny(): void {
    const [first] = this.messages;
    if (first === undefined) return;
    const more = this.details.length - 1;
    const message = more > 0 ? `${first} (and ${more} more ${more === 1 ? 'problem' : 'problems'}, marked on the form)` : first;
    throw new DomainError(this.onlyPolicy ? 'policy_violation' : 'invalid_input', message, this.details);
  }
}

/** Canonical settings: trimmed, de-duplicated lists; invalid IPs or emails are collected with their own message. */
const normalizeSettings = async (settings: LinkSettings, problems: ProblemCollector): Promise<LinkSettings> => ({
  ...settings,
  name: settings.name.trim(),
  description: settings.description.trim(),
  withLabels: normalizeLabels(settings.withLabels),
  withoutLabels: normalizeLabels(settings.withoutLabels),
  allowedIps: await problems.check(() => normalizeIpAllowList(settings.allowedIps), []),
  selectedUsers: await problems.check(() => normalizeSelectedUsers(settings.selectedUsers), []),
  // Label filters and restricted children only mean something when child pages are shared.
  shareRestrictedChildren: settings.includeChildren && settings.shareRestrictedChildren,
});

/** Share URL: the custom domain when the admin set one, else the web trigger (or local) base. */
export const shareUrlFor = async (deps: AppDeps, token: string): Promise<string> => {
  const site = await deps.store.configs.getSite();
  const base = site?.customDomain ?? (await deps.shareBaseUrl());
  return `${base.replace(/\/+$/, '')}/s/${token}`;
};

/** @throws DomainError('not_found') */
export const loadLink = async (deps: AppDeps, linkId: string): Promise<ShareLink> => {
  const link = await deps.store.links.get(linkId);
  if (!link) throw new DomainError('not_found', 'This link does not exist (it may have been deleted).');
  return link;
};

const STALE_MESSAGE = 'Someone else changed this link since you opened it. Reload to see the latest version, then try again.';

const checkVersion = (link: ShareLink, expected: number | undefined): void => {
  if (expected !== undefined && link.version !== expected) {
    throw new DomainError('version_conflict', STALE_MESSAGE, [
      { field: 'version', rule: 'version.stale', message: `Current version is ${link.version}` },
    ]);
  }
};

/** Writes `next` conditionally; a concurrent write in between surfaces as the same clear conflict. */
const writeLink = async (deps: AppDeps, next: ShareLink, expectedVersion: number): Promise<void> => {
  try {
    await deps.store.links.update(next, expectedVersion);
  } catch (error) {
    if (isDomainError(error) && error.code === 'version_conflict') {
      throw new DomainError('version_conflict', STALE_MESSAGE, error.details);
    }
    throw error;
  }
};

/** The page's links, its effective policy and the new-link form defaults (page editors only). */
export const getPageSharing = async (deps: AppDeps, caller: Caller, pageId: string): Promise<PageSharingResult> => {
  const page = await authorizePageEdit(deps, caller, pageId);
  const [sp, links, spaceHome] = await Promise.all([
    loadSpacePolicy(deps, page.spaceKey),
    linksOfPage(deps, page.id, { stopAfter: 5000 }),
    // The space's home page offers "Share the whole space"; a failed space read only hides that option.
    spaceHomeOf(deps, page).catch(() => undefined),
  ]);
  const now = deps.clock.now();
  const views = await createCreatorNames(deps).annotate(links.map((link) => toLinkView(link, sp.policy, now)));
  return {
    page: { id: page.id, title: page.title, spaceKey: page.spaceKey, ...(spaceHome ? { spaceHome: { name: spaceHome.name } } : {}) },
    links: views,
    policy: toPolicyView(sp.policy),
    defaults: newLinkSettings(sp.policy, now),
    passwordSuggested: sp.policy.defaults.password,
    canCreate: sp.policy.sharing.enabled && page.status === 'current',
  };
};

export interface CreateLinkInput {
  pageId: string;
  /** 'space': share the whole space; pageId must be the space's home page. Default 'page'. */
  scope?: LinkScope | undefined;
  settings: LinkSettingsPatch;
  password?: string | undefined;
}

/** Creates a link on a page the caller can edit, if it obeys the effective policy. Returns the URL once. */
export const createLink = async (deps: AppDeps, caller: Caller, input: CreateLinkInput): Promise<CreatedLinkResult> => {
  const page = await authorizePageEdit(deps, caller, input.pageId);
  if (page.status !== 'current') {
    throw new DomainError('invalid_input', 'Only published pages can be shared (this page is ' + page.status + ').');
  }
  const wholeSpace = input.scope === 'space';
  const [sp, seenByApp, space] = await Promise.all([
    loadSpacePolicy(deps, page.spaceKey),
    deps.content.getPageStatuses([page.id]),
    wholeSpace ? assertSpaceHome(deps, page) : Promise.resolve(undefined),
    // Pages at or above the admin's classification level cannot be shared.
    assertNotClassified(deps, page.id),
  ]);
  assertSharingEnabled(sp.policy);
  if (wholeSpace) assertSpaceShareAllowed(sp.policy);
  // Recipients see the page as the app reads it: a page whose view restrictions leave the app out could never be shown.
  if (!seenByApp.some((p) => p.id === page.id && p.status === 'current')) {
    throw new DomainError(
      'invalid_input',
      'Secure Share cannot read this page: its view restrictions leave the app out. Add the Secure Share app to the page restrictions (or remove them), then try again.',
      [{ field: 'pageId', rule: 'page.appCannotRead', message: 'The app cannot read this page' }],
    );
  }
  const now = deps.clock.now();
  const defaults = newLinkSettings(sp.policy, now);
  const problems = new ProblemCollector();
  // A whole space is a page tree: child pages are implied.
  const settings = await normalizeSettings({ ...defaults, ...stripUndefined(input.settings), ...(wholeSpace ? { includeChildren: true } : {}) }, problems);
  if (settings.name === '') settings.name = (space ? `Whole space: ${space.name}` : `Link to ${page.title}`).slice(0, 120);
  const hasPassword = input.password !== undefined;
  const password = input.password;
  if (password !== undefined) await problems.check(() => checkPassword(password), undefined);
  await problems.check(() => assertLinkValid({ ...settings, hasPassword }, sp.policy, now, { createdAt: now }), undefined);
  problems.throwIfAny();
  const passwordHash = input.password !== undefined ? await hashPassword(deps, input.password) : null;

  // Stored with the link so searches by creator name need no lookups.
  const createdByName = await displayNameOf(deps, caller.accountId);
  const id = newLinkId((n) => deps.random.bytes(n));
  const token = newToken(id, (n) => deps.random.bytes(n));
  const link: ShareLink = {
    ...settings,
    id,
    tokenHash: hashToken(token),
    tokenSealed: await sealLinkToken(deps, id, token),
    ...(wholeSpace ? { scope: 'space' as const } : {}),
    pageId: page.id,
    spaceKey: page.spaceKey,
    spaceId: page.spaceId,
    pageTitle: page.title,
    createdBy: caller.accountId,
    createdByName,
    createdAt: now,
    updatedAt: now,
    version: 1,
    epoch: 1,
    status: 'active',
    passwordHash,
    pageState: 'current',
  };
  await deps.store.links.create(link);
  await recordAudit(deps, {
    action: 'link_created',
    actor: caller.accountId,
    linkId: id,
    pageId: page.id,
    spaceKey: page.spaceKey,
    names: { link: link.name, page: page.title },
    detail: describeSecurity(link),
  });
  return { link: toLinkView(link, sp.policy, now), url: await shareUrlFor(deps, token) };
};


const describeSecurity = (link: ShareLink): string =>
  [
    linkScopeOf(link) === 'space' ? 'whole space' : null,
    link.passwordHash ? 'password' : null,
    link.expiresAt !== null ? `expires ${new Date(link.expiresAt).toISOString()}` : null,
    link.allowedIps.length > 0 ? `${link.allowedIps.length} IP rule(s)` : null,
    link.selectedUsers.length > 0 ? `${link.selectedUsers.length} selected user entr(ies)` : null,
    link.requireSso ? 'SSO' : null,
    link.includeChildren ? 'child pages' : null,
  ]
    .filter((part): part is string => part !== null)
    .join(', ') || 'open link';

const stripUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

const sameList = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i]);

export interface UpdateLinkInput {
  linkId: string;
  version: number;
  settings: LinkSettingsPatch;
  password: PasswordChange;
}

/**
 * Edits a link (page editors; admins of its space and Confluence admins from their consoles, within the
 * same policy). Stale version → version_conflict. Gate changes end existing sessions.
 */
export const updateLink = async (deps: AppDeps, caller: Caller, input: UpdateLinkInput): Promise<LinkView> => {
  const stored = await loadLink(deps, input.linkId);
  const page = await authorizeLinkAction(deps, caller, stored, 'edit');
  checkVersion(stored, input.version);
  const wholeSpace = linkScopeOf(stored) === 'space';
  if (wholeSpace && page) {
    // A whole-space link stays on its space: its page must still be that space's home page.
    if (page.spaceKey !== stored.spaceKey) {
      throw new DomainError(
        'invalid_input',
        `The home page of this link moved to another space, so the link no longer shares the space it was made for. Delete it, and share the other space from its own home page if you mean to.`,
        [{ field: 'scope', rule: 'scope.spaceMoved', message: 'The home page moved to another space' }],
      );
    }
    await assertSpaceHome(deps, page);
  }
  // Confluence is the truth for the page's title and space (a moved page moves under its new space's policy).
  const link: ShareLink = page ? { ...stored, pageTitle: page.title, spaceKey: page.spaceKey, spaceId: page.spaceId } : stored;
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  assertSharingEnabled(sp.policy);
  if (wholeSpace) assertSpaceShareAllowed(sp.policy);
  const now = deps.clock.now();

  const current: LinkSettings = pickSettings(link);
  const problems = new ProblemCollector();
  // A whole-space link always shares the page tree: child pages cannot be switched off on it.
  const settings = await normalizeSettings({ ...current, ...stripUndefined(input.settings), ...(wholeSpace ? { includeChildren: true } : {}) }, problems);
  if (settings.name === '') settings.name = link.name;
  const change = input.password;
  if (change.action === 'set') await problems.check(() => checkPassword(change.password), undefined);
  const hasPassword = change.action === 'set' || (change.action === 'keep' && link.passwordHash !== null);
  await problems.check(() => assertLinkValid({ ...settings, hasPassword }, sp.policy, now, { createdAt: link.createdAt }), undefined);
  problems.throwIfAny();

  const passwordHash =
    change.action === 'set' ? await hashPassword(deps, change.password) : change.action === 'clear' ? null : link.passwordHash;
  const gatesChanged =
    change.action !== 'keep' ||
    !sameList(settings.selectedUsers, link.selectedUsers) ||
    !sameList(settings.allowedIps, link.allowedIps) ||
    settings.requireSso !== link.requireSso;
  const next: ShareLink = {
    ...link,
    ...settings,
    passwordHash,
    version: link.version + 1,
    epoch: gatesChanged ? link.epoch + 1 : link.epoch,
    updatedAt: now,
  };
  await writeLink(deps, next, link.version);
  await recordAudit(deps, {
    action: 'link_updated',
    actor: caller.accountId,
    ...linkAuditScope(link),
    // An admin who cannot edit the page edits from the console: said so in the trail (the creator stays the creator).
    detail: `${changedFields(link, next).join(', ') || 'no change'}${page ? '' : ' (by an administrator)'}`,
  });
  return toLinkView(next, sp.policy, now);
};

const SETTING_KEYS: readonly (keyof LinkSettings)[] = [
  'name',
  'description',
  'comments',
  'attachments',
  'includeChildren',
  'withLabels',
  'withoutLabels',
  'shareRestrictedChildren',
  'showCreator',
  'allowSubscribe',
  'expiresAt',
  'allowedIps',
  'selectedUsers',
  'requireSso',
];

const pickSettings = (link: ShareLink): LinkSettings => {
  const settings = {} as Record<keyof LinkSettings, unknown>;
  for (const key of SETTING_KEYS) settings[key] = link[key];
  return settings as LinkSettings;
};

const changedFields = (before: ShareLink, after: ShareLink): string[] => {
  // Switches say which way they went ("requireSso on"), so the audit sentence can say "turned on".
  const fields = SETTING_KEYS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) =>
    typeof after[key] === 'boolean' ? `${key} ${after[key] ? 'on' : 'off'}` : String(key),
  );
  if (before.passwordHash !== after.passwordHash) fields.push(after.passwordHash ? 'password set' : 'password removed');
  return fields;
};

/** Enables or disables a link (page editors, space admins, site admins). Disabling ends sessions at once. */
export const setLinkStatus = async (
  deps: AppDeps,
  caller: Caller,
  input: { linkId: string; status: LinkStatus; version?: number | undefined },
): Promise<LinkView> => {
  const link = await loadLink(deps, input.linkId);
  await authorizeLinkAction(deps, caller, link, 'moderate');
  checkVersion(link, input.version);
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  const next = await writeLinkStatus(deps, caller.accountId, link, input.status);
  return toLinkView(next ?? link, sp.policy, deps.clock.now());
};

/**
 * Sets the status of a link whose rights were checked by the caller (version-checked write, audited,
 * disabling ends sessions). Returns the written link, or undefined when it already had that status.
 */
export const writeLinkStatus = async (
  deps: AppDeps,
  actor: string,
  link: ShareLink,
  status: LinkStatus,
  detail?: string,
): Promise<ShareLink | undefined> => {
  if (link.status === status) return undefined;
  const next: ShareLink = {
    ...link,
    status,
    version: link.version + 1,
    epoch: status === 'disabled' ? link.epoch + 1 : link.epoch,
    updatedAt: deps.clock.now(),
  };
  await writeLink(deps, next, link.version);
  await recordAudit(deps, {
    action: status === 'disabled' ? 'link_disabled' : 'link_enabled',
    actor,
    ...linkAuditScope(link),
    ...(detail ? { detail } : {}),
  });
  return next;
};

/**
 * Replaces the token (page editors, space admins, Confluence admins): the old URL and every session die, for everyone who holds it.
 * @throws DomainError('sharing_disabled') while the space or site has sharing off.
 */
export const rotateLink = async (
  deps: AppDeps,
  caller: Caller,
  input: { linkId: string; version?: number | undefined },
): Promise<CreatedLinkResult> => {
  const link = await loadLink(deps, input.linkId);
  await authorizeLinkAction(deps, caller, link, 'edit');
  checkVersion(link, input.version);
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  // A new URL is a new share: refused while sharing is off, like create and update (issue 11, item 8).
  assertSharingEnabled(sp.policy);
  const now = deps.clock.now();
  const token = newToken(link.id, (n) => deps.random.bytes(n));
  const next: ShareLink = {
    ...link,
    tokenHash: hashToken(token),
    tokenSealed: await sealLinkToken(deps, link.id, token),
    version: link.version + 1,
    epoch: link.epoch + 1,
    updatedAt: now,
  };
  await writeLink(deps, next, link.version);
  await recordAudit(deps, {
    action: 'link_rotated',
    actor: caller.accountId,
    ...linkAuditScope(link),
  });
  return { link: toLinkView(next, sp.policy, now), url: await shareUrlFor(deps, token) };
};

/** Deletes a link for good (page editors, space admins, site admins). */
/** A deleted link's subscribers are forgotten: their addresses must not outlive the link they came through. */
const deleteSubscriptionsOf = async (deps: AppDeps, linkId: string): Promise<void> => {
  for (;;) {
    const page = await deps.store.subscriptions.listByLink(linkId, { limit: 100 });
    if (page.items.length === 0) return;
    await Promise.all(page.items.map((sub) => deps.store.subscriptions.delete(sub.id)));
  }
};

export const deleteLink = async (deps: AppDeps, caller: Caller, linkId: string): Promise<void> => {
  const link = await loadLink(deps, linkId);
  await authorizeLinkAction(deps, caller, link, 'moderate');
  await removeLink(deps, caller.accountId, link);
};

/** Deletes a link whose rights were checked by the caller, with its subscriptions; audited. */
export const removeLink = async (deps: AppDeps, actor: string, link: ShareLink, detail?: string): Promise<void> => {
  await deps.store.links.delete(link.id);
  await deleteSubscriptionsOf(deps, link.id);
  await recordAudit(deps, {
    action: 'link_deleted',
    actor,
    ...linkAuditScope(link),
    detail: detail ? `${link.name} (${detail})` : link.name,
  });
};
