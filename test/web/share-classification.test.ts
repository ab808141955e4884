/**
 * The classification rule (SPEC): pages at or above the chosen Confluence data classification level cannot
 * be shared, checked at create and at every view. Demo site: 1001 Public, 1004 and 1006 Confidential, spaces
 * default to Internal; levels Public (1) < Internal (2) < Confidential (3).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLink } from '../../src/app/links';
import { emptyPolicyRegistry } from '../../src/core/policy';
import { startHarness, type Harness } from './support/share-harness';
import { Visitor } from '../support/visitor';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const setRule = async (harness: Harness, level: { levelId: string; name: string; order: number } | null): Promise<void> => {
  const current = await harness.store.configs.getRegistry();
  const base = current ?? emptyPolicyRegistry(harness.clock.now);
  await harness.store.configs.putRegistry({ ...base, classification: level, version: base.version + 1 }, base.version);
};

const CONFIDENTIAL = { levelId: 'cl-confidential', name: 'Confidential', order: 3 };

/** 1004 (Confidential) may be edited only by its space admin. */
const confidentialLink = async (harness: Harness) => {
  const created = await createLink(harness.deps, { accountId: 'u-space-admin' }, { pageId: '1004', settings: { comments: 'none', attachments: 'none' } });
  return { id: created.link.id, path: created.url.slice(created.url.lastIndexOf('/s/')) };
};

describe('classification rule', () => {
  it('a view of a page at or above the level gets the same 404, with the reason in the audit log; the read sits in the one Confluence wave', async () => {
    h = await startHarness({ edge: 'forwarding-proxy', confluenceLatencyMs: 20 });
    const open = await h.link({ includeChildren: true, comments: 'none', attachments: 'none' }, '1001');
    const secret = await confidentialLink(h);
    await setRule(h, CONFIDENTIAL);
    const v = new Visitor(h.base);

    h.confluence.reset();
    const allowed = await v.get(open.path);
    expect(allowed.status).toBe(200);
    expect(h.confluence.byOperation['getPageClassificationLevel']).toBe(1);
    expect(h.confluence.specViolations).toEqual([]);

    // A child page of an open link that is classified Confidential is refused like a page outside the tree.
    const child = await v.get(`${open.path}/p/1004`);
    expect(child.status).toBe(404);

    h.confluence.reset();
    const refused = await v.get(secret.path);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('Internal roadmap');
    expect(h.confluence.waves).toBe(1);
    const audit = await h.store.audit.list({ linkId: secret.id, action: 'view_denied' }, { limit: 5 });
    expect(audit.items[0]?.detail).toBe("classification rule: page classified 'Confidential' ('Confidential' or higher cannot be shared)");

    // Without the rule the same link opens again (nothing was deleted).
    await setRule(h, null);
    expect((await v.get(secret.path)).status).toBe(200);
  });

  it('a lower level blocks everything at or above it (Internal blocks Confidential; Public pages still open)', async () => {
    h = await startHarness({ edge: 'forwarding-proxy' });
    const secret = await confidentialLink(h);
    const open = await h.link({}, '1001');
    await setRule(h, { levelId: 'cl-internal', name: 'Internal', order: 2 });
    const v = new Visitor(h.base);
    expect((await v.get(secret.path)).status).toBe(404);
    expect((await v.get(open.path)).status).toBe(200);
  });

  it('create refuses a page at or above the level with a message naming the rule', async () => {
    h = await startHarness();
    await setRule(h, CONFIDENTIAL);
    await expect(createLink(h.deps, { accountId: 'u-space-admin' }, { pageId: '1004', settings: {} })).rejects.toMatchObject({
      code: 'policy_violation',
      message:
        "This page is classified 'Confidential'. Pages classified 'Confidential' or higher cannot be shared (classification rule set by a Confluence admin).",
    });
    // A page below the level is shared as before.
    await expect(createLink(h.deps, { accountId: 'u-editor' }, { pageId: '1001', settings: {} })).resolves.toMatchObject({ url: expect.any(String) });
  });
});
