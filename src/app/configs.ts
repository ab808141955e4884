import { isAllowedLoopback, issuerProblem } from '../core/oidc-issuer';
import { policySettingsOf } from '../core/policy-settings';
import { INLINE_IMAGE_URL, remoteImageUrlProblem } from '../core/branding-images';
import { DomainError, isDomainError } from '../core/errors';
import type { GlobalConfig, PolicySettings, SiteSettings, SpaceConfig } from '../core/model';
import { defaultSiteSettings, defaultSpaceConfig } from '../core/defaults';
import { effectivePolicy, exceedsAccess } from '../core/policy';
import { combineSelectedUsers, normalizeSelectedUsers } from '../core/selected-users';
import type {
  EffectivePolicyView,
  GlobalConfigInput,
  SiteSettingsInput,
  SiteSettingsResult,
  SpaceConfigInput,
  SpaceConfigResult,
} from '../shared/contract';
import { recordAudit } from './audit';
import { authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';
import type { SpaceInfo } from './ports';
import { loopbackIssuerOrigin } from './loopback-issuer';
import { forgetSetupTests, readSetupStatus } from './setup';
import { loadGlobalConfig, loadSpaceConfig, resolvedSpacePolicy, toPolicyView } from './link-views';
import { spaceConfigurationView } from './space-configuration-view';
import type { PolicyRegistry } from '../core/policy';

/** Secret names in the SecretStore (shared with the OIDC gate and the mail adapters). */
export const SECRET_NAMES = { ssoClientSecret: 'sso.clientSecret', emailApiKey: 'email-api-key' } as const;

const POLICY_KEYS: readonly (keyof PolicySettings)[] = [
  'comments',
  'attachments',
  'childPages',
  'childPagesOnByDefault',
  'restrictedChildPages',
  'restrictedChildPagesOnByDefault',
  'password',
  'expiry',
  'enforceSso',
  'selectedUsers',
];

const STALE = (what: string): DomainError =>
  new DomainError('version_conflict', `Someone else changed the ${what} since you opened it. Reload to see the latest version, then try again.`);

const checkVersion = (current: number, expected: number, what: string): void => {
  if (current !== expected) throw STALE(what);
};

/** Conditional write; a concurrent write in between surfaces as the same clear conflict. */
const guarded = async (write: () => Promise<void>, what: string): Promise<void> => {
  try {
    await write();
  } catch (error) {
    if (isDomainError(error) && (error.code === 'version_conflict' || error.code === 'already_exists')) throw STALE(what);
    throw error;
  }
};

/** The fields that changed, for the audit trail; switches say which way they went ("enforceSso on"). */
const changedKeys = <T extends object>(before: T, after: T, keys: readonly (keyof T)[]): string[] =>
  keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => (typeof after[key] === 'boolean' ? `${String(key)} ${after[key] ? 'on' : 'off'}` : String(key)));

/** The policy fields of a saved configuration, normalized (the field list lives in policySettingsOf). */
export const policySettingsFrom = (input: PolicySettings): PolicySettings => {
  const settings = policySettingsOf(input);
  return {
    ...settings,
    // A cap on restricted child pages is meaningless without child pages; "on by default" needs "allowed".
    restrictedChildPages: settings.childPages && settings.restrictedChildPages,
    childPagesOnByDefault: settings.childPages && settings.childPagesOnByDefault === true,
    restrictedChildPagesOnByDefault:
      settings.childPages && settings.restrictedChildPages && settings.childPagesOnByDefault === true && settings.restrictedChildPagesOnByDefault === true,
    selectedUsers: normalizeSelectedUsers(settings.selectedUsers),
  };
};

// ---------------------------------------------------------------------------------------------
// Global

const globalView = (config: GlobalConfig): EffectivePolicyView =>
  toPolicyView(effectivePolicy(config, defaultSpaceConfig('~global', config.updatedAt)));

export const getGlobalConfig = async (
  deps: AppDeps,
  caller: Caller,
): Promise<{ config: GlobalConfig; effective: EffectivePolicyView }> => {
  await authorizeSiteAdmin(deps, caller);
  const config = await loadGlobalConfig(deps);
  return { config, effective: globalView(config) };
};

