/**
 * The browser half of the site self-test (src/app/diagnostics.ts), served by the share web trigger
 * under `/diag/<nonce>` (one-time nonce from the runDiagnostics resolver, 15 minutes):
 *
 *   GET  /diag/<n>           page with a nonce'd script; records the IP headers of a plain load and sets two cookies
 *   POST /diag/<n>/echo      test bytes with forged IP headers: records headers, cookies and how the bytes arrived
 *   GET  /diag/<n>/bytes     test bytes sent in one of the binary response modes (?mode=)
 *   GET  /diag/<n>/headers   a response carrying every security header, for the browser to compare
 *   GET  /diag/<n>/redirect  303 to /diag/<n>/landed
 *   POST /diag/<n>/report    what the browser saw; the results are computed and stored, the nonce used up
 *
 * Nothing here reads or shows shared content; an unknown or expired nonce is the generic 404.
 */
import { isIP } from 'node:net';
import {
  BINARY_MODE_HEADER,
  PROBE_NONCE,
  probeKey,
  recordBrowserChecks,
  TESTED_RESPONSE_MODES,
  type BinaryResponseMode,
  type BodyEncoding,
  type BrowserChecks,
  type IpHeaderSeen,
} from '../app/diagnostics-results';
import type { AppDeps } from '../app/deps';
import { defaultSiteSettings } from '../core/defaults';
import { header, type HttpRequest, type HttpResponse } from './http';
import { contentDisposition, htmlResponse, notFoundResponse, SECURITY_HEADERS } from './responses';
import { cookiePolicyFor, readCookie, serializeSessionCookie, sessionCookieName } from './session';

export const DIAGNOSTICS_PATH_PREFIX = '/diag/';
/** A documentation address (RFC 5737) the browser puts in every IP header it is allowed to set. */
export const FORGED_IP = '198.51.100.77';
const PAYLOAD_BYTES = 1024;
const MAX_REPORT_BYTES = 16 * 1024;

export interface ProbeOptions {
  /** How the host adapter turned the raw body string into HttpRequest.body (default: taken as is). */
  hostBodyEncoding?: BodyEncoding;
}

/** 0, 1, …, 255, 0, 1, … — every byte value, four times. */
export const probePayload = (): Uint8Array => Uint8Array.from({ length: PAYLOAD_BYTES }, (_, i) => i % 256);

const IP_HEADER_PRIORITY = ['x-forwarded-for', 'true-client-ip', 'x-real-ip', 'cf-connecting-ip', 'x-client-ip'];

const rightMost = (values: string[] | undefined): string | undefined => {
  const parts = (values ?? []).join(',').split(',').map((p) => p.trim()).filter((p) => p !== '');
  let last = parts.at(-1);
  if (last === undefined) return undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(last);
  if (bracketed?.[1]) last = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(last)) last = last.slice(0, last.indexOf(':'));
  return last;
};

/** Headers whose right-most entry is an IP address: candidates for the client IP. */
export const ipHeadersOf = (headers: Record<string, string[]>): Array<{ name: string; value: string }> =>
  Object.keys(headers)
    .map((name) => ({ name, value: rightMost(headers[name]) ?? '' }))
    .filter((h) => h.value !== '' && isIP(h.value) !== 0 && /^[a-z0-9-]{1,100}$/.test(h.name))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

const rank = (name: string): number => {
  const index = IP_HEADER_PRIORITY.indexOf(name);
  return index === -1 ? IP_HEADER_PRIORITY.length : index;
};

/** The raw string the host delivered, undoing the adapter's conversion to latin1 bytes. */
const rawBodyOf = (req: HttpRequest, encoding: BodyEncoding): string => {
  if (encoding === 'utf8') return Buffer.from(req.body, 'latin1').toString('utf8');
  if (encoding === 'base64') return Buffer.from(req.body, 'latin1').toString('base64');
  return req.body;
};

