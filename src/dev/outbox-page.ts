/**
 * GET /outbox (list, newest first) and GET /outbox/<id> (one message: HTML in a sandboxed iframe,
 * plus the text body). Local mode only: lets a developer read what the app "sent".
 */
import { escapeHtml, formatInstant } from '../core/email-templates';
import { DEFAULT_OUTBOX_DIR, listOutbox, readOutboxMessage } from '../adapters/local/outbox';
import type { HttpRequest, HttpResponse } from '../web/http';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Repeated inside srcdoc: the sandbox already blocks scripts; this also blocks remote loads except images.
const MESSAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:";

const page = (status: number, title: string, body: string): HttpResponse => ({
  status,
  headers: {
    'content-type': ['text/html; charset=utf-8'],
    'content-security-policy': [PAGE_CSP],
    'cache-control': ['no-store'],
    'x-content-type-options': ['nosniff'],
    'referrer-policy': ['no-referrer'],
  },
  body:
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<style>body{font:14px/1.5 system-ui,sans-serif;margin:24px;color:#172B4D}table{border-collapse:collapse;width:100%}' +
    'td,th{border-bottom:1px solid #DFE1E6;padding:6px 8px;text-align:left;vertical-align:top}' +
    'iframe{width:100%;height:520px;border:1px solid #DFE1E6;border-radius:4px}pre{white-space:pre-wrap;background:#F7F8F9;padding:12px;border-radius:4px}' +
    '.kind{font-size:12px;background:#E9F2FF;border-radius:3px;padding:1px 6px}</style></head>' +
    `<body>${body}</body></html>`,
});

const listPage = async (dir: string): Promise<HttpResponse> => {
  const entries = await listOutbox(dir);
  const rows = entries
    .map(
      (e) =>
        `<tr><td>${escapeHtml(formatInstant(e.at))}</td><td><span class="kind">${escapeHtml(e.kind)}</span></td>` +
        `<td>${escapeHtml(e.to.join(', '))}</td><td><a href="/outbox/${escapeHtml(e.id)}">${escapeHtml(e.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('');
  const body = entries.length
    ? `<table><thead><tr><th>Sent</th><th>Kind</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No email has been sent yet. Links emailed from the app, one-time codes and notifications appear here.</p>';
  return page(200, 'Outbox', `<h1>Local outbox</h1><p>${entries.length} message(s), newest first. Nothing here was actually sent.</p>${body}`);
};

const messagePage = async (dir: string, id: string): Promise<HttpResponse> => {
  const message = await readOutboxMessage(dir, id);
  if (!message) return page(404, 'Not found', '<h1>Message not found</h1><p><a href="/outbox">Back to the outbox</a></p>');
  const srcdoc = `<meta http-equiv="Content-Security-Policy" content="${MESSAGE_CSP}">${message.html}`;
  return page(
    200,
    message.subject,
    '<p><a href="/outbox">← Outbox</a></p>' +
      `<h1>${escapeHtml(message.subject)}</h1>` +
      `<p>To ${escapeHtml(message.to.join(', '))} · ${escapeHtml(formatInstant(message.at))} · <span class="kind">${escapeHtml(message.kind)}</span></p>` +
      `<h2>HTML</h2><iframe sandbox="" referrerpolicy="no-referrer" title="HTML body" srcdoc="${escapeHtml(srcdoc)}"></iframe>` +
      `<h2>Text</h2><pre>${escapeHtml(message.text)}</pre>`,
  );
};

/** Answers /outbox and /outbox/<id>; undefined for any other path, so the server can route on. */
export const handleOutboxRequest = async (req: HttpRequest, dir = DEFAULT_OUTBOX_DIR): Promise<HttpResponse | undefined> => {
  const match = /^\/outbox(?:\/([^/]*))?\/?$/.exec(req.path);
  if (!match) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const refused = page(405, 'Method not allowed', '<h1>Method not allowed</h1>');
    return { ...refused, headers: { ...refused.headers, allow: ['GET, HEAD'] } };
  }
  const id = match[1];
  // Ids are plain ASCII; anything needing decoding is not an id.
  return id ? messagePage(dir, id) : listPage(dir);
};

/** The local server's route for /outbox (the outbox directory comes from the local app). */
export const outboxRoute = async (req: HttpRequest, ctx: { app: { outbox: { dir: string } } }): Promise<HttpResponse> =>
  (await handleOutboxRequest(req, ctx.app.outbox.dir)) ?? page(404, 'Not found', '<h1>Not found</h1><p><a href="/outbox">Outbox</a></p>');