/** Saves the global default configuration (site admins). Links are never deleted by a policy change. */
export const setGlobalConfig = async (
  deps: AppDeps,
  caller: Caller,
  input: { version: number; config: GlobalConfigInput },
): Promise<{ config: GlobalConfig; effective: EffectivePolicyView }> => {
  await authorizeSiteAdmin(deps, caller);
  const current = await loadGlobalConfig(deps);
  checkVersion(current.version, input.version, 'default link configuration');
  const next: GlobalConfig = {
    ...policySettingsFrom(input.config),
    sharingEnabled: input.config.sharingEnabled,
    applyOnAllLinks: input.config.applyOnAllLinks,
    version: current.version + 1,
    updatedAt: deps.clock.now(),
    updatedBy: caller.accountId,
  };
  await guarded(() => deps.store.configs.putGlobal(next, current.version), 'default link configuration');
  await recordAudit(deps, {
    action: 'policy_global_changed',
    actor: caller.accountId,
    detail: changedKeys(current, next, [...POLICY_KEYS, 'sharingEnabled', 'applyOnAllLinks']).join(', ') || 'no change',
  });
  return { config: next, effective: globalView(next) };
};

// ---------------------------------------------------------------------------------------------
// Space

/** A space record without its assignment fields (clients send `config` back as the form's input). */
const ownSettingsOf = (space: SpaceConfig): SpaceConfig => {
  const { configId: _assigned, ownSettings: _own, ...settings } = space;
  return settings;
};

const spaceResult = (
  deps: AppDeps,
  info: SpaceInfo,
  spaceKey: string,
  global: GlobalConfig,
  space: SpaceConfig,
  registry: PolicyRegistry | undefined,
): SpaceConfigResult => {
  // The space's own settings, else its assigned configuration, else the one new spaces get, else the default.
  const level = resolvedSpacePolicy(deps, global, spaceKey, space, registry);
  const { policy } = level;
  // The form starts from the settings in force: those of the configuration the space uses, when not its own
  // (saving them makes them the space's own), with the record's version for the conditional write.
  const form: SpaceConfig =
    level.source === undefined || level.source.kind === 'own'
      ? space
      : { ...level.space, spaceKey, version: space.version, updatedAt: space.updatedAt, updatedBy: space.updatedBy };
  return {
    // The home page: the space settings page shares the whole space from it.
    space: { key: spaceKey, name: info.name, homepageId: info.homepageId },
    // The space's own settings as the form edits them; which configuration applies is `configuration`.
    config: ownSettingsOf(form),
    global: {
      comments: global.comments,
      attachments: global.attachments,
      childPages: global.childPages,
      childPagesOnByDefault: global.childPagesOnByDefault === true,
      restrictedChildPages: global.restrictedChildPages,
      restrictedChildPagesOnByDefault: global.restrictedChildPagesOnByDefault === true,
      password: global.password,
      expiry: global.expiry,
      enforceSso: global.enforceSso,
      selectedUsers: [...global.selectedUsers],
      sharingEnabled: global.sharingEnabled,
      applyOnAllLinks: global.applyOnAllLinks,
    },
    effective: toPolicyView(policy),
    selectedUsers: combineSelectedUsers(global.selectedUsers, form.selectedUsers),
    configuration: spaceConfigurationView(spaceKey, space, registry, deps.clock.now()),
  };
};

/**
 * The space, read once per call (its name and home page go into the answer; the rights check before it
 * already read it as the caller, which the adapter reuses).
 * @throws DomainError('not_found') when Confluence has no such space.
 */
const requireSpace = async (deps: AppDeps, spaceKey: string): Promise<SpaceInfo> => {
  const space = await deps.content.getSpace(spaceKey);
  if (!space) throw new DomainError('not_found', `There is no space with key ${spaceKey}.`);
  return space;
};

const ACCESS_LABEL = { none: 'Disabled', view: 'View', view_add: 'View & Add' } as const;

/**
 * A space may not raise a cap the enforced global policy sets ("Apply on all links" ON). Only fields the
 * space admin changes are checked, so a later global tightening never blocks unrelated space edits
 * (the effective policy takes the minimum anyway).
 * @throws DomainError('policy_violation') naming every cap exceeded.
 */
