/**
 * The production REST adapter (the one Forge runs) against the emulator: a sample of what the app
 * does in one visit and one resolver call. Every request it sends must be inside the OpenAPI specs
 * and every answer it gets must match them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { restAdapterOver, runConfluenceInvocation } from '../../src/dev/confluence-emulator/rest-adapter';
import { demoEmulator } from './support';

let emu: ConfluenceEmulator;
const adapter = async (options: Parameters<typeof demoEmulator>[0] = {}) => {
  emu = await demoEmulator(options);
  return restAdapterOver(emu);
};
afterEach(() => {
  expect(emu.stats.specViolations).toEqual([]);
  expect(emu.stats.responseViolations).toEqual([]);
  expect(emu.stats.notEmulated).toEqual([]);
});

describe('the REST adapter over the emulator', () => {
  it('reads a page, its tree, comments and attachments as the app', async () => {
    const { content } = await adapter();
    const page = await content.getPage('1001');
    expect(page).toMatchObject({ id: '1001', spaceKey: 'DEMO', labels: ['public', 'handbook'] });
    expect(page?.bodyHtml).toContain('Product Handbook');
    const tree = await content.getDescendants('1001');
    expect(tree.map((p) => p.id).sort()).toEqual(['1002', '1003', '1004', '1005', '1006', '1007']);
    expect(tree.find((p) => p.id === '1006')?.viewRestricted).toBe(true);
    const comments = await content.listComments('1001');
    expect(comments.map((c) => c.id).sort()).toEqual(['3001', '3002', '3004', '3005', '3006']);
    expect(comments.find((c) => c.id === '3004')).toMatchObject({ parentId: '3001', authorName: 'Victor Viewer' });
    const attachments = await content.listAttachments('1001');
    expect(attachments.map((a) => a.title)).toEqual(['diagram.png', 'spec.txt', 'report.pdf']);
    const bytes = await content.downloadAttachment('1001', 'att2002');
    expect(new TextDecoder().decode(bytes?.bytes)).toMatch(/^Acme product specification/);
    expect(emu.stats.byOperation['downloadAttatchment']).toBe(1);
    expect(emu.stats.mediaRequests).toBe(1);
  });

  it('does not see a page the app is not granted, nor anything below it', async () => {
    const { content } = await adapter();
    expect(await content.getPage('2003')).toBeUndefined();
    expect((await content.getDescendants('2001')).map((p) => p.id)).not.toContain('2003');
    expect(await content.downloadAttachment('1002', 'att2002')).toBeUndefined();
  });

  it('gets a hidden email only through /user/email, and checks a creator\'s read access', async () => {
    const { content } = await adapter();
    expect(await content.getUser('u-editor')).toMatchObject({ displayName: 'Erin Editor', email: null });
    expect(await content.getUserEmail('u-editor')).toBe('erin.editor@acme.example');
    const readable = await content.canRead('u-viewer', ['1001', '1006']);
    expect(readable.get('1001')).toBe(true);
    expect(readable.get('1006')).toBe(false);
    const statuses = await content.getPageStatuses(['1001', '1008', '2003']);
    expect(statuses.map((s) => `${s.id}:${s.status}`).sort()).toEqual(['1001:current', '1008:trashed']);
  });

  it('posts a comment and uploads an attachment, refusing a duplicate name', async () => {
    const { content } = await adapter();
    const posted = await content.addComment('1002', 'Looks good', { name: 'Pat Partner', email: 'pat@partner.example' });
    expect(posted).toMatchObject({ pageId: '1002', bodyText: expect.stringContaining('Looks good') });
    const file = { fileName: 'notes.txt', mediaType: 'text/plain', bytes: new TextEncoder().encode('hello') };
    expect(await content.uploadAttachment('1002', file, 'from a share')).toMatchObject({ title: 'notes.txt', fileSize: 5 });
    await expect(content.uploadAttachment('1002', file, 'again')).rejects.toMatchObject({ code: 'already_exists' });
  });

  it('checks rights as the user each check names', async () => {
    const { rights } = await adapter();
    expect(await rights.pageEditable('u-editor', '1002')).toMatchObject({ id: '1002', spaceKey: 'DEMO' });
    expect(await rights.pageEditable('u-viewer', '1002')).toBeUndefined();
    expect(await rights.pageEditable('u-editor', '1004')).toBeUndefined();
    expect(await rights.pageViewable('u-viewer', '1006')).toBeUndefined();
    expect(await rights.pageViewable('u-space-admin', '1007')).toMatchObject({ id: '1007' });
    expect(await rights.isSpaceAdmin('u-space-admin', 'DEMO')).toBe(true);
    expect(await rights.isSpaceAdmin('u-editor', 'DEMO')).toBe(false);
    expect(await rights.isSiteAdmin('u-site-admin')).toBe(true);
    expect(await rights.isSiteAdmin('u-editor')).toBe(false);
    const asUser = emu.stats.log.filter((r) => r.principal.kind === 'user').map((r) => (r.principal.kind === 'user' ? r.principal.accountId : ''));
    expect(new Set(asUser)).toEqual(new Set(['u-editor', 'u-viewer', 'u-space-admin', 'u-site-admin']));
  });

  it('turns 429 with Retry-After into a clear upstream error', async () => {
    const { content } = await adapter({ inject429: 1, retryAfterSeconds: 3 });
    await expect(content.getPage('1001')).rejects.toMatchObject({ code: 'upstream_unavailable' });
    expect(emu.stats.throttled).toBeGreaterThan(0);
  });
});

describe('invocations', () => {
  it('shares the adapter (and its caches) within one invocation, as Forge builds one per invocation', async () => {
    const { content } = await adapter();
    await content.getPage('1001');
    await content.getPage('1002');
    const apart = emu.stats.byOperation['getSpaceById'] ?? 0;
    emu.stats.reset();
    await runConfluenceInvocation(async () => {
      await content.getPage('1001');
      await content.getPage('1002');
    });
    expect(emu.stats.byOperation['getSpaceById'] ?? 0).toBeLessThan(apart);
  });
});
