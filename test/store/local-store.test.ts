import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile, appendFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore, type LocalStore } from '../../src/adapters/local/local-store';
import { StoreFileCorruptError } from '../../src/adapters/local/store-journal';
import { runStoreContract } from './store-contract';
import { ManualClock, T0, makeGlobal, makeLink, makeSpace } from './store-fixtures';

const dirs: string[] = [];
const opened: LocalStore[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'secure-share-store-'));
  dirs.push(dir);
  return dir;
};
const open = async (dir: string, clock = new ManualClock()): Promise<LocalStore> => {
  const store = await createLocalStore({ dir, clock });
  opened.push(store);
  return store;
};

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

runStoreContract('local, in memory', async ({ clock }) => createLocalStore({ clock }));
runStoreContract('local, durable on a temp dir', async ({ clock }) => open(await tempDir(), clock));

describe('local store durability', () => {
  it('keeps everything across a clean restart', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    const link = makeLink();
    await first.links.create(link);
    await first.links.update({ ...link, name: 'renamed', version: 2 }, 1);
    await first.configs.putGlobal(makeGlobal(1), 0);
    await first.configs.putSpace(makeSpace('DEMO', 1), 0);
    await first.counters.increment('pw:x', T0 + 60_000);
    await first.ephemeral.put({ key: 'otp:1', value: { h: 'x' }, expiresAt: T0 + 60_000 });
    await first.secrets.set('hmac', 'secret-value');
    const gone = makeLink();
    await first.links.create(gone);
    await first.links.delete(gone.id);
    await first.close();

    const second = await open(dir);
    expect(await second.links.get(link.id)).toEqual({ ...link, name: 'renamed', version: 2 });
    expect(await second.links.get(gone.id)).toBeUndefined();
    expect((await second.links.list({}, { limit: 10 })).items.map((l) => l.id)).toEqual([link.id]);
    expect(await second.configs.getGlobal()).toEqual(makeGlobal(1));
    expect(await second.configs.getSpace('DEMO')).toEqual(makeSpace('DEMO', 1));
    expect(await second.counters.get('pw:x')).toBe(1);
    expect(await second.ephemeral.take('otp:1', T0)).toBeDefined();
    expect(await second.secrets.get('hmac')).toBe('secret-value');
    await expectVersionConflictAfterRestart(second, link.id);
  });

  it('keeps acknowledged writes when the process dies without closing (no flush on exit)', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    const links = Array.from({ length: 40 }, (_, i) => makeLink({ createdAt: T0 + i }));
    await Promise.all(links.map((l) => first.links.create(l)));
    // No close(): simulate a crash by opening the same directory again.
    const second = await open(dir);
    const all = await second.links.list({}, { limit: 100 });
    expect(all.items.map((l) => l.id)).toEqual(links.map((l) => l.id));
  });

  it('ignores a torn last journal line (a write that was never acknowledged)', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    const link = makeLink();
    await first.links.create(link);
    await first.close();
    await appendFile(join(dir, 'journal.ndjson'), '{"seq":99,"c":"links","k":"half-writ');
    const second = await open(dir);
    expect(await second.links.get(link.id)).toEqual(link);
    const other = makeLink();
    await second.links.create(other);
    await second.close();
    const third = await open(dir);
    expect(await third.links.get(other.id)).toEqual(other);
  });

  it('refuses a corrupt journal with an error naming the file, and leaves it untouched', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    await first.links.create(makeLink());
    await first.close();
    const journal = join(dir, 'journal.ndjson');
    const original = await readFile(journal, 'utf8');
    await writeFile(journal, `garbage line\n${original}`);
    const error = await createLocalStore({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFileCorruptError);
    expect((error as Error).message).toContain(journal);
    expect((error as Error).message).toContain('line 1');
    expect(await readFile(journal, 'utf8')).toBe(`garbage line\n${original}`);
  });

  it('refuses a corrupt snapshot or secrets file with an error naming it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'store.json'), '{"format":1,"seq":3,"collections":');
    const error = await createLocalStore({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFileCorruptError);
    expect((error as Error).message).toContain(join(dir, 'store.json'));

    const dir3 = await tempDir();
    await writeFile(join(dir3, 'store.json'), JSON.stringify({ format: 1, seq: 1, collections: { links: { L1: { id: 'L1', createdAt: 'yesterday' } } } }));
    const error3 = await createLocalStore({ dir: dir3 }).catch((e: unknown) => e);
    expect(error3).toBeInstanceOf(StoreFileCorruptError);
    expect((error3 as Error).message).toContain(join(dir3, 'store.json'));
    expect((error3 as Error).message).toContain('links/L1');

    const dir2 = await tempDir();
    await writeFile(join(dir2, 'secrets.json'), '[1,2]');
    const error2 = await createLocalStore({ dir: dir2 }).catch((e: unknown) => e);
    expect((error2 as Error).message).toContain(join(dir2, 'secrets.json'));
  });

  it('writes secrets to a separate 0600 file and never into the store files', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    await store.secrets.set('hmac', 'TOP-SECRET-VALUE');
    await store.links.create(makeLink());
    await store.close();
    const mode = (await stat(join(dir, 'secrets.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
    for (const file of await readdir(dir)) {
      if (file === 'secrets.json') continue;
      expect(await readFile(join(dir, file), 'utf8')).not.toContain('TOP-SECRET-VALUE');
    }
  });

  it('compacts the journal into the snapshot and still recovers everything', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    const key = 'hot-counter';
    // 20k journal records trigger compaction.
    for (let i = 0; i < 21_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, () => store.counters.increment(key, T0 + 3_600_000)));
    }
    expect(await store.counters.get(key)).toBe(21_000);
    const snapshot = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8')) as { seq: number };
    expect(snapshot.seq).toBeGreaterThanOrEqual(20_000);
    const journalLines = (await readFile(join(dir, 'journal.ndjson'), 'utf8')).split('\n').length;
    expect(journalLines).toBeLessThan(5_000);
    const reopened = await open(dir);
    expect(await reopened.counters.get(key)).toBe(21_000);
  });

  it('recovers from a crash between snapshot rename and journal truncation (replayed records are skipped)', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    const link = makeLink();
    await first.links.create(link);
    await first.links.update({ ...link, name: 'v2', version: 2 }, 1);
    await first.close();
    // Snapshot already holds seq 1..2 (v2); the journal still holds only seq 1 (v1): replaying it would regress.
    const journal = join(dir, 'journal.ndjson');
    const firstLine = (await readFile(journal, 'utf8')).split('\n')[0]!;
    await writeFile(journal, `${firstLine}\n`);
    await writeFile(join(dir, 'store.json'), JSON.stringify({ format: 1, seq: 2, collections: { links: { [link.id]: { ...link, name: 'v2', version: 2 } } } }));
    await writeFile(join(dir, 'store.json.tmp'), '{"half":');
    const second = await open(dir);
    expect(await second.links.get(link.id)).toMatchObject({ name: 'v2', version: 2 });
    expect((await readdir(dir)).includes('store.json.tmp')).toBe(false);
    await second.links.update({ ...link, name: 'v3', version: 3 }, 2);
    await second.close();
    const third = await open(dir);
    expect(await third.links.get(link.id)).toMatchObject({ name: 'v3', version: 3 });
  });

  it('serves many concurrent writers and readers consistently while persisting', async () => {
    const dir = await tempDir();
    const store = await open(dir);
    const link = makeLink();
    await store.links.create(link);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => store.links.update({ ...link, name: `w${i}`, version: 2 }, 1)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = (await store.links.get(link.id))!.name;
    await store.close();
    const reopened = await open(dir);
    expect((await reopened.links.get(link.id))!.name).toBe(winner);
  });

  it('refuses a directory locked by another live process', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'store.lock'), String(process.ppid));
    await expect(createLocalStore({ dir })).rejects.toThrow(/in use by process/);
    await writeFile(join(dir, 'store.lock'), '999999999');
    const store = await open(dir);
    expect(await store.configs.getGlobal()).toBeUndefined();
  });
});

const expectVersionConflictAfterRestart = async (store: LocalStore, id: string): Promise<void> => {
  const current = (await store.links.get(id))!;
  await expect(store.links.update({ ...current, version: 2 }, 1)).rejects.toMatchObject({ code: 'version_conflict' });
};
