/**
 * Durable persistence for the local store: a snapshot file plus an append-only journal.
 *
 * - Every mutation appends one JSON line `{seq, c, k, v?}` (no `v` = delete) holding the full new value,
 *   so replay is idempotent. Lines are group-committed: one append + fdatasync per batch, and callers
 *   wait on `barrier()` before acknowledging, so an acknowledged write survives a crash.
 * - When the journal grows, the whole state is written to `store.json.tmp`, fsynced, renamed over
 *   `store.json` (atomic), then the journal is truncated. Records with seq <= snapshot.seq are skipped on
 *   replay, so a crash at any point of compaction loses nothing.
 * - A torn last line (crash mid-append, never acknowledged) is dropped. Any other unreadable content is
 *   reported with the file name and nothing is deleted or rewritten.
 */
import { mkdir, open, readFile, rename, rm, writeFile, chmod, type FileHandle } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export type Collections = Record<string, Record<string, unknown>>;

interface Snapshot {
  format: 1;
  seq: number;
  collections: Collections;
}

interface JournalRecord {
  seq: number;
  c: string;
  k: string;
  v?: unknown;
}

export class StoreFileCorruptError extends Error {
  readonly file: string;
  constructor(file: string, problem: string) {
    super(
      `Secure Share local store file ${file} is unreadable (${problem}). It was left untouched: ` +
        'restore it from a backup or move it away to start with an empty store.',
    );
    this.name = 'StoreFileCorruptError';
    this.file = file;
  }
}

export const STORE_FILE = 'store.json';
export const JOURNAL_FILE = 'journal.ndjson';
export const SECRETS_FILE = 'secrets.json';
const LOCK_FILE = 'store.lock';
const COMPACT_AFTER_RECORDS = 20_000;

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface LoadedState {
  collections: Collections;
  /** Journal records to apply over `collections`, in order. */
  records: Array<{ c: string; k: string; v?: unknown }>;
}

export class DurableJournal {
  private pending: string[] = [];
  private enqueuedSeq: number;
  private flushedSeq: number;
  private journalRecords: number;
  private waiters: Waiter[] = [];
  private running = false;
  private failure: unknown;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle,
    seq: number,
    journalRecords: number,
    private readonly dump: () => Collections,
    private readonly lockToken: string,
  ) {
    this.enqueuedSeq = seq;
    this.flushedSeq = seq;
    this.journalRecords = journalRecords;
  }

  /** Opens (creating if needed) the store directory; `dump` returns the full current state for compaction. */
  static async open(dir: string, dump: () => Collections): Promise<{ journal: DurableJournal; state: LoadedState }> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const lockToken = await acquireLock(dir);
    const snapshotPath = join(dir, STORE_FILE);
    const journalPath = join(dir, JOURNAL_FILE);
    await rm(`${snapshotPath}.tmp`, { force: true });

    let snapshot: Snapshot = { format: 1, seq: 0, collections: {} };
    if (existsSync(snapshotPath)) snapshot = parseSnapshot(snapshotPath, await readFile(snapshotPath, 'utf8'));

    const records: LoadedState['records'] = [];
    let seq = snapshot.seq;
    let journalRecords = 0;
    let goodLength = 0;
    let torn = false;
    if (existsSync(journalPath)) {
      const text = await readFile(journalPath, 'utf8');
      const lastNewline = text.lastIndexOf('\n');
      torn = lastNewline !== text.length - 1 && text.length > 0;
      const complete = text.slice(0, lastNewline + 1);
      goodLength = Buffer.byteLength(complete, 'utf8');
      const lines = complete.split('\n');
      lines.pop();
      lines.forEach((line, i) => {
        const record = parseRecord(journalPath, i + 1, line);
        journalRecords++;
        if (record.seq <= snapshot.seq) return;
        if (record.seq <= seq) throw new StoreFileCorruptError(journalPath, `line ${i + 1}: sequence ${record.seq} out of order`);
        seq = record.seq;
        records.push(record.v === undefined ? { c: record.c, k: record.k } : { c: record.c, k: record.k, v: record.v });
      });
    }
    const handle = await open(journalPath, 'a');
    if (torn) {
      await handle.truncate(goodLength);
      await handle.datasync();
    }
    const journal = new DurableJournal(dir, handle, seq, journalRecords, dump, lockToken);
    return { journal, state: { collections: snapshot.collections, records } };
  }

  /** Queues a write of the full new value of `c/k` (undefined = deleted). */
  append(c: string, k: string, v: unknown): void {
    if (this.closed) throw new Error('Local store is closed');
    const record: JournalRecord = v === undefined ? { seq: ++this.enqueuedSeq, c, k } : { seq: ++this.enqueuedSeq, c, k, v };
    this.pending.push(`${JSON.stringify(record)}\n`);
    if (!this.running) queueMicrotask(() => void this.run());
  }

  /** Resolves once everything appended so far is on disk. */
  barrier(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.flushedSeq >= this.enqueuedSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.enqueuedSeq, resolve, reject }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.barrier();
    this.closed = true;
    await this.handle.close();
    // Only release our own lock: a newer instance may have taken the directory over.
    const lockPath = join(this.dir, LOCK_FILE);
    if ((await readFile(lockPath, 'utf8').catch(() => '')) === this.lockToken) await rm(lockPath, { force: true });
  }

  private async run(): Promise<void> {
    if (this.running || this.failure !== undefined) return;
    this.running = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        const upTo = this.enqueuedSeq;
        this.pending = [];
        await this.handle.appendFile(batch.join(''), 'utf8');
        await this.handle.datasync();
        this.journalRecords += batch.length;
        this.flushedSeq = upTo;
        this.settleWaiters();
        if (this.journalRecords >= COMPACT_AFTER_RECORDS) await this.compact();
      }
    } catch (e) {
      this.failure = new Error(`Local store write failed; restart to recover from disk: ${(e as Error).message}`);
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
    } finally {
      this.running = false;
    }
  }

  private settleWaiters(): void {
    const ready = this.waiters.filter((w) => w.seq <= this.flushedSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.flushedSeq);
    for (const waiter of ready) waiter.resolve();
  }

  private async compact(): Promise<void> {
    const snapshot: Snapshot = { format: 1, seq: this.enqueuedSeq, collections: this.dump() };
    const target = join(this.dir, STORE_FILE);
    await writeDurably(target, JSON.stringify(snapshot), 0o600);
    await this.handle.truncate(0);
    await this.handle.datasync();
    this.journalRecords = 0;
  }
}

