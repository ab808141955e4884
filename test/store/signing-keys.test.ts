import { describe, expect, it } from 'vitest';
import { createKvsStore } from '../../src/adapters/forge/kvs-store';
import { createEmulatedKvs, KvsEmulator } from '../../src/dev/kvs-emulator';
import { loadSessionKey, SESSION_KEY_SECRET } from '../../src/web/session';
import { ManualClock } from './store-fixtures';

describe('the session signing key over Forge KVS', () => {
  it('is created once: ten first requests racing all get the one stored key', async () => {
    const emulator = new KvsEmulator({ maxHops: 6 });
    const store = createKvsStore(createEmulatedKvs(emulator), { clock: new ManualClock(), retry: { baseDelayMs: 1 } });
    let n = 0;
    const keys = await Promise.all(Array.from({ length: 10 }, () => loadSessionKey(store.secrets, (size) => new Uint8Array(size).fill(++n))));
    const distinct = new Set(keys.map((k) => k.toString('base64url')));
    expect(distinct.size).toBe(1);
    expect(emulator.dump()['secret']).toEqual({ [SESSION_KEY_SECRET]: [...distinct][0] });
    expect(emulator.requests.filter((r) => r.op === 'setSecret' && r.status === 409).length).toBeGreaterThan(0);
  });
});