const assertWithinGlobalCaps = (global: GlobalConfig, current: SpaceConfig, next: PolicySettings): void => {
  if (!global.applyOnAllLinks) return;
  const problems: { field: string; rule: string; message: string }[] = [];
  const changed = (key: keyof PolicySettings): boolean => JSON.stringify(current[key]) !== JSON.stringify(next[key]);
  for (const field of ['comments', 'attachments'] as const) {
    if (changed(field) && exceedsAccess(next[field], global[field])) {
      const title = field === 'comments' ? 'Comments' : 'Attachments';
      problems.push({ field, rule: `${field}.cap`, message: `${title} are capped at '${ACCESS_LABEL[global[field]]}' by the global policy` });
    }
  }
  if (changed('childPages') && next.childPages && !global.childPages) {
    problems.push({ field: 'childPages', rule: 'childPages.cap', message: 'Child pages may not be shared under the global policy' });
  }
  if (changed('restrictedChildPages') && next.restrictedChildPages && !global.restrictedChildPages) {
    problems.push({
      field: 'restrictedChildPages',
      rule: 'restrictedChildPages.cap',
      message: 'Restricted child pages may not be shared under the global policy',
    });
  }
  if (changed('expiry') && global.expiry.kind === 'custom') {
    const limit = global.expiry.maxDays;
    if (next.expiry.kind === 'custom' && next.expiry.maxDays > limit) {
      problems.push({ field: 'expiry', rule: 'expiry.maxDays', message: `Links may last at most ${limit} days under the global policy` });
    }
  }
  const first = problems[0];
  if (first) throw new DomainError('policy_violation', first.message, problems);
};

export const getSpaceConfig = async (deps: AppDeps, caller: Caller, spaceKey: string): Promise<SpaceConfigResult> => {
  await authorizeSpaceAdmin(deps, caller, spaceKey);
  const [info, global, space, registry] = await Promise.all([
    requireSpace(deps, spaceKey),
    loadGlobalConfig(deps),
    loadSpaceConfig(deps, spaceKey),
    deps.store.configs.getRegistry(),
  ]);
  return spaceResult(deps, info, spaceKey, global, space, registry);
};

/**
 * Saves a space configuration (space admins of that space, site admins). Turning sharing off makes the
 * space's links inaccessible at once; turning it on restores them. No link is deleted.
 */
export const setSpaceConfig = async (
  deps: AppDeps,
  caller: Caller,
  input: { spaceKey: string; version: number; config: SpaceConfigInput },
): Promise<SpaceConfigResult> => {
  await authorizeSpaceAdmin(deps, caller, input.spaceKey);
  const [info, global, current, registry] = await Promise.all([
    requireSpace(deps, input.spaceKey),
    loadGlobalConfig(deps),
    loadSpaceConfig(deps, input.spaceKey),
    deps.store.configs.getRegistry(),
  ]);
  checkVersion(current.version, input.version, 'space configuration');
  const settings = policySettingsFrom(input.config);
  assertWithinGlobalCaps(global, current, settings);
  const next: SpaceConfig = {
    ...settings,
    spaceKey: input.spaceKey,
    sharingEnabled: input.config.sharingEnabled,
    applyOnSpaceLinks: input.config.applyOnSpaceLinks,
    // Saved settings are the space's own; a configuration assigned to it stays recorded for later.
    ...(current.configId === undefined ? {} : { configId: current.configId }),
    ownSettings: true,
    version: current.version + 1,
    updatedAt: deps.clock.now(),
    updatedBy: caller.accountId,
  };
  await guarded(() => deps.store.configs.putSpace(next, current.version), 'space configuration');
  await recordAudit(deps, {
    action: 'policy_space_changed',
    actor: caller.accountId,
    spaceKey: input.spaceKey,
    detail: changedKeys(current, next, [...POLICY_KEYS, 'sharingEnabled', 'applyOnSpaceLinks']).join(', ') || 'no change',
  });
  return spaceResult(deps, info, input.spaceKey, global, next, registry);
};

// ---------------------------------------------------------------------------------------------
// Site settings

const invalid = (field: string, message: string): DomainError =>
  new DomainError('invalid_input', message, [{ field, message }]);

const parseHttpsUrl = (value: string, field: string, what: string): URL => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${what} must be a full URL starting with https://`);
  }
  if (url.protocol !== 'https:') throw invalid(field, `${what} must use https://`);
  if (url.username || url.password) throw invalid(field, `${what} must not contain a user name or password`);
  return url;
};

