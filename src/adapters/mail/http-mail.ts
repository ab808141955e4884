/**
 * Shared plumbing of the HTTPS mail adapters (Forge functions cannot open SMTP sockets).
 * The fetch function is injected: @forge/api `fetch` on Forge, global `fetch` locally and in tests.
 */
import { DomainError } from '../../core/errors';
import type { MailMessage, Mailer, SecretStore } from '../../app/ports';

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Aborts the request when the send timeout passes. */
  signal?: AbortSignal;
}

export interface FetchResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

/** Name of the provider API key (or webhook signing secret) in the SecretStore. */
export const EMAIL_API_KEY_SECRET = 'email-api-key';

/** Non-secret sender identity shared by every provider. */
export interface SenderConfig {
  fromAddress: string;
  fromName: string;
}

// Deliberately strict: one address, no display name, no quotes, no whitespace or control characters,
// so that nothing a visitor types can add recipients or headers (security.md M2).
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const isDeliverableAddress = (value: string): boolean => value.length <= 254 && ADDRESS.test(value);

export const assertAddress = (value: string, what: string): void => {
  if (!isDeliverableAddress(value)) throw new DomainError('invalid_input', `${what} is not a valid email address.`);
};

/** Display name safe for a From header: no quotes, angle brackets or control characters. */
export const cleanDisplayName = (name: string): string =>
  // eslint-disable-next-line no-control-regex
  name.replace(/[\u0000-\u001f\u007f"<>\\]/g, '').replace(/\s+/g, ' ').trim().slice(0, 80);

export const formatFrom = (sender: SenderConfig): string => {
  const name = cleanDisplayName(sender.fromName);
  return name ? `"${name}" <${sender.fromAddress}>` : sender.fromAddress;
};

export const requireSecret = async (secrets: SecretStore, provider: string, name = EMAIL_API_KEY_SECRET): Promise<string> => {
  const value = await secrets.get(name);
  if (!value) {
    throw new DomainError(
      'upstream_unavailable',
      `Email delivery is not configured: the ${provider} API key is missing. A Confluence admin can set it under Email delivery.`,
    );
  }
  return value;
};

const STATUS_HINT: Record<number, string> = {
  400: 'the provider rejected the request (check the sender address and options)',
  401: 'authentication failed (check the API key)',
  403: 'the key is not allowed to send (check the key permissions and the verified sender)',
  404: 'the endpoint was not found (check the region or domain)',
  413: 'the message is too large',
  422: 'the provider rejected the message (check the sender address is verified)',
  429: 'the provider is rate limiting: try again later',
};

/** No mail call may wait longer than this for the provider. */
export const MAIL_TIMEOUT_MS = 10_000;

const formatWait = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** POSTs and maps every failure to DomainError('upstream_unavailable') without leaking secrets or bodies. */
export const postOrThrow = async (
  fetchFn: FetchLike,
  provider: string,
  url: string,
  init: FetchInit,
  timeoutMs = MAIL_TIMEOUT_MS,
  /** Picks a short, safe error code out of a refusal's body (never free text, which may quote addresses). */
  errorCodeOf?: (body: string) => string | null,
): Promise<FetchResponseLike> => {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A fetch that ignores the signal still loses the race.
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  const timeoutError = () =>
    new DomainError('upstream_unavailable', `${provider} did not answer within ${formatWait(timeoutMs)}, so the email was not sent. Try again later.`);
  let response: FetchResponseLike;
  try {
    const outcome = await Promise.race([fetchFn(url, { ...init, signal: controller.signal }), timedOut]);
    if (outcome === 'timeout') throw timeoutError();
    response = outcome;
  } catch {
    if (controller.signal.aborted) throw timeoutError();
    throw new DomainError('upstream_unavailable', `Could not reach ${provider} to send the email. Try again later.`);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const hint = STATUS_HINT[response.status] ?? (response.status >= 500 ? 'the provider had an error: try again later' : 'the request failed');
    // Drain the body so the connection can be reused; never echo it (it may quote addresses).
    const body = await response.text().catch(() => '');
    const code = errorCodeOf?.(body) ?? null;
    throw new DomainError('upstream_unavailable', `${provider} did not accept the email (HTTP ${response.status}${code ? `, ${code}` : ''}): ${hint}.`);
  }
  return response;
};

/** Checks the message and the sender before anything is sent. */
export const validateMessage = (message: MailMessage, sender: SenderConfig): void => {
  assertAddress(sender.fromAddress, 'The sender address');
  if (message.to.length === 0) throw new DomainError('invalid_input', 'The email has no recipient.');
  for (const to of message.to) assertAddress(to, 'A recipient');
  // eslint-disable-next-line no-control-regex
  if (/[\r\n]/.test(message.subject)) throw new DomainError('invalid_input', 'The subject must be one line.');
};

/**
 * Sends one request per recipient, so recipients never see each other's addresses and one bad
 * address does not block the rest of a provider's batch semantics.
 */
export const oneRequestPerRecipient = (sendOne: (to: string, message: MailMessage) => Promise<void>, sender: SenderConfig): Mailer => ({
  async send(message) {
    validateMessage(message, sender);
    const unique = [...new Set(message.to.map((t) => t.toLowerCase()))];
    for (const to of unique) await sendOne(to, message);
  },
});