/** Which reading of the raw body string gives back the exact bytes the browser sent, if any. */
export const analyseRequestBody = (raw: string, expected: Uint8Array): BrowserChecks['requestBody'] => {
  const same = (bytes: Buffer) => bytes.length === expected.length && bytes.equals(Buffer.from(expected));
  const detail = `${raw.length} characters arrived for ${expected.length} bytes sent`;
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u00ff]*$/.test(raw) && same(Buffer.from(raw, 'latin1'))) return { encoding: 'latin1', detail: `${detail}: byte-exact as a latin1 string` };
  if (/^[A-Za-z0-9+/=\s]*$/.test(raw) && raw.length > 0 && same(Buffer.from(raw, 'base64'))) return { encoding: 'base64', detail: `${detail}: byte-exact as base64` };
  const replaced = (raw.match(/\ufffd/g) ?? []).length;
  return { encoding: null, detail: `${detail}, not byte-exact${replaced > 0 ? ` (${replaced} bytes replaced by the platform's text decoding)` : ''}` };
};

interface ProbeState {
  createdAt: number;
  by: string;
  cookie1?: string;
  cookie2?: string;
  plainIps?: Array<{ name: string; value: string }>;
  echo?: { forgedHeaders: Record<string, string>; cookies: { first: boolean; second: boolean }; requestBody: BrowserChecks['requestBody'] };
}

const json = (status: number, body: unknown): HttpResponse => ({
  ...htmlResponse(status, ''),
  headers: { ...htmlResponse(status, '').headers, 'Content-Type': ['application/json; charset=utf-8'] },
  body: JSON.stringify(body),
});

const probePageCsp = (nonce: string) =>
  `default-src 'none'; script-src 'nonce-${nonce}'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

const PAGE_SCRIPT = `
(async () => {
  const cfg = JSON.parse(document.getElementById('cfg').textContent);
  const list = document.getElementById('steps');
  const say = (text) => { const li = document.createElement('li'); li.textContent = text; list.appendChild(li); };
  const payload = new Uint8Array(cfg.payloadBytes).map((_, i) => i % 256);
  const report = { headers: {}, responseModes: {}, redirect: false };
  const get = (url) => fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  try {
    say('Sending test bytes and headers…');
    const forged = {};
    for (const name of cfg.forgeHeaders) forged[name] = name === 'forwarded' ? 'for=' + cfg.forgedIp : cfg.forgedIp;
    await fetch(cfg.urls.echo, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/octet-stream', ...forged }, body: payload });
  } catch (e) { say('Sending failed: ' + e); }
  for (const mode of cfg.modes) {
    try {
      say('Receiving test bytes (' + mode + ')…');
      const r = await get(cfg.urls.bytes + '?mode=' + mode);
      const bytes = new Uint8Array(await r.arrayBuffer());
      report.responseModes[mode] = { status: r.status, length: bytes.length, exact: bytes.length === payload.length && bytes.every((v, i) => v === payload[i]) };
    } catch (e) { report.responseModes[mode] = { status: 0, length: 0, exact: false }; }
  }
  try {
    say('Checking security headers…');
    const r = await get(cfg.urls.headers);
    for (const [name, value] of Object.entries(cfg.expectedHeaders)) {
      const seen = r.headers.get(name);
      report.headers[name] = seen === null ? 'missing' : seen === value ? 'kept' : 'changed';
    }
  } catch (e) { say('Header check failed: ' + e); }
  try {
    say('Following a redirect…');
    const r = await get(cfg.urls.redirect);
    const body = await r.json();
    report.redirect = r.redirected === true && body.landed === true;
  } catch (e) { report.redirect = false; }
  const r = await fetch(cfg.urls.report, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
  document.getElementById('status').textContent = r.ok
    ? 'Done. Go back to Secure Share in Confluence and select "Show results". You can close this tab.'
    : 'The results could not be saved (' + r.status + '). Run the self-test again from Confluence.';
})();
`;

/** JSON inside a <script> element: entities are not decoded there, so `<`, `>` and `&` are escaped as JSON escapes. */
const jsonForScript = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

const renderProbePage = (scriptNonce: string, config: unknown): string =>
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Secure Share self-test</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#172b4d">' +
  '<h1>Secure Share self-test</h1>' +
  '<p>This page checks how this Confluence site delivers Secure Share pages to browsers. It takes a few seconds and shows no shared content.</p>' +
  '<ol id="steps"></ol><p id="status" role="status">Running…</p>' +
  '<noscript><p>This check needs JavaScript. Allow it for this page and reload.</p></noscript>' +
  `<script type="application/json" id="cfg">${jsonForScript(config)}</script>` +
  `<script nonce="${scriptNonce}">${PAGE_SCRIPT}</script>` +
  '</body></html>';

const loadState = async (deps: AppDeps, nonce: string): Promise<{ state: ProbeState; expiresAt: number } | null> => {
  const record = await deps.store.ephemeral.get(probeKey(nonce), deps.clock.now());
  if (!record) return null;
  return { state: record.value as unknown as ProbeState, expiresAt: record.expiresAt };
};

const saveState = (deps: AppDeps, nonce: string, state: ProbeState, expiresAt: number): Promise<void> =>
  deps.store.ephemeral.put({ key: probeKey(nonce), value: state as unknown as Record<string, unknown>, expiresAt });

const sameOrigin = (req: HttpRequest): boolean => {
  const site = header(req, 'sec-fetch-site');
  return site === undefined || site === 'same-origin';
};

interface BrowserReport {
  headers: Record<string, string>;
  responseModes: Record<string, { exact?: unknown }>;
  redirect: boolean;
}

/** HttpRequest.body holds the bytes as latin1 (whatever the host's encoding, see the Forge adapter). */
const parseReport = (req: HttpRequest): BrowserReport | null => {
  if (req.body.length > MAX_REPORT_BYTES) return null;
  try {
    const value = JSON.parse(Buffer.from(req.body, 'latin1').toString('utf8')) as Partial<BrowserReport>;
    if (typeof value !== 'object' || value === null) return null;
    return {
      headers: typeof value.headers === 'object' && value.headers !== null ? value.headers : {},
      responseModes: typeof value.responseModes === 'object' && value.responseModes !== null ? value.responseModes : {},
      redirect: value.redirect === true,
    };
  } catch {
    return null;
  }
};

const HEADER_VERDICTS = new Set(['kept', 'changed', 'missing']);

/** Combines what the server saw (plain load, echo) with what the browser reported. */
export const browserChecksFrom = (state: ProbeState, report: BrowserReport, expected: Record<string, string>, now: number): BrowserChecks => {
  const plain = state.plainIps ?? [];
  const ipHeaders: IpHeaderSeen[] = plain.map(({ name, value }) => ({
    name,
    value,
    forgeable: state.echo ? state.echo.forgedHeaders[name] === FORGED_IP : true,
  }));
  const recommended = ipHeaders.find((h) => !h.forgeable && h.value !== FORGED_IP)?.name ?? null;
  const securityHeaders: BrowserChecks['securityHeaders'] = {};
  for (const name of Object.keys(expected)) {
    const verdict = report.headers[name];
    securityHeaders[name] = typeof verdict === 'string' && HEADER_VERDICTS.has(verdict) ? (verdict as 'kept' | 'changed' | 'missing') : 'missing';
  }
  const mode: BinaryResponseMode | null = TESTED_RESPONSE_MODES.find((m) => report.responseModes[m]?.exact === true) ?? null;
  return {
    at: now,
    ipHeaders,
    recommendedIpHeader: recommended,
    cookies: state.echo?.cookies ?? { first: false, second: false },
    securityHeaders,
    redirect303: report.redirect,
    requestBody: state.echo?.requestBody ?? { encoding: null, detail: 'The test bytes never arrived.' },
    responseBody: mode
      ? { mode, detail: `Binary bodies arrive byte-exact when sent as ${mode === 'latin1' ? 'a latin1 string' : 'base64 with isBase64Encoded'}.` }
      : { mode: null, detail: 'No way of sending binary bodies arrived byte-exact: pictures and downloads stay embedded in pages.' },
  };
};

/** The headers the browser compares (what every share response carries, plus a download's disposition). */
export const expectedProbeHeaders = (): Record<string, string> => ({
  ...SECURITY_HEADERS,
  'Content-Disposition': contentDisposition('inline', 'self-test.txt'),
});

/** A probe path with a well-formed nonce (anything else under /diag/ is the share view's plain 404). */
export const isDiagnosticsPath = (path: string | undefined): boolean => /^\/diag\/[A-Za-z0-9_-]{43}(?:\/[a-z]{1,16})?$/.test(path ?? '');

/** Serves `/diag/<nonce>/…`; anything malformed, unknown or expired is the generic 404. */
export const handleDiagnosticsProbe = async (deps: AppDeps, req: HttpRequest, options: ProbeOptions = {}): Promise<HttpResponse> => {
  const match = /^\/diag\/([A-Za-z0-9_-]{43})(?:\/(echo|bytes|headers|redirect|landed|report))?$/.exec(req.path);
  const nonce = match?.[1];
  if (!nonce || !PROBE_NONCE.test(nonce)) return notFoundResponse();
  const step = match[2] ?? 'page';
  const method = req.method.toUpperCase();
  const wantsPost = step === 'echo' || step === 'report';
  if (method !== (wantsPost ? 'POST' : 'GET')) return notFoundResponse();
  const loaded = await loadState(deps, nonce);
  if (!loaded) return notFoundResponse();
  const { state, expiresAt } = loaded;
  const encoding = options.hostBodyEncoding ?? 'latin1';
  const [storedSite, shareBase] = await Promise.all([deps.store.configs.getSite(), deps.shareBaseUrl()]);
  const site = storedSite ?? defaultSiteSettings(deps.clock.now());
  const base = (site.customDomain ?? shareBase).replace(/\/+$/, '');
  const here = `${base}/diag/${nonce}`;
  const policy = { ...cookiePolicyFor(base), path: new URL(here).pathname };
  const cookieNames = [sessionCookieName('diagone0', policy), sessionCookieName('diagtwo0', policy)] as const;

  switch (step) {
    case 'page': {
      const cookie1 = Buffer.from(deps.random.bytes(12)).toString('base64url');
      const cookie2 = Buffer.from(deps.random.bytes(12)).toString('base64url');
      await saveState(deps, nonce, { ...state, cookie1, cookie2, plainIps: ipHeadersOf(req.headers) }, expiresAt);
      const scriptNonce = Buffer.from(deps.random.bytes(18)).toString('base64url');
      const config = {
        payloadBytes: PAYLOAD_BYTES,
        forgedIp: FORGED_IP,
        forgeHeaders: [...IP_HEADER_PRIORITY, 'forwarded'],
        modes: TESTED_RESPONSE_MODES,
        expectedHeaders: expectedProbeHeaders(),
        urls: { echo: `${here}/echo`, bytes: `${here}/bytes`, headers: `${here}/headers`, redirect: `${here}/redirect`, report: `${here}/report` },
      };
      const page = htmlResponse(200, renderProbePage(scriptNonce, config), [
        serializeSessionCookie(cookieNames[0], cookie1, 900, policy),
        serializeSessionCookie(cookieNames[1], cookie2, 900, policy),
      ]);
      return { ...page, headers: { ...page.headers, 'Content-Security-Policy': [probePageCsp(scriptNonce)] } };
    }
    case 'echo': {
      if (!sameOrigin(req)) return json(403, { ok: false });
      const forgedHeaders: Record<string, string> = {};
      for (const name of Object.keys(req.headers)) {
        const value = rightMost(req.headers[name]);
        if (value !== undefined) forgedHeaders[name] = value;
      }
      const cookies = {
        first: state.cookie1 !== undefined && readCookie(req, cookieNames[0]) === state.cookie1,
        second: state.cookie2 !== undefined && readCookie(req, cookieNames[1]) === state.cookie2,
      };
      const requestBody = analyseRequestBody(rawBodyOf(req, encoding), probePayload());
      await saveState(deps, nonce, { ...state, echo: { forgedHeaders, cookies, requestBody } }, expiresAt);
      return json(200, { ok: true });
    }
    case 'bytes': {
      const mode = req.query['mode']?.[0];
      if (!TESTED_RESPONSE_MODES.includes(mode as (typeof TESTED_RESPONSE_MODES)[number])) return json(400, { ok: false });
      const bytes = probePayload();
      const frame = htmlResponse(200, '');
      return {
        status: 200,
        headers: { ...frame.headers, 'Content-Type': ['application/octet-stream'], 'Content-Length': [String(bytes.byteLength)], [BINARY_MODE_HEADER]: [String(mode)] },
        body: bytes,
      };
    }
    case 'headers': {
      const response = htmlResponse(200, 'Secure Share self-test');
      return { ...response, headers: { ...response.headers, 'Content-Type': ['text/plain; charset=utf-8'], 'Content-Disposition': [expectedProbeHeaders()['Content-Disposition']!] } };
    }
    case 'redirect': {
      const response = htmlResponse(303, '');
      return { ...response, headers: { ...response.headers, Location: [`${here}/landed`] } };
    }
    case 'landed':
      return json(200, { landed: true });
    case 'report': {
      if (!sameOrigin(req)) return json(403, { ok: false });
      const report = parseReport(req);
      if (!report) return json(400, { ok: false });
      const taken = await deps.store.ephemeral.take(probeKey(nonce), deps.clock.now());
      if (!taken) return notFoundResponse();
      const browser = browserChecksFrom(taken.value as unknown as ProbeState, report, expectedProbeHeaders(), deps.clock.now());
      await recordBrowserChecks(deps, browser);
      return json(200, { ok: true, browser });
    }
    default:
      return notFoundResponse();
  }
};
