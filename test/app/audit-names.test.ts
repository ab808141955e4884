/**
 * Names for the audit log (src/app/audit-names.ts), over the REST adapter on the Confluence emulator (every
 * request is held to Atlassian's specs): bulk and bounded, a few requests per page of entries and none per
 * row; names stored at write time need no lookup; a failing lookup leaves plain words, never an error.
 */
import { describe, expect, it } from 'vitest';
import { createAuditNameCache, resolveAuditNames } from '../../src/app/audit-names';
import { recordAudit } from '../../src/app/audit';
import { createResolverRegistry, invokeResolver } from '../../src/app/resolvers';
import type { AppDeps } from '../../src/app/deps';
import { createLocalStore } from '../../src/adapters/local/local-store';
import { describeAuditEntry } from '../../src/core/audit-sentences';
import type { AuditEntry } from '../../src/core/model';
import { emulatedConfluence } from '../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { DEFAULT_SITE_PATH } from '../../src/dev/local-app';
import { makeAudit, makeLink } from '../store/store-fixtures';
import { createHarness } from './harness';

const setup = async () => {
  const confluence = emulatedConfluence(await loadFixtureSite(DEFAULT_SITE_PATH));
  const store = await createLocalStore({ clock: { now: () => Date.UTC(2026, 11, 3) } });
  const deps = { store, content: confluence.content } as Pick<AppDeps, 'store' | 'content'>;
  return { deps, stats: confluence.emulator.stats, store };
};

/** 100 entries over 3 people, 8 pages, 2 spaces and 2 links: a full page of the log. */
const hundredEntries = (): AuditEntry[] => {
  const actors = ['u-editor', 'u-space-admin', 'u-site-admin', 'visitor', 'b***@partner.com'];
  const pages = ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008'];
  return Array.from({ length: 100 }, (_, i) =>
    makeAudit({
      id: `e${i}`,
      action: i % 2 ? 'link_updated' : 'view_allowed',
      actor: actors[i % actors.length]!,
      linkId: i % 3 === 0 ? 'L-partner' : i % 3 === 1 ? 'L-gone' : null,
      pageId: pages[i % pages.length]!,
      spaceKey: i % 4 === 0 ? 'OPS' : 'DEMO',
      detail: 'selectedUsers',
    }),
  );
};

describe('audit names', () => {
  it('names a page of 100 entries with one request each for pages, spaces and people, all within the specs', async () => {
    const { deps, stats, store } = await setup();
    await store.links.create(makeLink({ id: 'L-partner', name: 'Partner review', pageId: '1003', pageTitle: 'Release notes' }));
    stats.reset();
    const names = await resolveAuditNames(deps, hundredEntries());
    expect(names.users).toEqual({ 'u-editor': 'Erin Editor', 'u-space-admin': 'Sam Spaceadmin', 'u-site-admin': 'Ada Siteadmin' });
    expect(names.links).toEqual({ 'L-partner': 'Partner review' });
    expect(names.spaces).toEqual({ DEMO: 'Product Handbook', OPS: 'Operations' });
    expect(names.pages).toMatchObject({ '1001': 'Product Handbook', '1003': 'Release notes', '1008': 'Old onboarding checklist' });
    expect(stats.specViolations).toEqual([]);
    expect(stats.requests).toBe(3);
    expect(Object.keys(stats.byOperation).sort()).toEqual(['getBulkUserLookup', 'getPages', 'getSpaces']);
    expect(stats.waves).toBe(1);
  });

  it('looks nothing up twice within one export (the cache) and nothing at all for names stored at write time', async () => {
    const { deps, stats } = await setup();
    const cache = createAuditNameCache();
    stats.reset();
    await resolveAuditNames(deps, hundredEntries(), cache);
    const first = stats.requests;
    await resolveAuditNames(deps, hundredEntries(), cache);
    expect(stats.requests).toBe(first);

    stats.reset();
    const stored = makeAudit({ actor: 'visitor', linkId: 'L1', pageId: '1001', spaceKey: null, names: { link: 'Partner review', page: 'Release notes' } });
    const names = await resolveAuditNames(deps, [stored]);
    expect(stats.requests).toBe(0);
    expect(describeAuditEntry(stored, names)).toBe("A visitor opened 'Partner review' on Release notes.");
  });

  it('a failing lookup leaves the names out and the sentence in plain words', async () => {
    const { deps } = await setup();
    const failing = {
      ...deps,
      content: {
        ...deps.content,
        getUserNames: () => Promise.reject(new Error('429')),
        getPageStatuses: () => Promise.reject(new Error('503')),
        getSpaces: () => Promise.reject(new Error('503')),
      },
    } as Pick<AppDeps, 'store' | 'content'>;
    const entry = makeAudit({ action: 'link_enabled', actor: 'u-editor', linkId: 'L1', pageId: '1001', spaceKey: 'DEMO' });
    const names = await resolveAuditNames(failing, [entry]);
    expect(describeAuditEntry(entry, names)).toBe('A Confluence user enabled a link on a page.');
  });

  it('stores the link name and page title with new entries (scrubbed like details)', async () => {
    const h = await createHarness('audit-names-write');
    await recordAudit(h.deps, {
      action: 'link_enabled',
      actor: 'u-editor',
      linkId: 'L1',
      pageId: '1003',
      spaceKey: 'DEMO',
      names: { link: 'For ann.smith@acme.com', page: 'Release notes', space: '' },
    });
    const [entry] = (await h.deps.store.audit.list({}, { limit: 10 })).items;
    expect(entry?.names).toEqual({ link: 'For a***@acme.com', page: 'Release notes' });
  });

  it('getAuditLog answers the page with its names', async () => {
    const h = await createHarness('audit-names-resolver');
    await h.deps.store.audit.append(makeAudit({ id: 'e1', action: 'link_rotated', actor: 'u-editor', linkId: 'L-x', pageId: '1003', spaceKey: 'DEMO' }));
    const result = await invokeResolver(createResolverRegistry(), 'getAuditLog', { payload: { spaceKey: 'DEMO' }, context: { accountId: 'u-site-admin' } }, h.deps, () => undefined);
    expect(result).toMatchObject({
      ok: true,
      data: { items: [{ id: 'e1' }], names: { users: { 'u-editor': 'Erin Editor' }, pages: { '1003': 'Release notes' }, spaces: { DEMO: 'Product Handbook' } } },
    });
  });
});
