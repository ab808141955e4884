/**
 * A simulated Forge runtime for the bundles the Forge CLI packaged (.forge-build/runtime/*.cjs): the two globals
 * the bundled @forge/api and @forge/kvs call (`__forge_runtime__`, `__forge_fetch__`), the platform's egress-checked
 * global fetch, and the invocation shapes of each module type (resolver, web trigger, product event, scheduled
 * trigger). Nothing of the app is imported from source: every call goes through the packaged code.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KvsEmulator } from '../../../src/dev/kvs-emulator';

export type ConfluencePrincipal = { kind: 'app' } | { kind: 'user'; accountId: string };
export type ConfluenceFetch = (principal: ConfluencePrincipal, path: string, init?: RequestInit) => Promise<Response>;
export type EgressFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface ForgeRuntimeOptions {
  /** The KVS service: the strict emulator answers @forge/kvs's wire requests (/api/v1/get, /entity/query, …). */
  kvs: KvsEmulator;
  /** Confluence as the platform's proxy answers it (following the download redirect, as Forge's fetch does). */
  confluence: ConfluenceFetch;
  /** The URL the platform gives the share web trigger. */
  webTriggerUrl: string;
  /** Egress to external hosts (mail providers, identity providers). Default: refused. */
  egress?: EgressFetch;
  /** Hosts declared in manifest.yml (`permissions.external.fetch.backend`); others are refused like Forge does. */
  allowedEgress?: (url: URL) => boolean;
}

/** An event as @forge/events pushed it to the platform queue. */
export interface QueuedEvent {
  queueName: string;
  jobId: string;
  body: Record<string, unknown>;
  concurrency?: { key: string; limit: number };
  delayInSeconds?: number;
}

export interface ForgeRuntimeStats {
  confluence: { principal: ConfluencePrincipal; method: string; path: string; status: number }[];
  /** Async events waiting for their consumer, oldest first (the test delivers them with invokeConsumer). */
  queue: QueuedEvent[];
  webTriggerUrlLookups: number;
  egress: { url: string; method: string }[];
  /**
   * Calls of the global fetch made while a packaged function ran: refused. The bundled @forge/api keeps the
   * platform fetch it found when the bundle loaded, so only code that bypasses @forge/api's fetch lands here.
   */
  globalFetch: { url: string; moduleKey: string }[];
}