/** `https://share.acme.com` (optionally with a path prefix), no query, fragment or credentials; no trailing slash. */
export const normalizeCustomDomain = (value: string | null): string | null => {
  if (value === null || value.trim() === '') return null;
  const url = parseHttpsUrl(value.trim(), 'customDomain', 'The custom domain');
  if (url.search || url.hash) throw invalid('customDomain', 'The custom domain must not contain ? or #');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

/** Logos and favicons: https URLs on a public host name, or base64 raster data URLs (core/branding-images). */
const normalizeImageUrl = (value: string | null, field: string, what: string): string | null => {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (text.startsWith('data:')) {
    if (!INLINE_IMAGE_URL.test(text)) {
      throw invalid(field, `${what} must be a PNG, JPEG, GIF, WebP or ICO image (base64 data URL); SVG is not allowed`);
    }
    return text;
  }
  const url = parseHttpsUrl(text, field, what);
  const problem = remoteImageUrlProblem(url.toString());
  if (problem) throw invalid(field, `${what} ${problem}`);
  return url.toString();
};

/**
 * Site settings are one KVS value (at most 240 KiB), and inline logos and favicons live in it. Together
 * they may take 200 KiB, which leaves room for everything else; https URLs cost next to nothing.
 */
export const BRANDING_IMAGES_MAX_BYTES = 200 * 1024;
/** What the store accepts for one record (Forge KVS), less a margin for the record's own wrapping. */
const SITE_SETTINGS_MAX_BYTES = 236 * 1024;

const kilobytes = (bytes: number): string => `${Math.ceil(bytes / 1024)} KB`;

/** Refuses logo + favicon (and whole settings) that would not fit in one stored record, with a clear message. */
const checkStoredSize = (next: SiteSettings): void => {
  const { logoUrl, faviconUrl } = next.customization;
  const logoBytes = logoUrl === null ? 0 : Buffer.byteLength(logoUrl, 'utf8');
  const faviconBytes = faviconUrl === null ? 0 : Buffer.byteLength(faviconUrl, 'utf8');
  if (logoBytes + faviconBytes > BRANDING_IMAGES_MAX_BYTES) {
    const field = logoBytes >= faviconBytes ? 'customization.logoUrl' : 'customization.faviconUrl';
    throw invalid(
      field,
      `The logo (${kilobytes(logoBytes)}) and favicon (${kilobytes(faviconBytes)}) are too large together: they can take at most ${kilobytes(BRANDING_IMAGES_MAX_BYTES)}. Use smaller images, or link them from an https address.`,
    );
  }
  const total = Buffer.byteLength(JSON.stringify(next), 'utf8');
  if (total > SITE_SETTINGS_MAX_BYTES) {
    throw invalid(
      'customization',
      `These settings take ${kilobytes(total)}, more than the ${kilobytes(SITE_SETTINGS_MAX_BYTES)} that can be saved. Shorten the footer or heading, or use smaller images.`,
    );
  }
};

const normalizeSso = (
  sso: SiteSettingsInput['sso'],
  loopbackOrigin: string | undefined,
): Omit<NonNullable<SiteSettings['sso']>, 'hasClientSecret'> | null => {
  if (sso === null) return null;
  // Kept verbatim (no slash trimming): the ID token's iss must equal it exactly, and some IdPs end it with '/'.
  const issuer = sso.issuer.trim();
  const problem = issuerProblem(issuer, { loopbackOrigin });
  if (problem === null && URL.canParse(issuer) && isAllowedLoopback(new URL(issuer), loopbackOrigin)) {
    // Local mode's demo identity provider on the local server itself (see loopbackIssuerOrigin).
    return { issuer, clientId: sso.clientId, scopes: normalizeScopes(sso.scopes) };
  }
  parseHttpsUrl(issuer, 'sso.issuer', 'The SSO issuer');
  if (problem) throw invalid('sso.issuer', `The SSO ${problem} (e.g. https://login.example.com/tenant)`);
  return { issuer, clientId: sso.clientId, scopes: normalizeScopes(sso.scopes) };
};

const normalizeScopes = (value: string): string => {
  const scopes = value.split(/\s+/).filter((s) => s !== '');
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return [...new Set(scopes)].join(' ');
};

const normalizeEmail = (email: SiteSettingsInput['email']): SiteSettings['email'] => {
  if (email.provider !== 'none' && email.provider !== 'outbox') {
    const [local, domain] = email.fromAddress.split('@');
    if (!local || !domain || !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email.fromAddress)) {
      throw invalid('email.fromAddress', 'The sender address must be a valid email address');
    }
  }
  if (email.provider === 'webhook') {
    const target = email.options['url'];
    if (!target) throw invalid('email.options.url', 'The webhook provider needs a url option');
    parseHttpsUrl(target, 'email.options.url', 'The webhook URL');
  }
  return { provider: email.provider, fromAddress: email.fromAddress, fromName: email.fromName, options: { ...email.options } };
};

const AUDIT_RETENTION = { min: 1, max: 3650 } as const;