/** Writes `path` atomically: temp file, fsync, rename, fsync of the directory. */
export const writeDurably = async (path: string, content: string, mode: number): Promise<void> => {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(tmp, mode);
  await rename(tmp, path);
  await syncDirectory(path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))) || '.');
};

const syncDirectory = async (dir: string): Promise<void> => {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  }
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON.parse for the store's own files: bad JSON is a corrupt file (`where`, e.g. "line 3: ", leads the reason). */
export const parseStoreJson = (file: string, text: string, where = ''): unknown => {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StoreFileCorruptError(file, `${where}invalid JSON: ${(e as Error).message}`);
  }
};

const parseSnapshot = (file: string, text: string): Snapshot => {
  const parsed = parseStoreJson(file, text);
  if (!isRecord(parsed) || parsed.format !== 1 || !Number.isSafeInteger(parsed.seq) || !isRecord(parsed.collections)) {
    throw new StoreFileCorruptError(file, 'not a store snapshot (expected {format: 1, seq, collections})');
  }
  for (const [name, rows] of Object.entries(parsed.collections)) {
    if (!isRecord(rows)) throw new StoreFileCorruptError(file, `collection ${name} is not an object`);
  }
  return parsed as unknown as Snapshot;
};

const parseRecord = (file: string, lineNumber: number, line: string): JournalRecord => {
  const parsed = parseStoreJson(file, line, `line ${lineNumber}: `);
  if (!isRecord(parsed) || !Number.isSafeInteger(parsed.seq) || typeof parsed.c !== 'string' || typeof parsed.k !== 'string') {
    throw new StoreFileCorruptError(file, `line ${lineNumber}: not a journal record`);
  }
  return parsed as unknown as JournalRecord;
};

/** Lock file content is `<pid>:<random>`, so each instance can tell its own lock apart. */
const acquireLock = async (dir: string): Promise<string> => {
  const lockPath = join(dir, LOCK_FILE);
  const token = `${process.pid}:${randomBytes(8).toString('hex')}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, token, { flag: 'wx', mode: 0o600 });
      return token;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim().split(':')[0]);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(`Local store ${dir} is in use by process ${owner}; stop it first (or remove ${lockPath} if it is stale).`);
    }
    // Stale lock (dead process) or our own process reopening after a simulated crash: take it over.
    await rm(lockPath, { force: true });
  }
  throw new Error(`Could not lock local store ${dir}`);
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
