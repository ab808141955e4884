/**
 * Helpers for tests that drive the whole app over real HTTP: a local server on an ephemeral port with a
 * temporary data directory, and `invoke(key, payload, accountId)` exactly as the bridge would call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServer, type StartLocalServerOptions } from '../../src/dev/server';
import type { EmulatorStats } from '../../src/dev/confluence-emulator/emulator';
import type { ResolverData, ResolverKey, ResolverResult } from '../../src/shared/contract';

export interface InvokeResponse<T = unknown> {
  status: number;
  body: ResolverResult<T>;
}

export interface TestServer extends LocalServer {
  dataDir: string;
  /** POST /api/invoke/<key> with `{ payload, context: { accountId, extension } }`. */
  invoke<K extends ResolverKey>(
    key: K,
    payload: unknown,
    accountId?: string,
    extension?: unknown,
  ): Promise<InvokeResponse<ResolverData<K>>>;
  /** Like invoke, but returns the data and fails the test with the error envelope otherwise. */
  call<K extends ResolverKey>(key: K, payload: unknown, accountId?: string): Promise<ResolverData<K>>;
  /**
   * Stops the server and deletes the data directory. Fails when any Confluence request of the run fell
   * outside Atlassian's OpenAPI specs, or an emulator answer did not match them.
   */
  stop(): Promise<void>;
}

/** Throws with every Confluence request outside the specs and every emulator answer that broke them. */
export const assertWithinSpecs = (stats: EmulatorStats): void => {
  const problems = [
    ...stats.specViolations.map((v) => `${v.method} ${v.path}: ${v.reason}`),
    ...stats.responseViolations.map((v) => `emulator answer to ${v.operationId} (${v.status}): ${v.errors.join('; ')}`),
  ];
  if (problems.length > 0) throw new Error(`Confluence traffic outside Atlassian's OpenAPI specs:\n${problems.slice(0, 10).join('\n')}`);
};

export const startTestServer = async (options: StartLocalServerOptions = {}): Promise<TestServer> => {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'secure-share-test-')));
  const server = await startLocalServer({ port: 0, bcryptRounds: 4, seedDemo: false, ...options, dataDir });
  const invoke = async (key: string, payload: unknown, accountId?: string, extension?: unknown): Promise<InvokeResponse<never>> => {
    const response = await fetch(`${server.url}/api/invoke/${encodeURIComponent(key)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload, context: { ...(accountId !== undefined ? { accountId } : {}), extension } }),
    });
    return { status: response.status, body: (await response.json()) as ResolverResult<never> };
  };
  return {
    ...server,
    dataDir,
    invoke: invoke as TestServer['invoke'],
    call: (async (key: ResolverKey, payload: unknown, accountId?: string) => {
      const { body } = await invoke(key, payload, accountId);
      if (!body.ok) throw new Error(`${key} failed: ${body.error.code}: ${body.error.message}`);
      return body.data;
    }) as TestServer['call'],
    stop: async () => {
      await server.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
      assertWithinSpecs(server.app.confluence.stats);
    },
  };
};
