/**
 * Kept for older imports: the KVS stand-in now lives in src/dev/kvs-emulator (the runtime simulation and
 * the bench use it too). `FakeKvs` is the real @forge/kvs client class over a strict KvsEmulator.
 */
import { KvsImpl } from '@forge/kvs/out/kvs';
import { StorageApi } from '@forge/kvs/out/storage-api';
import { KvsEmulator, type KvsEmulatorOptions, type KvsRequestRecord } from '../../src/dev/kvs-emulator';

export { KEY_PATTERN, KVS_ERROR, KVS_LIMITS, KvsEmulator, createEmulatedKvs } from '../../src/dev/kvs-emulator';

export interface FakeKvsOptions extends KvsEmulatorOptions {
  /** Older spelling of `indexLag: { ops: 0, ms }` (real-time index lag only). */
  indexLagMs?: number;
}

type ApiClient = ConstructorParameters<typeof StorageApi>[0];

export class FakeKvs extends KvsImpl {
  readonly emulator: KvsEmulator;

  constructor(options: FakeKvsOptions = {}) {
    const { indexLagMs, ...rest } = options;
    const emulator = new KvsEmulator({
      ...rest,
      ...(indexLagMs === undefined ? {} : { indexLag: { ops: Number.POSITIVE_INFINITY, ms: indexLagMs } }),
    });
    super(new StorageApi(((path: string, init?: { body?: unknown }) => emulator.fetch(path, init)) as unknown as ApiClient));
    this.emulator = emulator;
  }

  /** Every request, in order, with its status. */
  get calls(): KvsRequestRecord[] {
    return this.emulator.requests;
  }

  dump(): Record<string, Record<string, unknown>> {
    return this.emulator.dump();
  }

  collectExpired(): number {
    return this.emulator.collectExpired();
  }

  /** Makes every write so far visible to index queries. */
  settleIndexes(): Promise<void> {
    this.emulator.settleIndexes();
    return Promise.resolve();
  }
}
