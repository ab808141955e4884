/**
 * Email templates. Pure: every user-supplied string is escaped for HTML, subjects are stripped of
 * control characters (no header injection), and no template ever carries a link password.
 * Each template returns HTML and plain text; branding comes from the site customization.
 */
import type { SiteSettings } from './model';

export type EmailBranding = Pick<
  SiteSettings['customization'],
  'showHeading' | 'heading' | 'logoUrl' | 'showFooter' | 'footerText'
>;

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_EMAIL_BRANDING: EmailBranding = {
  showHeading: true,
  heading: 'Secure Share',
  logoUrl: null,
  showFooter: true,
  footerText: '',
};

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

// Control characters (incl. CR/LF) and bidi overrides have no place in a one-line header or label.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One-line, length-capped text for subjects and inline labels. */
export const singleLine = (value: string, max = 150): string => {
  const flat = value.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Only absolute http(s) URLs go into hrefs; anything else (javascript:, data:) is refused. */
const safeHref = (url: string): string | null => {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
};

const SAFE_LOGO = /^(https:\/\/[^\s"'<>]+|data:image\/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+)$/;

/** `2026-11-23 18:21 UTC` — emails go to people in any zone, so state the zone explicitly. */
export const formatInstant = (epochMs: number): string => {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
};

interface Block {
  /** Paragraph text (escaped at render). */
  paragraphs: string[];
  /** Optional call to action. */
  action?: { label: string; url: string };
  /** Large monospace value (one-time code). */
  code?: string;
  /** Quoted free text from a person (sender message). */
  quote?: { by: string; text: string };
  /** Small print below the action. */
  notes?: string[];
}

const renderHtml = (branding: EmailBranding, title: string, block: Block): string => {
  const logo = branding.logoUrl && SAFE_LOGO.test(branding.logoUrl)
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="" height="32" style="height:32px;vertical-align:middle;margin-right:8px">`
    : '';
  const heading = branding.showHeading && branding.heading.trim() !== ''
    ? `<div style="font-size:18px;font-weight:600;color:#172B4D">${logo}${escapeHtml(singleLine(branding.heading, 80))}</div>`
    : logo ? `<div>${logo}</div>` : '';
  const paragraphs = block.paragraphs
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`)
    .join('');
  const quote = block.quote
    ? `<p style="margin:0 0 4px;color:#44546F">${escapeHtml(block.quote.by)} wrote:</p>` +
      `<blockquote style="margin:0 0 12px;padding:8px 12px;border-left:3px solid #DFE1E6;white-space:pre-wrap">${escapeHtml(block.quote.text)}</blockquote>`
    : '';
  const code = block.code
    ? `<p style="margin:16px 0;font:600 28px/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:6px">${escapeHtml(block.code)}</p>`
    : '';
  const href = block.action ? safeHref(block.action.url) : null;
  const action = block.action && href
    ? `<p style="margin:16px 0"><a href="${escapeHtml(href)}" style="display:inline-block;padding:10px 16px;background:#0C66E4;color:#FFFFFF;border-radius:4px;text-decoration:none;font-weight:600">${escapeHtml(block.action.label)}</a></p>` +
      `<p style="margin:0 0 12px;font-size:12px;color:#626F86;word-break:break-all">${escapeHtml(href)}</p>`
    : '';
  const notes = (block.notes ?? [])
    .map((n) => `<p style="margin:0 0 8px;font-size:12px;color:#626F86">${escapeHtml(n)}</p>`)
    .join('');
  const footer = branding.showFooter && branding.footerText.trim() !== ''
    ? `<hr style="border:none;border-top:1px solid #DFE1E6;margin:16px 0"><p style="margin:0;font-size:12px;color:#626F86">${escapeHtml(branding.footerText)}</p>`
    : '';
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<title>${escapeHtml(title)}</title></head>` +
    '<body style="margin:0;padding:24px;background:#F7F8F9;font:14px/1.5 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#172B4D">' +
    '<div style="max-width:560px;margin:0 auto;background:#FFFFFF;border:1px solid #DFE1E6;border-radius:6px;padding:24px">' +
    heading +
    (heading ? '<div style="height:16px"></div>' : '') +
    paragraphs +
    quote +
    code +
    action +
    notes +
    footer +
    '</div></body></html>'
  );
};

const renderText = (branding: EmailBranding, block: Block): string => {
  const lines: string[] = [];
  if (branding.showHeading && branding.heading.trim() !== '') lines.push(singleLine(branding.heading, 80), '');
  for (const p of block.paragraphs) lines.push(p, '');
  if (block.quote) lines.push(`${block.quote.by} wrote:`, ...block.quote.text.split('\n').map((l) => `> ${l}`), '');
  if (block.code) lines.push(`    ${block.code}`, '');
  if (block.action) {
    const href = safeHref(block.action.url);
    if (href) lines.push(`${block.action.label}: ${href}`, '');
  }
  for (const n of block.notes ?? []) lines.push(n, '');
  if (branding.showFooter && branding.footerText.trim() !== '') lines.push('--', branding.footerText);
  return lines.join('\n').trimEnd() + '\n';
};

const render = (branding: EmailBranding, subject: string, block: Block): RenderedEmail => {
  const cleanSubject = singleLine(subject, 200);
  return { subject: cleanSubject, html: renderHtml(branding, cleanSubject, block), text: renderText(branding, block) };
};

// ---------------------------------------------------------------------------------------------

export interface LinkEmailInput {
  branding: EmailBranding;
  senderName: string;
  pageTitle: string;
  /** Set for a whole-space link: the email names the space instead of the page. */
  spaceName?: string | undefined;
  url: string;
  message?: string;
  hasPassword: boolean;
  expiresAt: number | null;
}

/** The share link, sent to recipients. Never carries the password, only a note that one is needed. */
export const renderLinkEmail = (input: LinkEmailInput): RenderedEmail => {
  const sender = singleLine(input.senderName, 80) || 'A colleague';
  const title = singleLine(input.pageTitle, 150);
  const notes: string[] = [];
  if (input.hasPassword) notes.push('This link is protected by a password. The sender will give you the password separately.');
  if (input.expiresAt !== null) notes.push(`The link expires on ${formatInstant(input.expiresAt)}.`);
  notes.push('Do not forward this email: anyone with the link may be able to open the page.');
  const message = input.message?.trim();
  const space = input.spaceName === undefined ? null : singleLine(input.spaceName, 150) || title;
  return render(input.branding, `${sender} shared "${space ?? title}" with you`, {
    paragraphs: [space !== null ? `${sender} shared the Confluence space "${space}" with you.` : `${sender} shared the page "${title}" with you.`],
    quote: message ? { by: sender, text: message.slice(0, 2000) } : undefined,
    action: { label: space !== null ? 'Open the space' : 'Open the page', url: input.url },
    notes,
  });
};

export interface OneTimeCodeEmailInput {
  branding: EmailBranding;
  code: string;
  pageTitle: string;
  validMinutes: number;
}

export const renderOneTimeCodeEmail = (input: OneTimeCodeEmailInput): RenderedEmail =>
  render(input.branding, `Your verification code: ${singleLine(input.code, 12)}`, {
    paragraphs: [`Use this code to open the shared page "${singleLine(input.pageTitle, 150)}".`],
    code: singleLine(input.code, 12),
    notes: [
      `The code is valid for ${input.validMinutes} minutes and can be used once.`,
      'If you did not ask for this code, you can ignore this email.',
    ],
  });

export interface SubscriptionConfirmEmailInput {
  branding: EmailBranding;
  pageTitle: string;
  confirmUrl: string;
  unsubscribeUrl: string;
}

export const renderSubscriptionConfirmEmail = (input: SubscriptionConfirmEmailInput): RenderedEmail => {
  const title = singleLine(input.pageTitle, 150);
  return render(input.branding, `Confirm updates for "${title}"`, {
    paragraphs: [
      `Someone (hopefully you) asked to receive an email when the shared page "${title}" changes.`,
      'Confirm to start receiving updates. Nothing is sent until you confirm.',
    ],
    action: { label: 'Confirm subscription', url: input.confirmUrl },
    notes: [`Not you, or changed your mind? Unsubscribe: ${input.unsubscribeUrl}`],
  });
};

export interface PageUpdatedEmailInput {
  branding: EmailBranding;
  /** Title of the shared (root) page of the link. */
  sharedPageTitle: string;
  /** Title of the page that changed (the root or a shared child page). */
  changedPageTitle: string;
  updateCount: number;
  lastUpdatedAt: number;
  unsubscribeUrl: string;
}

export const renderPageUpdatedEmail = (input: PageUpdatedEmailInput): RenderedEmail => {
  const changed = singleLine(input.changedPageTitle, 150);
  const shared = singleLine(input.sharedPageTitle, 150);
  const times = input.updateCount > 1 ? ` (${input.updateCount} edits)` : '';
  const where = changed === shared ? `The shared page "${shared}"` : `The page "${changed}", shared with you as part of "${shared}",`;
  return render(input.branding, `"${changed}" was updated`, {
    paragraphs: [
      `${where} was updated${times}; last change ${formatInstant(input.lastUpdatedAt)}.`,
      'Open the link you received earlier to see the current version.',
    ],
    notes: [`You receive this because you subscribed to updates. Unsubscribe: ${input.unsubscribeUrl}`],
  });
};

export interface ExpiryReminderEmailInput {
  branding: EmailBranding;
  linkName: string;
  pageTitle: string;
  expiresAt: number;
  now: number;
}

export const renderExpiryReminderEmail = (input: ExpiryReminderEmailInput): RenderedEmail => {
  const days = Math.max(0, Math.ceil((input.expiresAt - input.now) / 86_400_000));
  const name = singleLine(input.linkName, 100) || 'Untitled link';
  const title = singleLine(input.pageTitle, 150);
  const when = days <= 1 ? 'within a day' : `in ${days} days`;
  return render(input.branding, `Your share link "${name}" expires ${when}`, {
    paragraphs: [
      `Your share link "${name}" for the page "${title}" expires ${when}, on ${formatInstant(input.expiresAt)}.`,
      'After that, recipients can no longer open it. To keep sharing, open the page in Confluence and extend the expiry date in the Secure Share panel.',
    ],
  });
};

export interface LinkOpenedEmailInput {
  branding: EmailBranding;
  linkName: string;
  pageTitle: string;
  openedAt: number;
}

export const renderLinkOpenedEmail = (input: LinkOpenedEmailInput): RenderedEmail => {
  const name = singleLine(input.linkName, 100) || 'Untitled link';
  const title = singleLine(input.pageTitle, 150);
  return render(input.branding, `Your share link "${name}" was opened`, {
    paragraphs: [
      `Your share link "${name}" for the page "${title}" was opened on ${formatInstant(input.openedAt)}.`,
      'You receive at most one such alert per link per day. The audit log in Confluence lists every access.',
    ],
  });
};

export interface LinkUnderAttackEmailInput {
  branding: EmailBranding;
  linkName: string;
  pageTitle: string;
  failures: number;
  detectedAt: number;
}

export const renderLinkUnderAttackEmail = (input: LinkUnderAttackEmailInput): RenderedEmail => {
  const name = singleLine(input.linkName, 100) || 'Untitled link';
  const title = singleLine(input.pageTitle, 150);
  return render(input.branding, `Many wrong passwords on your share link "${name}"`, {
    paragraphs: [
      `Your share link "${name}" for the page "${title}" received ${input.failures} wrong passwords within an hour (noticed on ${formatInstant(input.detectedAt)}). Someone may be trying to guess the password.`,
      'The link keeps working for people who know the password: each address that guesses wrong is slowed down, and new addresses get a single try while the guessing goes on.',
      'If the password may have leaked, or is short, open the page in Confluence and change the password or rotate the link in the Secure Share panel. The audit log lists the failed attempts.',
    ],
    notes: ['You receive at most one such alert per link per day.'],
  });
};

export interface TestEmailInput {
  branding: EmailBranding;
  /** Plain name of the provider that sends it ("Microsoft Graph"). */
  providerLabel: string;
  fromAddress: string;
  sentAt: number;
}

/** Site settings → Email delivery → Send test email. */
export const renderTestEmail = (input: TestEmailInput): RenderedEmail =>
  render(input.branding, 'Secure Share test email', {
    paragraphs: [
      'This is a test email from Secure Share for Confluence.',
      `It was sent through ${singleLine(input.providerLabel, 60)}${input.fromAddress ? ` from ${singleLine(input.fromAddress, 200)}` : ''}. If you can read it, share links, one-time codes and notifications can reach people too.`,
    ],
    notes: [`Sent ${formatInstant(input.sentAt)} by a Confluence administrator from the Secure Share settings.`],
  });
