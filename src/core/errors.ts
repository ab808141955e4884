/** Stable error codes that use cases raise; each edge (resolver envelope, HTTP) maps them once. */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'policy_violation'
  | 'version_conflict'
  | 'already_exists'
  | 'sharing_disabled'
  | 'rate_limited'
  | 'payload_too_large'
  | 'store_unavailable'
  | 'upstream_unavailable'
  /** Confluence refused the app itself (401/403): an installation problem for admins, never the visitor's fault. */
  | 'app_unauthorized'
  | 'internal';

/** A use-case failure with a stable code and a message fit to show to the user. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  /** Field-level or rule-level details, e.g. `{ field: 'expiresAt', rule: 'expiry.custom' }`. */
  readonly details: readonly ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export interface ErrorDetail {
  field?: string;
  rule?: string;
  message: string;
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** HTTP status for each code: used by the local server and the web trigger edge. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  policy_violation: 422,
  version_conflict: 409,
  already_exists: 409,
  sharing_disabled: 403,
  rate_limited: 429,
  payload_too_large: 413,
  store_unavailable: 503,
  upstream_unavailable: 502,
  app_unauthorized: 503,
  internal: 500,
};
