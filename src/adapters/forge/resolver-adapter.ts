/**
 * Exposes the platform-neutral resolver registry (src/app/resolvers) through @forge/resolver.
 * Identity comes only from the platform-set `context.accountId`; the payload and `extension` are
 * passed on as untrusted input (the use cases re-verify page and space rights with asUser calls).
 */
import { makeResolver } from '@forge/resolver';
import type { AppDeps } from '../../app/deps';
import type { ResolverResult } from '../../shared/contract';
import { createResolverRegistry, invokeResolver, type ResolverRequest } from '../../app/resolvers';

/** What the composition root needs to build dependencies for one invocation. */
export interface InvocationIdentity {
  accountId?: string;
}

export type DepsFactory = (identity: InvocationIdentity) => AppDeps | Promise<AppDeps>;

interface ForgeResolverContext {
  accountId?: unknown;
  extension?: unknown;
}

/** The request handed to the use-case layer: accountId from the context, nothing else trusted. */
export const toResolverRequest = (payload: unknown, context: ForgeResolverContext | undefined): ResolverRequest => {
  const accountId = typeof context?.accountId === 'string' && context.accountId !== '' ? context.accountId : undefined;
  return {
    payload: payload ?? {},
    context: { ...(accountId ? { accountId } : {}), extension: context?.extension },
  };
};

const DEPS_UNAVAILABLE: ResolverResult<never> = {
  ok: false,
  error: { code: 'store_unavailable', message: 'Secure Share is temporarily unavailable. Try again in a moment.', details: [] },
};

export const createForgeResolverHandler = (buildDeps: DepsFactory) => {
  const registry = createResolverRegistry();
  // makeResolver (a named export) rather than `new Resolver()` from the default export: with "type": "module"
  // bundlers follow Node's CJS interop, where the default import is module.exports, not exports.default.
  const handlers: Record<string, Parameters<typeof makeResolver>[0][string]> = {};
  for (const key of Object.keys(registry)) {
    handlers[key] = async ({ payload, context }) => {
      const request = toResolverRequest(payload, context as ForgeResolverContext);
      let deps: AppDeps;
      try {
        deps = await buildDeps({ accountId: request.context.accountId });
      } catch (error) {
        console.error(`Resolver ${key}: dependencies unavailable`, error instanceof Error ? error.message : 'unknown error');
        return DEPS_UNAVAILABLE;
      }
      return invokeResolver(registry, key, request, deps);
    };
  }
  return makeResolver(handlers);
};
