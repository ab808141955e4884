/**
 * Forge review rubric ARC-06 / SEC-06: every resolver validates its payload with a schema before it touches
 * anything, authenticates the caller from the context, and checks the caller's rights in Confluence.
 *
 * - Schema first: each registered resolver, given a payload no schema accepts (a number), answers
 *   invalid_input without touching a single dependency (the deps are a tripwire).
 * - Caller first: without an account id in the context it answers unauthenticated, touching nothing.
 * - Rights: called by an account with no rights anywhere, with a well-formed payload from RIGHTS_SAMPLES,
 *   it asks Confluence about the caller's rights and refuses. A new resolver needs a row in RIGHTS_SAMPLES:
 *   the test fails until it has one, and then fails if the resolver serves a caller without rights.
 */
import { describe, expect, it } from 'vitest';
import { createLink } from '../../src/app/links';
import { createResolverRegistry } from '../../src/app/resolvers';
import type { AppDeps } from '../../src/app/deps';
import { isDomainError } from '../../src/core/errors';
import { createHarness, EDITOR } from '../app/harness';

const NOBODY = 'u-outsider';
const LINK = '{link}';
const policy = {
  comments: 'view',
  attachments: 'view',
  childPages: true,
  restrictedChildPages: false,
  password: 'optional',
  expiry: { kind: 'optional' },
  enforceSso: false,
  selectedUsers: [],
};

/** A well-formed payload per resolver ('{link}' stands for an existing link's id). */
const RIGHTS_SAMPLES: Record<string, unknown> = {
  getPageSharing: { pageId: '1001' },
  createLink: { pageId: '1001', settings: { name: 'x' } },
  updateLink: { linkId: LINK, version: 1, settings: { name: 'y' } },
  setLinkStatus: { linkId: LINK, status: 'disabled' },
  rotateLink: { linkId: LINK },
  deleteLink: { linkId: LINK },
  getLinkUrl: { linkId: LINK },
  previewLink: { pageId: '1001', includeChildren: true, shareRestrictedChildren: false, withLabels: [], withoutLabels: [] },
  emailLink: { linkId: LINK, recipients: ['someone@partner.example'] },
  getSpaceConfig: { spaceKey: 'DEMO' },
  setSpaceConfig: { spaceKey: 'DEMO', version: 0, config: { ...policy, sharingEnabled: true, applyOnSpaceLinks: false } },
  listSpaceLinks: { spaceKey: 'DEMO' },
  getGlobalConfig: {},
  setGlobalConfig: { version: 0, config: { ...policy, sharingEnabled: true, applyOnAllLinks: false } },
  getSiteSettings: {},
  setSiteSettings: {
    version: 0,
    settings: {
      customization: { showHeading: true, heading: '', logoUrl: null, faviconUrl: null, showFooter: false, footerText: '' },
      customDomain: null,
      clientIpHeader: 'x-forwarded-for',
      sso: null,
      email: { provider: 'none', fromAddress: '', fromName: '', options: {} },
      notifications: { openedAlert: false, expiryReminderDays: 3 },
      auditRetentionDays: 90,
    },
  },
  listAllLinks: {},
  revokeLinks: { linkIds: [LINK] },
  resetApp: { mode: 'links', confirmation: 'DELETE ALL LINKS' },
  discoverSsoOrigins: {},
  runDiagnostics: {},
  getDiagnostics: {},
  applyDiagnosticsIpHeader: {},
  getAuditLog: { linkId: LINK },
  startAuditExport: {},
  getAuditExport: { exportId: 'AAAAAAAAAAAAAAAAAAAAAA' },
  listAuditExports: {},
  getLinkStats: { linkIds: [LINK] },
  // Named configurations, setup and the links console (issue 13).
  getConfigurations: {},
  saveConfiguration: { version: 0, config: { ...policy, name: 'Partners', description: '', sharingEnabled: true, applyOnSpaceLinks: false } },
  deleteConfiguration: { version: 1, id: 'cfg-0123456789ab' },
  assignConfiguration: { configId: null, spaceKeys: ['DEMO'] },
  setNewSpacesConfiguration: { version: 0, configId: 'default' },
  useAssignedConfiguration: { spaceKey: 'DEMO', version: 0 },
  previewPolicyImpact: { level: 'space', spaceKey: 'DEMO', config: { ...policy, sharingEnabled: true, applyOnSpaceLinks: false } },
  getClassificationSettings: {},
  setClassificationRule: { version: 0, levelId: null },
  getSetupStatus: {},
  sendTestEmail: { to: 'someone@partner.example' },
  markPolicyReviewed: {},
  startSsoTest: {},
  startDomainCheck: {},
  previewReset: {},
  bulkLinks: { action: 'disable', linkIds: [LINK] },
  getLinkForEdit: { linkId: LINK },
  startLinksExport: {},
  listLinksExports: {},
};

/** Dependencies that fail the test the moment anything reads them. */
const tripwire = (touched: string[]): AppDeps =>
  new Proxy({} as AppDeps, {
    get: (_target, property) => {
      touched.push(String(property));
      throw new Error(`dependency ${String(property)} touched before validation`);
    },
  });

const codeOf = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return isDomainError(error) ? error.code : `not a DomainError: ${error instanceof Error ? error.message : String(error)}`;
  }
};

const registry = createResolverRegistry();
const keys = Object.keys(registry).sort();

describe('every resolver: schema, caller and rights before anything else', () => {
  it('registers resolvers (the checks below run over each of them)', () => {
    expect(keys.length).toBeGreaterThan(30);
  });

  it.each(keys)('%s: a payload no schema accepts is invalid_input, with no dependency touched', async (key) => {
    const touched: string[] = [];
    const code = await codeOf(() => registry[key]!({ payload: 42, context: { accountId: NOBODY } }, tripwire(touched)));
    expect({ code, touched }).toEqual({ code: 'invalid_input', touched: [] });
  });

  it.each(keys)('%s: no account in the context is unauthenticated, with no dependency touched', async (key) => {
    const touched: string[] = [];
    const code = await codeOf(() => registry[key]!({ payload: RIGHTS_SAMPLES[key] ?? {}, context: {} }, tripwire(touched)));
    expect({ code, touched }).toEqual({ code: 'unauthenticated', touched: [] });
  });

  it.each(keys)('%s: a caller without rights is refused after Confluence is asked about them', async (key) => {
    expect(Object.hasOwn(RIGHTS_SAMPLES, key), `add a well-formed payload for ${key} to RIGHTS_SAMPLES`).toBe(true);
    const h = await createHarness();
    const { link } = await createLink(h.deps, EDITOR, { pageId: '1001', settings: { name: 'guarded' } });
    const asked: string[] = [];
    const rights = h.deps.rights;
    h.deps.rights = Object.fromEntries(
      Object.entries(rights).map(([name, check]) => [
        name,
        (...args: unknown[]) => {
          asked.push(name);
          return (check as (...a: unknown[]) => unknown).apply(rights, args);
        },
      ]),
    ) as unknown as AppDeps['rights'];
    const payload = JSON.parse(JSON.stringify(RIGHTS_SAMPLES[key]).split(LINK).join(link.id)) as unknown;
    const code = await codeOf(() => registry[key]!({ payload, context: { accountId: NOBODY } }, h.deps));
    expect(code, `${key} answered ${code}`).toBe('forbidden');
    expect(asked.length, `${key} refused without asking Confluence about the caller`).toBeGreaterThan(0);
  });
});
