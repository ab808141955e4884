import { isDomainError } from '../../core/errors';
import type { ResolverResult } from '../../shared/contract';
import { recordAudit } from '../audit';
import type { AppDeps } from '../deps';
import { adminResolvers } from './admin-resolvers';
import { auditResolvers } from './audit-resolvers';
import { configResolvers } from './config-resolvers';
import { configurationResolvers } from './configuration-resolvers';
import type { ResolverHandler, ResolverRequest } from './define';
import { linkResolvers } from './link-resolvers';
import { setupResolvers } from './setup-resolvers';
import { linkConsoleResolvers } from './link-console-resolvers';

export { defineResolver, invalidInputFrom, type ResolverHandler, type ResolverRequest } from './define';

/** Every resolver by function key (the keys of ResolverContract). */
export const createResolverRegistry = (): Record<string, ResolverHandler> => {
  const registry: Record<string, ResolverHandler> = Object.create(null) as Record<string, ResolverHandler>;
  Object.assign(registry, setupResolvers);
  Object.assign(registry, configurationResolvers);
  Object.assign(registry, linkResolvers, configResolvers, adminResolvers, auditResolvers, linkConsoleResolvers);
  return registry;
};

export type ErrorLogger = (message: string, error: unknown) => void;

const defaultLogger: ErrorLogger = (message, error) => {
  console.error(message, error);
};

const claimed = (payload: unknown, name: string, pattern: RegExp): string | null => {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && pattern.test(value) ? value : null;
};

/** Records a refused editor/admin call (security H3). Ids are the caller's claims, kept only when well-formed. */
const auditDenied = async (deps: AppDeps, key: string, req: ResolverRequest): Promise<void> => {
  const accountId = req.context.accountId;
  if (!accountId) return;
  await recordAudit(deps, {
    action: 'access_denied',
    actor: accountId,
    linkId: claimed(req.payload, 'linkId', /^[A-Za-z0-9_-]{22}$/),
    pageId: claimed(req.payload, 'pageId', /^[0-9]{1,30}$/),
    spaceKey: claimed(req.payload, 'spaceKey', /^[A-Za-z0-9_~-]{1,255}$/),
    detail: `${key} refused`,
  });
};

/**
 * Runs one resolver and wraps its outcome in the envelope: DomainErrors keep their code, message and
 * details; anything else becomes 'internal' with a generic message (logged, never leaked).
 */
export const invokeResolver = async (
  registry: Record<string, ResolverHandler>,
  key: string,
  req: ResolverRequest,
  deps: AppDeps,
  log: ErrorLogger = defaultLogger,
): Promise<ResolverResult<unknown>> => {
  const handler = Object.hasOwn(registry, key) ? registry[key] : undefined;
  if (!handler) {
    return { ok: false, error: { code: 'not_found', message: `There is no function named '${key.slice(0, 100)}'.`, details: [] } };
  }
  try {
    const data = await handler(req, deps);
    return { ok: true, data };
  } catch (error) {
    if (isDomainError(error)) {
      if (error.code === 'forbidden') await auditDenied(deps, key, req);
      return { ok: false, error: { code: error.code, message: error.message, details: [...error.details] } };
    }
    log(`Resolver ${key} failed`, error);
    return {
      ok: false,
      error: { code: 'internal', message: 'Something went wrong on our side. Try again; if it keeps failing, contact your Confluence admin.', details: [] },
    };
  }
};
