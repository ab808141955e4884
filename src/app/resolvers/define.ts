import type * as zc from 'zod/v4/core';
import { DomainError, type ErrorDetail } from '../../core/errors';
import { callerFrom, type Caller } from '../authorize';
import type { AppDeps } from '../deps';

/** What the bridge (or the local /api/invoke route) delivers to a resolver. */
export interface ResolverRequest {
  payload: unknown;
  context: { accountId?: string; extension?: unknown };
}

export type ResolverHandler = (req: ResolverRequest, deps: AppDeps) => Promise<unknown>;

/**
 * Field names as the forms and the use cases use them: `settings.comments` → `comments`,
 * `config.expiry.maxDays` → `expiry.maxDays`, `password.password` → `password`.
 */
const pathOf = (path: readonly PropertyKey[]): string => {
  const field = path.map(String).join('.').replace(/^(settings|config)\./, '');
  return field === 'password.password' ? 'password' : field;
};

/** zod issues → invalid_input with one detail per field; the message is plain words (field keys stay in details only). */
export const invalidInputFrom = (error: { issues: readonly zc.$ZodIssue[] }): DomainError => {
  const details: ErrorDetail[] = error.issues.slice(0, 50).map((issue) => {
    const field = pathOf(issue.path);
    return field ? { field, rule: issue.code, message: issue.message } : { rule: issue.code, message: issue.message };
  });
  const first = details[0];
  const more = details.length - 1;
  const message = first
    ? more > 0
      ? `${first.message} (and ${more} more ${more === 1 ? 'problem' : 'problems'}, marked on the form)`
      : first.message
    : 'The request is invalid.';
  return new DomainError('invalid_input', message, details);
};

/** A payload schema: classic zod or zod/mini (both answer safeParse with the core issue format). */
type PayloadSchema = zc.$ZodType & {
  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly zc.$ZodIssue[] } };
};

/**
 * A resolver: authenticates the caller from context.accountId (never from the payload or `extension`),
 * then validates the payload with `schema`, then runs the use case.
 */
export const defineResolver =
  <S extends PayloadSchema>(schema: S, run: (deps: AppDeps, caller: Caller, payload: zc.output<S>) => Promise<unknown>): ResolverHandler =>
  async (req, deps) => {
    const caller = callerFrom(req.context);
    const parsed = schema.safeParse(req.payload ?? {});
    if (!parsed.success) throw invalidInputFrom(parsed.error);
    return run(deps, caller, parsed.data as zc.output<S>);
  };
