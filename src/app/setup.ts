/**
 * Setup confidence for Confluence admins (Getting started): what is configured, and what was proven to
 * work — a test email the provider accepted, a test sign-in that came back with a verified email, the
 * custom domain reaching the share web trigger, the default policy saved or reviewed.
 *
 * Results are kept in the ephemeral store for a year (the longest KVS expiry) with a fingerprint of the
 * settings they proved: once the provider, sender, identity provider or domain changes, the old result
 * no longer counts and the checklist asks for a new test.
 *
 * Test sign-in and the custom-domain check run in the admin's browser on the share web trigger
 * (src/web/setup-checks.ts), opened through a one-time ticket valid for 10 minutes.
 */
import { createHash } from 'node:crypto';
import { defaultSiteSettings } from '../core/defaults';
import { DomainError, isDomainError } from '../core/errors';
import { DEFAULT_EMAIL_BRANDING, renderTestEmail } from '../core/email-templates';
import type { SiteSettings } from '../core/model';
import { authorizeSiteAdmin, type Caller } from './authorize';
import { SECRET_NAMES } from './configs';
import type { AppDeps } from './deps';
import { SETUP_PATHS } from './setup-paths';

type EmailProvider = SiteSettings['email']['provider'];

export const EMAIL_PROVIDER_LABELS: Record<EmailProvider, string> = {
  none: 'no provider',
  outbox: 'the local outbox',
  sendgrid: 'SendGrid',
  mailgun: 'Mailgun',
  postmark: 'Postmark',
  ses: 'Amazon SES',
  resend: 'Resend',
  graph: 'Microsoft Graph',
  gmail: 'Gmail API',
  webhook: 'the webhook',
};

export { SETUP_PATHS, SSO_TEST_LINK_ID } from './setup-paths';

export const SETUP_TICKET_TTL_MS = 10 * 60 * 1000;
const RESULT_TTL_MS = 364 * 24 * 60 * 60 * 1000;
const TEST_EMAILS_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;

const KEYS = {
  emailTest: 'setup:email-test',
  ssoTest: 'setup:sso-test',
  domainCheck: 'setup:domain-check',
  policyReviewed: 'setup:policy-reviewed',
} as const;
const TICKET_PREFIX = 'setup-ticket:';

export interface EmailTestResult {
  at: number;
  ok: boolean;
  provider: EmailProvider;
  /** The provider's answer in plain words (accepted, or why not). */
  message: string;
  /** False once the email settings changed after the test. */
  current: boolean;
}

export interface SsoTestResult {
  at: number;
  ok: boolean;
  issuer: string;
  /** What the identity provider vouched for (ok only). */
  email: string | null;
  emailVerified: boolean | null;
  /** Plain words; on failure, the reason and the technical detail. */
  message: string;
  current: boolean;
}

export interface DomainCheckResult {
  at: number;
  domain: string;
  current: boolean;
}

export interface SetupStatus {
  email: { provider: EmailProvider; providerLabel: string; fromAddress: string; configured: boolean; keyStored: boolean; lastTest: EmailTestResult | null };
  sso: { configured: boolean; issuer: string | null; lastTest: SsoTestResult | null };
  customDomain: { domain: string | null; lastCheck: DomainCheckResult | null };
  policy: { savedAt: number | null; reviewedAt: number | null };
  /** The share web trigger's own URL: what a custom-domain proxy must forward to. */
  shareBaseUrl: string;
  /** What links use: the custom domain, else the share base URL. */
  publicBaseUrl: string;
  /** The redirect URI to register at the identity provider. */
  ssoRedirectUri: string;
  /** Local mode only: every email goes to this outbox, whatever the provider setting. */
  outboxUrl: string | null;
}

export interface SetupTicket {
  url: string;
  expiresAt: number;
}

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

export const emailFingerprint = (email: SiteSettings['email']): string =>
  sha256Hex(JSON.stringify([email.provider, email.fromAddress, Object.entries(email.options).sort(([a], [b]) => a.localeCompare(b))]));

export const ssoFingerprint = (sso: SiteSettings['sso']): string => sha256Hex(JSON.stringify(sso ? [sso.issuer, sso.clientId] : null));

const siteOf = async (deps: AppDeps): Promise<SiteSettings> => (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());

const readRecord = async (deps: AppDeps, key: string): Promise<Record<string, unknown> | null> =>
  (await deps.store.ephemeral.get(key, deps.clock.now()))?.value ?? null;

const keep = (deps: AppDeps, key: string, value: Record<string, unknown>) =>
  deps.store.ephemeral.put({ key, value, expiresAt: deps.clock.now() + RESULT_TTL_MS });

