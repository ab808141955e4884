import { describe, expect, it } from 'vitest';
import { createUiHostRoutes } from '../../src/dev/ui-host/routes';
import type { HttpRequest } from '../../src/web/http';

const get = (path: string, query: Record<string, string> = {}): HttpRequest => ({
  method: 'GET',
  path,
  headers: {},
  query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
  body: '',
});

const bodyText = (body: string | Uint8Array): string => (typeof body === 'string' ? body : new TextDecoder().decode(body));

describe('local UI host routes', () => {
  const handle = createUiHostRoutes();

  it('serves each surface page with the acting user, the bundle script and a strict CSP', async () => {
    for (const [path, script] of [
      ['/ui/share', '/ui/assets/share.js'],
      ['/ui/content-action', '/ui/assets/share.js'],
      ['/ui/space-settings', '/ui/assets/space.js'],
      ['/ui/global', '/ui/assets/global.js'],
    ] as const) {
      const res = await handle(get(path, { as: 'u-space-admin', space: 'OPS' }));
      expect(res.status).toBe(200);
      const html = bodyText(res.body);
      expect(html).toContain(`<script src="${script}"></script>`);
      expect(html).toContain('<option value="u-space-admin" selected>');
      expect(res.headers['content-security-policy']?.[0]).toContain("script-src 'self'");
    }
  });

  it('refuses unknown surfaces, bad query values and other methods', async () => {
    expect((await handle(get('/ui/nope'))).status).toBe(404);
    expect((await handle(get('/ui/share', { page: '1001"><script>' }))).status).toBe(400);
    expect((await handle(get('/ui/share', { as: 'x y' }))).status).toBe(400);
    expect((await handle({ ...get('/ui/share'), method: 'POST' })).status).toBe(405);
  });

  it('escapes the acting user into the page', async () => {
    const res = await handle(get('/ui/global', { as: 'u-a@b' }));
    expect(bodyText(res.body)).toContain('<option value="u-a@b" selected>u-a@b</option>');
  });

  it('bundles a surface with the bridge shim before the app', async () => {
    const res = await handle(get('/ui/assets/share.js'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']?.[0]).toContain('javascript');
    const js = bodyText(res.body);
    expect(js.indexOf('__secureShareHost')).toBeGreaterThan(0);
    expect(js.indexOf('__secureShareHost')).toBeLessThan(js.indexOf('ShareDialogApp'));
    expect(js).not.toContain('process.env.NODE_ENV');
  });

  it('answers display names for UI Kit User elements from the local site, and nothing for unknown ids', async () => {
    const ctx = { app: { site: { snapshot: () => ({ users: [{ accountId: 'u-editor', displayName: 'Erin Editor' }, { accountId: 'u-other', displayName: 'Olga' }] }) } } };
    const req = { ...get('/ui/assets/users'), query: { id: ['u-editor', 'u-nobody'] } };
    const res = await handle(req, ctx);
    expect(res.headers['content-type']?.[0]).toContain('application/json');
    expect(JSON.parse(bodyText(res.body))).toEqual({ 'u-editor': 'Erin Editor' });
  });

  it('serves the Atlaskit CSS of a surface and links it from the page, with the chosen theme', async () => {
    const css = await handle(get('/ui/assets/global.css'));
    expect(css.status).toBe(200);
    expect(css.headers['content-type']?.[0]).toContain('text/css');
    expect(bodyText(css.body).length).toBeGreaterThan(10_000);
    const html = bodyText((await handle(get('/ui/global', { theme: 'dark' }))).body);
    expect(html).toContain('<link rel="stylesheet" href="/ui/assets/global.css">');
    expect(html).toContain('<option value="dark" selected>Dark</option>');
    expect(html).toContain('href="/ui/share?as=u-site-admin&amp;page=1001&amp;space=DEMO&amp;theme=dark"');
  });
});