export interface WebTriggerRequest {
  method: string;
  /** The path after the trigger's id (Forge's `userPath`), e.g. /s/<token>. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  query?: Record<string, string>;
}

export interface WebTriggerResponse {
  statusCode: number;
  headers?: Record<string, string[]>;
  body?: string;
}

export const FORGE_BUILD = join(__dirname, '../../../.forge-build/runtime');
const APP_ID = 'ari:cloud:ecosystem::app/00000000-0000-0000-0000-000000000000';
const CLOUD_ID = '11111111-2222-3333-4444-555555555555';

type Bundle = Record<string, (...args: unknown[]) => Promise<unknown>>;

export const packagedBundlesExist = (): boolean => existsSync(join(FORGE_BUILD, 'index.cjs')) && existsSync(join(FORGE_BUILD, 'share.cjs'));

export const installForgeRuntime = (options: ForgeRuntimeOptions) => {
  const g = globalThis as Record<string, unknown>;
  const saved = { runtime: g['__forge_runtime__'], fetch: g['__forge_fetch__'], globalFetch: g['fetch'] };
  const standIn = new AsyncLocalStorage<boolean>();
  const stats: ForgeRuntimeStats = { confluence: [], queue: [], webTriggerUrlLookups: 0, egress: [], globalFetch: [] };
  let invocation: { accountId?: string; moduleKey: string; deadline: number } = { moduleKey: 'none', deadline: Infinity };

  g['__forge_runtime__'] = {
    appContext: {
      appId: APP_ID,
      appVersion: '1.0.0',
      environmentId: 'env-1',
      environmentType: 'DEVELOPMENT',
      invocationId: 'invocation-1',
      installationId: 'installation-1',
      get moduleKey() {
        return invocation.moduleKey;
      },
    },
    contextAri: `ari:cloud:confluence::site/${CLOUD_ID}`,
    lambdaContext: { getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()) },
    metrics: {
      counter: () => ({ incr: () => undefined, decr: () => undefined }),
      timing: () => ({ measure: () => ({ stop: () => undefined }) }),
    },
    proxy: { token: 'proxy-token', url: 'https://proxy.invalid' },
    tracing: { traceId: 'trace', spanId: 'span' },
  };

  g['__forge_fetch__'] = async (target: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> => {
    if (target['type'] === 'kvs') return options.kvs.fetch(path, init as { body?: unknown });
    if (target['type'] === 'fpp' && target['remote'] === 'confluence') {
      const provider = target['provider'];
      const accountId = (target['accountId'] as string | undefined) ?? invocation.accountId;
      if (provider === 'user' && !accountId) {
        return new Response('', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } });
      }
      const principal: ConfluencePrincipal = provider === 'user' ? { kind: 'user', accountId: accountId! } : { kind: 'app' };
      const response = await options.confluence(principal, path, init);
      stats.confluence.push({ principal, method: init?.method ?? 'GET', path, status: response.status });
      return response;
    }
    // @forge/events Queue.push: the platform answers 201 when every event was accepted (validators.js).
    if (target['type'] === 'fpp' && target['remote'] === 'stargate' && path.startsWith('/webhook/queue/publish/')) {
      const request = JSON.parse(String(init?.body ?? '{}')) as { queueName: string; jobId: string; payload: Omit<QueuedEvent, 'queueName' | 'jobId'>[] };
      if (Buffer.byteLength(String(init?.body ?? ''), 'utf8') > 200 * 1024) return Response.json({ errorMessage: 'payload too big' }, { status: 413 });
      for (const event of request.payload) stats.queue.push({ queueName: request.queueName, jobId: request.jobId, ...event });
      return new Response(null, { status: 201 });
    }
    if (target['type'] === 'fpp' && target['remote'] === 'stargate' && path === '/graphql') {
      const body = JSON.parse(String(init?.body ?? '{}')) as { query?: string };
      if (body.query?.includes('createWebTriggerUrl')) {
        stats.webTriggerUrlLookups += 1;
        return Response.json({ data: { createWebTriggerUrl: { url: options.webTriggerUrl } } });
      }
    }
    throw new Error(`The simulated Forge runtime has no route for ${JSON.stringify(target)} ${path}`);
  };

  // Forge replaces global fetch with its egress proxy: hosts not declared in the manifest are refused.
  const egressProxy = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    stats.egress.push({ url: url.href, method: init?.method ?? 'GET' });
    if (options.allowedEgress && !options.allowedEgress(url)) {
      throw new Error(`URL not included in the external fetch backend permissions: ${url.origin}`);
    }
    if (!options.egress) throw new Error(`No egress stand-in for ${url.origin}`);
    const egress = options.egress;
    // The stand-in plays the external host: its own requests (e.g. to a local test server) are the test's, not the app's.
    return standIn.run(true, () => egress(url.href, init));
  };
  // After a bundle loaded, the global fetch is a tripwire while a packaged function runs: the app must reach
  // external hosts through @forge/api's fetch (which holds the egress proxy it captured at load time).
  const tripwire = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    if (standIn.getStore() === true) return (saved.globalFetch as typeof fetch)(input, init);
    if (invocation.moduleKey === 'none') return egressProxy(input, init);
    stats.globalFetch.push({ url: String(input), moduleKey: invocation.moduleKey });
    throw new Error(`A packaged function called the global fetch instead of @forge/api's fetch: ${String(input)}`);
  };

  const require = createRequire(import.meta.url);
  const load = (name: 'index' | 'share'): Bundle => {
    g['fetch'] = egressProxy;
    try {
      return require(join(FORGE_BUILD, `${name}.cjs`)) as Bundle;
    } finally {
      g['fetch'] = tripwire;
    }
  };

  const within = async <T>(next: typeof invocation, fn: () => Promise<T>): Promise<T> => {
    invocation = next;
    try {
      return await fn();
    } finally {
      invocation = { moduleKey: 'none', deadline: Infinity };
    }
  };

  return {
    stats,
    load,
    /** A resolver call as the UI Kit bridge makes it (`invoke(functionKey, payload)`), 25 s budget. */
    invokeResolver: (bundle: Bundle, functionKey: string, payload: unknown, accountId: string, extension: Record<string, unknown> = {}) =>
      within({ accountId, moduleKey: 'secure-share-byline', deadline: Date.now() + 25_000 }, () =>
        bundle['resolverHandler']!(
          { call: { functionKey, payload }, context: { extension, localId: 'local-1', cloudId: CLOUD_ID } },
          { principal: { accountId }, installContext: `ari:cloud:confluence::site/${CLOUD_ID}` },
        ),
      ),
    /** A web trigger request in Forge's shape: header and query values are arrays; 55 s budget. */
    invokeWebTrigger: async (bundle: Bundle, request: WebTriggerRequest): Promise<WebTriggerResponse> =>
      within({ moduleKey: 'share-endpoint', deadline: Date.now() + 55_000 }, async () => {
        const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), [v]]));
        const queryParameters = Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [k, [v]]));
        const response = (await bundle['shareHandler']!(
          {
            method: request.method,
            path: `${new URL(options.webTriggerUrl).pathname}${request.path}`,
            userPath: request.path,
            headers,
            queryParameters,
            body: request.body ?? '',
          },
          { installContext: `ari:cloud:confluence::site/${CLOUD_ID}` },
        )) as WebTriggerResponse;
        return response;
      }),
    invokeEvent: (bundle: Bundle, handler: string, event: unknown) =>
      within({ moduleKey: 'page-lifecycle', deadline: Date.now() + 25_000 }, () =>
        bundle[handler]!(event, { installContext: `ari:cloud:confluence::site/${CLOUD_ID}` }),
      ),
    invokeScheduled: (bundle: Bundle, handler: string) =>
      within({ moduleKey: 'expiry-sweeper', deadline: Date.now() + 300_000 }, () =>
        bundle[handler]!({ context: { cloudId: CLOUD_ID, moduleKey: 'expiry-sweeper' } }, { installContext: `ari:cloud:confluence::site/${CLOUD_ID}` }),
      ),
    /** Delivers one queued event to its consumer function as Forge does (900 s budget); rethrows what the consumer throws. */
    invokeConsumer: (bundle: Bundle, handler: string, event: QueuedEvent, eventId: string, retryCount = 0) =>
      within({ moduleKey: 'background-jobs', deadline: Date.now() + 900_000 }, () =>
        bundle[handler]!(
          { body: event.body, queueName: event.queueName, jobId: event.jobId, eventId, ...(retryCount > 0 ? { retryContext: { retryCount, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED' } } : {}) },
          { installContext: `ari:cloud:confluence::site/${CLOUD_ID}` },
        ),
      ),
    uninstall: () => {
      g['__forge_runtime__'] = saved.runtime;
      g['__forge_fetch__'] = saved.fetch;
      g['fetch'] = saved.globalFetch;
    },
  };
};
