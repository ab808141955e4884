/**
 * Forge KVS / Custom Entity Store limits and error codes, as the emulator enforces them.
 *
 * Sources (docs snapshot, developer.atlassian.com/platform/forge/...):
 * - limits-kvs-ce: key ≤ 500 chars matching KEY_PATTERN; value ≤ 240 KiB (raw); object depth 31;
 *   transactions ≤ 25 operations, each key once, payload ≤ 4 MB; per index, combined range attribute
 *   values ≤ 900 bytes and combined partition attribute values ≤ 1700 bytes; ≤ 100 conditions per
 *   complex query; entity names 3..60 chars.
 * - storage-reference/entities-errorhandling: the error codes marked "documented" below; every quota
 *   breach answers 429 RATE_LIMIT_EXCEEDED.
 * - storage-reference/kvs-api-query, entities-api-query: page limit 1..100, default 10.
 * - kvs-api-secret: secret values ≤ 128 KiB.
 * Codes marked "assumed" are not documented; the app must never depend on them (the store adapter only
 * looks at the HTTP status), and the Diagnostics tab records what a real site answers.
 */

export const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/;
export const ENTITY_NAME_PATTERN = /^(?![.-])(?!.*\.{2})[a-z0-9:\-.]*(?<![.])$/;

export const KVS_LIMITS = {
  maxKeyLength: 500,
  maxValueBytes: 240 * 1024,
  maxSecretBytes: 128 * 1024,
  maxDepth: 31,
  maxQueryLimit: 100,
  defaultQueryLimit: 10,
  maxQueryConditions: 100,
  maxTransactionOps: 25,
  maxTransactionBytes: 4 * 1024 * 1024,
  maxBatchItems: 25,
  maxBatchBytes: 4 * 1024 * 1024,
  maxRangeValueBytes: 900,
  maxPartitionValueBytes: 1700,
  minEntityNameLength: 3,
  maxEntityNameLength: 60,
  maxTtlMs: 365 * 86_400_000,
} as const;

export const KVS_ERROR = {
  // documented
  emptyKey: 'EMPTY_KEY',
  invalidKey: 'INVALID_KEY',
  keyTooLong: 'KEY_TOO_LONG',
  maxSize: 'MAX_SIZE',
  maxDepth: 'MAX_DEPTH',
  entityTypeTooShort: 'ENTITY_TYPE_TOO_SHORT',
  entityTypeTooLarge: 'ENTITY_TYPE_TOO_LARGE',
  invalidEntityType: 'INVALID_ENTITY_TYPE',
  invalidEntityValue: 'INVALID_ENTITY_VALUE',
  invalidEntityIndex: 'INVALID_ENTITY_INDEX',
  pageLimitNotInRange: 'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
  emptyFilterOperator: 'EMPTY_FILTER_OPERATOR',
  invalidFilterOperatorsCombination: 'INVALID_FILTER_OPERATORS_COMBINATION',
  insufficientFilterValues: 'INSUFFICIENT_FILTER_VALUES',
  rateLimitExceeded: 'RATE_LIMIT_EXCEEDED',
  // the code @forge/kvs turns into `undefined` for get/delete of a missing key
  keyNotFound: 'KEY_NOT_FOUND',
  // assumed
  validation: 'VALIDATION_ERROR',
  invalidCursor: 'INVALID_CURSOR',
  keyConflict: 'KEY_CONFLICT',
  conditionFailed: 'CONDITION_FAILED',
  notFound: 'NOT_FOUND',
} as const;

export type KvsErrorCode = (typeof KVS_ERROR)[keyof typeof KVS_ERROR];

/** An error answer of the emulated service: HTTP status plus the `{ code, message }` body. */
export class KvsServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: KvsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KvsServiceError';
  }
}

export const badRequest = (code: KvsErrorCode, message: string): KvsServiceError => new KvsServiceError(400, code, message);
export const conflict = (code: KvsErrorCode, message: string): KvsServiceError => new KvsServiceError(409, code, message);
