/**
 * Every read the emulator serves, for every page, comment, attachment and space of the demo and XSS
 * sites, as the app and as each user: all answers must match the operation's response schema.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createConfluenceEmulator, type Principal } from '../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';

const SITES = ['demo-site', 'xss-site'].map((name) => fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url)));

describe.each(SITES)('response conformance on %s', (sitePath) => {
  it('answers every read in the specs\' shapes, whoever asks', async () => {
    const site = await loadFixtureSite(sitePath);
    const emu = createConfluenceEmulator(site);
    const principals: Principal[] = [{ kind: 'app' }, ...site.users.map((u) => ({ kind: 'user' as const, accountId: u.accountId }))];
    const paths: string[] = ['/wiki/api/v2/classification-levels', '/wiki/rest/api/user/current?expand=operations'];
    for (const space of site.spaces) {
      paths.push(`/wiki/api/v2/spaces?keys=${space.key}`, `/wiki/api/v2/spaces/${space.id}`, `/wiki/api/v2/spaces/${space.id}/operations`, `/wiki/api/v2/spaces/${space.id}/classification-level/default`);
    }
    for (const user of site.users) {
      paths.push(`/wiki/rest/api/user?accountId=${user.accountId}`, `/wiki/rest/api/user/email?accountId=${user.accountId}`);
    }
    paths.push(`/wiki/rest/api/user/bulk?accountId=${site.users.map((u) => u.accountId).join(',')}`);
    paths.push(`/wiki/api/v2/pages?id=${site.pages.map((p) => p.id).join('&id=')}&status=current&status=trashed&status=archived&body-format=storage`);
    for (const page of site.pages) {
      const collection = page.type === 'folder' ? 'folders' : 'pages';
      paths.push(
        `/wiki/api/v2/${collection}/${page.id}`,
        `/wiki/api/v2/${collection}/${page.id}/descendants?depth=10&limit=250`,
        `/wiki/rest/api/content/${page.id}/restriction/byOperation/read`,
        `/wiki/rest/api/content/${page.id}/restriction/byOperation/update`,
        `/wiki/rest/api/search?cql=${encodeURIComponent(`ancestor = ${page.id}`)}&expand=content.metadata.labels,content.ancestors,content.restrictions.read.restrictions.user,content.restrictions.read.restrictions.group`,
      );
      if (page.type === 'folder') continue;
      paths.push(
        `/wiki/api/v2/pages/${page.id}?body-format=anonymous_export_view&include-labels=true&status=current&status=trashed&status=archived`,
        `/wiki/api/v2/pages/${page.id}/labels`,
        `/wiki/api/v2/pages/${page.id}/operations`,
        `/wiki/api/v2/pages/${page.id}/classification-level`,
        `/wiki/api/v2/pages/${page.id}/footer-comments?body-format=storage`,
        `/wiki/api/v2/pages/${page.id}/inline-comments?body-format=storage`,
        `/wiki/api/v2/pages/${page.id}/attachments`,
        `/wiki/rest/api/content/${page.id}/descendant/comment?depth=all&expand=body.storage,version,ancestors,extensions.inlineProperties,extensions.resolution&limit=250`,
        `/wiki/rest/api/content/${page.id}/descendant/comment?depth=root&limit=2`,
      );
      for (const comment of page.comments) {
        paths.push(`/wiki/api/v2/${comment.kind === 'inline' ? 'inline' : 'footer'}-comments/${comment.id}/children?body-format=storage`);
      }
      for (const attachment of page.attachments) {
        paths.push(`/wiki/api/v2/attachments/${attachment.id}`, `/wiki/rest/api/content/${page.id}/child/attachment/${attachment.id}/download`);
      }
    }
    let answered = 0;
    for (const principal of principals) {
      for (const path of paths) {
        const response = await emu.fetch(principal, path);
        expect(response.status, `${path} as ${JSON.stringify(principal)}`).toBeLessThan(500);
        if (response.status === 200) answered += 1;
      }
      const check = await emu.fetch(principal, `/wiki/rest/api/content/${site.pages[0]?.id}/permission/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: { type: 'user', identifier: site.users[0]?.accountId }, operation: 'read' }),
      });
      expect(check.status).toBeLessThan(500);
    }
    expect(answered).toBeGreaterThan(paths.length);
    expect(emu.stats.specViolations).toEqual([]);
    expect(emu.stats.responseViolations).toEqual([]);
    expect(emu.stats.notEmulated).toEqual([]);
  });
});