const str = (v: Record<string, unknown>, k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
const num = (v: Record<string, unknown>, k: string): number => (typeof v[k] === 'number' ? (v[k] as number) : 0);

/** The share base URL without a trailing slash, and what links use. */
const bases = async (deps: AppDeps, site: SiteSettings): Promise<{ share: string; public: string }> => {
  const share = (await deps.shareBaseUrl()).replace(/\/+$/, '');
  return { share, public: (site.customDomain ?? share).replace(/\/+$/, '') };
};

const needsKey = (provider: EmailProvider): boolean => provider !== 'none' && provider !== 'outbox';

/** Where everything stands (Confluence admins). */
export const getSetupStatus = async (deps: AppDeps, caller: Caller): Promise<SetupStatus> => {
  await authorizeSiteAdmin(deps, caller);
  return setupStatus(deps);
};

/**
 * The setup state without a rights check: for use cases that checked already (getSiteSettings sends it
 * with the settings, so a settings section opens with one resolver call).
 */
export const readSetupStatus = (deps: AppDeps): Promise<SetupStatus> => setupStatus(deps);

const setupStatus = async (deps: AppDeps): Promise<SetupStatus> => {
  const [site, global, emailKey, ssoSecret, emailTest, ssoTest, domainCheck, reviewed] = await Promise.all([
    siteOf(deps),
    deps.store.configs.getGlobal(),
    deps.store.secrets.get(SECRET_NAMES.emailApiKey),
    deps.store.secrets.get(SECRET_NAMES.ssoClientSecret),
    readRecord(deps, KEYS.emailTest),
    readRecord(deps, KEYS.ssoTest),
    readRecord(deps, KEYS.domainCheck),
    readRecord(deps, KEYS.policyReviewed),
  ]);
  const base = await bases(deps, site);
  const provider = site.email.provider;
  const keyStored = Boolean(emailKey);
  return {
    email: {
      provider,
      providerLabel: EMAIL_PROVIDER_LABELS[provider],
      fromAddress: site.email.fromAddress,
      configured: deps.localOutboxPath !== undefined || (provider !== 'none' && (!needsKey(provider) || keyStored)),
      keyStored,
      lastTest: emailTest
        ? {
            at: num(emailTest, 'at'),
            ok: emailTest.ok === true,
            provider: (str(emailTest, 'provider') || 'none') as EmailProvider,
            message: str(emailTest, 'message'),
            current: str(emailTest, 'fingerprint') === emailFingerprint(site.email),
          }
        : null,
    },
    sso: {
      configured: Boolean(site.sso?.issuer && site.sso.clientId && ssoSecret),
      issuer: site.sso?.issuer ?? null,
      lastTest: ssoTest
        ? {
            at: num(ssoTest, 'at'),
            ok: ssoTest.ok === true,
            issuer: str(ssoTest, 'issuer'),
            email: str(ssoTest, 'email') || null,
            emailVerified: typeof ssoTest.emailVerified === 'boolean' ? ssoTest.emailVerified : null,
            message: str(ssoTest, 'message'),
            current: str(ssoTest, 'fingerprint') === ssoFingerprint(site.sso),
          }
        : null,
    },
    customDomain: {
      domain: site.customDomain,
      lastCheck: domainCheck ? { at: num(domainCheck, 'at'), domain: str(domainCheck, 'domain'), current: str(domainCheck, 'domain') === (site.customDomain ?? '') } : null,
    },
    policy: {
      savedAt: global && global.version > 0 ? global.updatedAt : null,
      reviewedAt: reviewed ? num(reviewed, 'at') : null,
    },
    shareBaseUrl: base.share,
    publicBaseUrl: base.public,
    ssoRedirectUri: `${base.public}/sso/callback`,
    outboxUrl: deps.localOutboxPath !== undefined ? `${base.share}${deps.localOutboxPath}` : null,
  };
};

/**
 * Sends one test email to `to` through the configured provider (local mode: the outbox) and records the
 * answer. A refusal is not an error of this call: its plain message is the answer the admin needs.
 */
export const sendTestEmail = async (deps: AppDeps, caller: Caller, input: { to: string }): Promise<{ ok: boolean; message: string; status: SetupStatus }> => {
  await authorizeSiteAdmin(deps, caller);
  const now = deps.clock.now();
  const sent = await deps.store.counters.increment(`setup-test-email:${caller.accountId}`, now + HOUR_MS);
  if (sent > TEST_EMAILS_PER_HOUR) {
    throw new DomainError('rate_limited', `At most ${TEST_EMAILS_PER_HOUR} test emails an hour. Try again later.`);
  }
  const site = await siteOf(deps);
  const provider = site.email.provider;
  const toOutbox = deps.localOutboxPath !== undefined;
  const label = toOutbox ? EMAIL_PROVIDER_LABELS.outbox : EMAIL_PROVIDER_LABELS[provider];
  let ok = false;
  let message: string;
  try {
    const rendered = renderTestEmail({ branding: { ...DEFAULT_EMAIL_BRANDING, ...site.customization }, providerLabel: label, fromAddress: site.email.fromAddress, sentAt: now });
    await deps.mailer.send({ to: [input.to], subject: rendered.subject, text: rendered.text, html: rendered.html, kind: 'test' });
    ok = true;
    message = toOutbox
      ? `The test email to ${input.to} was written to the local outbox (in local mode all email goes there, whatever the provider setting).`
      : `${label} accepted the test email to ${input.to}. Check that inbox, and its spam folder, in the next few minutes.`;
  } catch (error) {
    message = isDomainError(error) ? error.message : 'Sending failed for a reason Secure Share did not recognise. Try again; if it keeps failing, check the provider settings.';
  }
  await keep(deps, KEYS.emailTest, { at: now, ok, provider: toOutbox ? 'outbox' : provider, message, fingerprint: emailFingerprint(site.email) });
  return { ok, message, status: await setupStatus(deps) };
};

/** "I have reviewed the default link configuration" (the checklist item is also done once it was saved). */
export const markPolicyReviewed = async (deps: AppDeps, caller: Caller): Promise<SetupStatus> => {
  await authorizeSiteAdmin(deps, caller);
  await keep(deps, KEYS.policyReviewed, { at: deps.clock.now(), by: caller.accountId });
  return setupStatus(deps);
};

const newTicket = async (deps: AppDeps, caller: Caller, kind: 'sso' | 'domain', fingerprint: string): Promise<{ ticket: string; expiresAt: number }> => {
  const ticket = Buffer.from(deps.random.bytes(32)).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = now + SETUP_TICKET_TTL_MS;
  await deps.store.ephemeral.putIfAbsent({ key: TICKET_PREFIX + sha256Hex(ticket), value: { kind, by: caller.accountId, createdAt: now, fingerprint }, expiresAt });
  return { ticket, expiresAt };
};

/** A one-time URL (10 minutes) that runs a real sign-in with the configured identity provider. */
export const startSsoTest = async (deps: AppDeps, caller: Caller): Promise<SetupTicket> => {
  await authorizeSiteAdmin(deps, caller);
  const site = await siteOf(deps);
  if (!site.sso?.issuer || !site.sso.clientId) {
    throw new DomainError('invalid_input', 'Single sign-on is not set up yet. Save an identity provider (issuer, client ID and secret) first.');
  }
  if (!(await deps.store.secrets.get(SECRET_NAMES.ssoClientSecret))) {
    throw new DomainError('invalid_input', 'The client secret is missing. Save it under Single sign-on first.');
  }
  const { ticket, expiresAt } = await newTicket(deps, caller, 'sso', ssoFingerprint(site.sso));
  const base = await bases(deps, site);
  return { url: `${base.public}${SETUP_PATHS.ssoTest}?t=${ticket}`, expiresAt };
};

/** A one-time URL (10 minutes) on the custom domain: opening it proves the domain reaches Secure Share. */
export const startDomainCheck = async (deps: AppDeps, caller: Caller): Promise<SetupTicket> => {
  await authorizeSiteAdmin(deps, caller);
  const site = await siteOf(deps);
  if (!site.customDomain) throw new DomainError('invalid_input', 'No custom domain is set. Save one under Custom domain first.');
  const { ticket, expiresAt } = await newTicket(deps, caller, 'domain', site.customDomain);
  return { url: `${site.customDomain.replace(/\/+$/, '')}${SETUP_PATHS.domainCheck}?t=${ticket}`, expiresAt };
};

/** Consumes a ticket of this kind (single use); null when unknown, used, expired or of another kind. */
export const takeSetupTicket = async (deps: AppDeps, ticket: string | undefined, kind: 'sso' | 'domain'): Promise<{ by: string } | null> => {
  if (!ticket || !/^[A-Za-z0-9_-]{43}$/.test(ticket)) return null;
  const now = deps.clock.now();
  const record = await deps.store.ephemeral.take(TICKET_PREFIX + sha256Hex(ticket), now);
  if (!record || record.expiresAt <= now || record.value.kind !== kind) return null;
  if (now - num(record.value, 'createdAt') > SETUP_TICKET_TTL_MS) return null;
  return { by: str(record.value, 'by') };
};

export const recordSsoTest = async (
  deps: AppDeps,
  site: SiteSettings,
  result: { ok: boolean; email: string | null; emailVerified: boolean | null; message: string },
): Promise<void> => {
  // No nulls in stored records (KVS may drop nested nulls): absent fields read back as null.
  await keep(deps, KEYS.ssoTest, {
    at: deps.clock.now(),
    issuer: site.sso?.issuer ?? '',
    fingerprint: ssoFingerprint(site.sso),
    ok: result.ok,
    message: result.message,
    email: result.email ?? '',
    ...(result.emailVerified === null ? {} : { emailVerified: result.emailVerified }),
  });
};

/** Drops test results whose secret was replaced or removed (their fingerprints cover only non-secret settings). */
export const forgetSetupTests = async (deps: AppDeps, which: { email: boolean; sso: boolean }): Promise<void> => {
  await Promise.all([
    which.email ? deps.store.ephemeral.delete(KEYS.emailTest) : undefined,
    which.sso ? deps.store.ephemeral.delete(KEYS.ssoTest) : undefined,
  ]);
};

export const recordDomainCheck = async (deps: AppDeps, domain: string): Promise<void> => {
  await keep(deps, KEYS.domainCheck, { at: deps.clock.now(), domain });
};
