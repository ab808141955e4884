import { HOST_CSS } from './styles';
import type { ColorMode, HostParams, Surface } from './host-context';

/** Demo accounts of the fixture site the top bar offers (any accountId may be typed into the URL). */
export const DEMO_ACCOUNTS = [
  { id: 'u-editor', label: 'Editor (u-editor)' },
  { id: 'u-space-admin', label: 'Space admin (u-space-admin)' },
  { id: 'u-site-admin', label: 'Confluence admin (u-site-admin)' },
] as const;

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const SURFACE_LABEL: Record<Surface, string> = { share: 'Share dialog', space: 'Space settings', global: 'Global settings' };
const CAPTION: Record<Surface, (p: HostParams) => string> = {
  share: (p) => `confluence:contentAction · page ${p.pageId} · space ${p.spaceKey}`,
  space: (p) => `confluence:spaceSettings · space ${p.spaceKey}`,
  global: () => 'confluence:globalSettings',
};

const query = (p: HostParams, colorMode: ColorMode): string =>
  `?as=${encodeURIComponent(p.accountId)}&page=${encodeURIComponent(p.pageId)}&space=${encodeURIComponent(p.spaceKey)}${colorMode === 'auto' ? '' : `&theme=${colorMode}`}`;

const THEMES: Array<[ColorMode, string]> = [
  ['auto', 'Match browser'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/**
 * The HTML shell: top bar (surface, acting user, theme), the app mount point and the flag area.
 * `assetPath` is the surface bundle without extension: `.js` for the app, `.css` for Atlaskit's styles.
 */
export const hostPageHtml = (params: HostParams, assetPath: string, colorMode: ColorMode = 'auto'): string => {
  const nav = (Object.keys(SURFACE_LABEL) as Surface[])
    .map((s) => `<a href="/ui/${s}${escapeHtml(query(params, colorMode))}"${s === params.surface ? ' class="current"' : ''}>${SURFACE_LABEL[s]}</a>`)
    .join('');
  const known = DEMO_ACCOUNTS.some((a) => a.id === params.accountId);
  const accounts = [...DEMO_ACCOUNTS, ...(known ? [] : [{ id: params.accountId, label: params.accountId }])]
    .map((a) => `<option value="${escapeHtml(a.id)}"${a.id === params.accountId ? ' selected' : ''}>${escapeHtml(a.label)}</option>`)
    .join('');
  const themes = THEMES.map(([mode, label]) => `<option value="${mode}"${mode === colorMode ? ' selected' : ''}>${label}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${SURFACE_LABEL[params.surface]} · Secure Share (local)</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assetPath)}.css"><style>${HOST_CSS}</style></head>
<body>
<header class="topbar">
  <span class="brand">Secure Share · local host</span>
  <nav>${nav}</nav>
  <span class="spacer"></span>
  <form method="get" action="/ui/${params.surface}" id="host-switch">
    <label>Acting as <select name="as" id="host-as">${accounts}</select></label>
    <label>Page <input name="page" size="6" value="${escapeHtml(params.pageId)}" aria-label="Page id"></label>
    <label>Space <input name="space" size="6" value="${escapeHtml(params.spaceKey)}" aria-label="Space key"></label>
    <label>Theme <select name="theme" id="host-theme">${themes}</select></label>
    <button type="submit" class="go">Open</button>
  </form>
  <a href="/">Index</a>
</header>
<main class="frame${params.surface === 'share' ? ' dialog' : ''}">
  <p class="surface-caption">${escapeHtml(CAPTION[params.surface](params))} · acting as <strong>${escapeHtml(params.accountId)}</strong></p>
  <div class="surface"><div id="forge-app"><div class="boot">Loading the app…</div></div></div>
</main>
<div id="forge-flags" aria-live="polite"></div>
<script src="/ui/assets/host-switch.js"></script>
<script src="${escapeHtml(assetPath)}.js"></script>
</body></html>`;
};

/** Submits the acting-user or theme choice on change (kept out of the HTML so the CSP needs no inline script). */
export const HOST_SWITCH_JS = `['host-as','host-theme'].forEach(function(id){document.getElementById(id).addEventListener('change',function(){document.getElementById('host-switch').submit();});});`;
