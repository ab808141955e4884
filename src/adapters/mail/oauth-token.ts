/**
 * Access tokens for the mail providers that send as the organisation's own mailbox over HTTPS
 * (Microsoft Graph, Gmail API). A token is asked for with a form POST to the provider's OAuth token
 * endpoint and kept until a minute before it expires.
 *
 * The cache lives in module scope, so a warm Forge runtime reuses a token across invocations. Forge may
 * reuse a runtime for another installation: entries are keyed by a hash of everything that identifies
 * the credential (endpoint, client and the secret itself), so one site can never pick up another's token.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../../core/errors';
import { MAIL_TIMEOUT_MS, type FetchLike } from './http-mail';

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are dropped this long before the provider says they expire. */
export const TOKEN_EARLY_REFRESH_MS = 60_000;
const MAX_CACHED = 50;
const cache = new Map<string, CachedToken>();

/** Tests only: forget every cached token. */
export const clearTokenCache = (): void => cache.clear();

const cacheKey = (parts: readonly string[]): string => createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('hex');

/** A short provider error code (`invalid_client`, `unauthorized_client`), never free text that may quote data. */
export const safeErrorCode = (value: unknown): string | null =>
  typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : null;

const TOKEN_HINTS: Record<string, string> = {
  invalid_client: 'the client ID or secret is wrong, or the secret has expired',
  unauthorized_client: 'the app is not allowed to act for this mailbox (check the consent or the domain-wide delegation)',
  invalid_grant: 'the credential was refused (check the service account key, the sender address and the clock)',
  invalid_scope: 'the permission asked for was not granted',
  invalid_request: 'the request was refused (check the tenant or the key)',
};

export interface TokenRequest {
  /** Provider name for messages ("Microsoft Graph"). */
  provider: string;
  url: string;
  /** Form fields (client_credentials or jwt-bearer grant). */
  form: Record<string, string>;
  /** Identifies the credential: the same parts give the same cached token. Include the secret. */
  identity: readonly string[];
  now: () => number;
}

/**
 * A cached token, or a fresh one from the token endpoint. Failures are DomainError('upstream_unavailable')
 * naming the OAuth error code and what it usually means; the secret and the response text never appear.
 */
export const accessToken = async (fetchFn: FetchLike, request: TokenRequest): Promise<string> => {
  const key = cacheKey([request.url, ...request.identity]);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > request.now()) return hit.token;
  cache.delete(key);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), MAIL_TIMEOUT_MS);
  let status: number;
  let text: string;
  try {
    const response = await fetchFn(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(request.form).toString(),
      signal: controller.signal,
    });
    status = response.status;
    text = await response.text();
  } catch {
    throw new DomainError(
      'upstream_unavailable',
      controller.signal.aborted
        ? `${request.provider} did not answer the sign-in for sending within ${MAIL_TIMEOUT_MS / 1000} s, so the email was not sent. Try again later.`
        : `Could not reach ${request.provider} to sign in for sending. Try again later.`,
    );
  } finally {
    clearTimeout(timer);
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: reported by status below.
  }
  const token = typeof body.access_token === 'string' ? body.access_token : '';
  if (status < 200 || status >= 300 || !token) {
    const code = safeErrorCode(body.error);
    const hint = code ? (TOKEN_HINTS[code] ?? 'the credential was refused') : status >= 500 ? 'the provider had an error: try again later' : 'the credential was refused';
    throw new DomainError(
      'upstream_unavailable',
      `${request.provider} refused to sign in for sending (HTTP ${status}${code ? `, ${code}` : ''}): ${hint}.`,
    );
  }
  const seconds = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in);
  const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
  const expiresAt = request.now() + lifetimeMs - TOKEN_EARLY_REFRESH_MS;
  if (expiresAt > request.now()) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, { token, expiresAt });
  }
  return token;
};

/** Forgets a token the API refused (revoked or consent withdrawn), so the next send asks again. */
export const forgetToken = (url: string, identity: readonly string[]): void => {
  cache.delete(cacheKey([url, ...identity]));
};
