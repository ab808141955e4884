/**
 * The real @forge/kvs client (KvsImpl over StorageApi, v1.6.5) wired to a KvsEmulator instead of the
 * Forge runtime's `__forge_fetch__`: request bodies, response parsing, ForgeKvsAPIError and the
 * "KEY_NOT_FOUND → undefined" rule all come from the library itself.
 */
import type { Kvs } from '@forge/kvs/out/interfaces/kvs';
import { KvsImpl } from '@forge/kvs/out/kvs';
import { StorageApi } from '@forge/kvs/out/storage-api';
import type { KvsEmulator } from './kvs-emulator';

type ApiClient = ConstructorParameters<typeof StorageApi>[0];

/** A `kvs` object (same class as `import { kvs } from '@forge/kvs'`) whose requests the emulator serves. */
export const createEmulatedKvs = (emulator: KvsEmulator): Kvs => {
  const apiClient = ((path: string, init?: { body?: unknown }) => emulator.fetch(path, init)) as unknown as ApiClient;
  return new KvsImpl(new StorageApi(apiClient));
};

/**
 * For a Forge runtime simulation: answers `global.__forge_fetch__(route, path, init)` calls whose route is
 * `{ type: 'kvs' }` (how @forge/kvs reaches the service); returns undefined for any other route so the
 * caller can hand it on.
 */
export const kvsForgeFetch =
  (emulator: KvsEmulator) =>
  (route: { type?: string } | undefined, path: string, init?: { body?: unknown }): Promise<Response> | undefined =>
    route?.type === 'kvs' ? emulator.fetch(path, init) : undefined;