/** The resolver schema checks this too; the use case must not trust every caller to have done so. */
const checkAuditRetention = (days: number): number => {
  if (!Number.isInteger(days) || days < AUDIT_RETENTION.min || days > AUDIT_RETENTION.max) {
    throw invalid('auditRetentionDays', `Audit entries are kept ${AUDIT_RETENTION.min} to ${AUDIT_RETENTION.max} days (a whole number)`);
  }
  return days;
};

const siteResult = async (deps: AppDeps, settings: SiteSettings): Promise<SiteSettingsResult> => {
  const [sso, apiKey, setup] = await Promise.all([
    deps.store.secrets.get(SECRET_NAMES.ssoClientSecret),
    deps.store.secrets.get(SECRET_NAMES.emailApiKey),
    // The test panels of the email, SSO and custom-domain sections open with the settings (one call).
    readSetupStatus(deps).catch(() => undefined),
  ]);
  return {
    settings: { ...settings, sso: settings.sso ? { ...settings.sso, hasClientSecret: Boolean(sso) } : null },
    secrets: { ssoClientSecret: Boolean(sso), emailApiKey: Boolean(apiKey) },
    ...(setup ? { setup } : {}),
  };
};

export const getSiteSettings = async (deps: AppDeps, caller: Caller): Promise<SiteSettingsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const settings = (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());
  return siteResult(deps, settings);
};

export interface SetSiteSettingsInput {
  version: number;
  settings: SiteSettingsInput;
  /** Absent = keep, string = replace, null = delete. Never returned. */
  ssoClientSecret?: string | null | undefined;
  emailApiKey?: string | null | undefined;
}

/** Saves site settings (site admins). Secrets go to the SecretStore and are write-only. */
export const setSiteSettings = async (deps: AppDeps, caller: Caller, input: SetSiteSettingsInput): Promise<SiteSettingsResult> => {
  await authorizeSiteAdmin(deps, caller);
  const current = (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());
  checkVersion(current.version, input.version, 'site settings');
  const s = input.settings;
  const sso = normalizeSso(s.sso, await loopbackIssuerOrigin(deps));
  const next: SiteSettings = {
    customization: {
      ...s.customization,
      logoUrl: normalizeImageUrl(s.customization.logoUrl, 'customization.logoUrl', 'The logo'),
      faviconUrl: normalizeImageUrl(s.customization.faviconUrl, 'customization.faviconUrl', 'The favicon'),
    },
    customDomain: normalizeCustomDomain(s.customDomain),
    clientIpHeader: s.clientIpHeader.toLowerCase(),
    sso: sso ? { ...sso, hasClientSecret: false } : null,
    email: normalizeEmail(s.email),
    notifications: { ...s.notifications },
    auditRetentionDays: checkAuditRetention(s.auditRetentionDays),
    version: current.version + 1,
    updatedAt: deps.clock.now(),
  };
  checkStoredSize(next);
  await guarded(() => deps.store.configs.putSite(next, current.version), 'site settings');
  // Secrets are written only after the versioned settings were accepted, so a conflict changes nothing.
  const secretChanges: string[] = [];
  if (next.sso === null || input.ssoClientSecret === null) {
    if (current.sso !== null || input.ssoClientSecret === null) {
      await deps.store.secrets.delete(SECRET_NAMES.ssoClientSecret);
      secretChanges.push('SSO client secret removed');
    }
  } else if (typeof input.ssoClientSecret === 'string') {
    await deps.store.secrets.set(SECRET_NAMES.ssoClientSecret, input.ssoClientSecret);
    secretChanges.push('SSO client secret replaced');
  }
  if (input.emailApiKey === null) {
    await deps.store.secrets.delete(SECRET_NAMES.emailApiKey);
    secretChanges.push('email API key removed');
  } else if (typeof input.emailApiKey === 'string') {
    await deps.store.secrets.set(SECRET_NAMES.emailApiKey, input.emailApiKey);
    secretChanges.push('email API key replaced');
  }
  // A test email or test sign-in proved the old secret: the Getting started checklist asks for a new test.
  await forgetSetupTests(deps, { email: secretChanges.some((c) => c.startsWith('email')), sso: secretChanges.some((c) => c.startsWith('SSO')) });
  const changed = changedKeys(current, next, ['customization', 'customDomain', 'clientIpHeader', 'sso', 'email', 'notifications', 'auditRetentionDays']);
  await recordAudit(deps, {
    action: 'settings_changed',
    actor: caller.accountId,
    detail: [...changed, ...secretChanges].join(', ') || 'no change',
  });
  return siteResult(deps, next);
};
