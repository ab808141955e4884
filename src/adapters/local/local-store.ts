/**
 * The local Store: in-memory tables with sorted indexes, made durable (when `dir` is given) by a
 * snapshot + fsynced journal (see store-journal.ts). Every operation runs its read-check-write
 * synchronously on the event loop, so compare-and-set semantics are exact, then waits until its
 * mutation (and any earlier one it may have observed) is on disk before it answers.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../core/errors';
import type { AuditEntry, GlobalConfig, ShareLink, SiteSettings, SpaceConfig } from '../../core/model';
import type { PolicyRegistry } from '../../core/policy';
import type {
  AuditFilter,
  Clock,
  EphemeralRecord,
  LinkFilter,
  LinkStats,
  Page,
  PageRequest,
  Store,
  Subscription,
} from '../../app/ports';
import { SortedTable, type IndexSpec } from './store-table';
import {
  DurableJournal,
  isRecord,
  JOURNAL_FILE,
  parseStoreJson,
  SECRETS_FILE,
  STORE_FILE,
  StoreFileCorruptError,
  writeDurably,
  type Collections,
} from './store-journal';
import {
  auditMatches,
  checkFilterStrings,
  checkNextVersion,
  checkPage,
  chooseLinkIndex,
  decodeCursor,
  emptyStats,
  encodeCursor,
  expiresKeyOf,
  expiringBounds,
  linkMatches,
  padInstant,
  rangeKey,
  versionConflict,
} from './store-common';

export interface LocalStoreOptions {
  /** Directory for durable files; omit for a pure in-memory store (tests). */
  dir?: string;
  /** Time source for counter windows; defaults to the system clock. */
  clock?: Clock;
}

/** A Store that also owns files: `close()` flushes and releases the directory lock. */
export interface LocalStore extends Store {
  close(): Promise<void>;
}

interface CounterRow {
  key: string;
  count: number;
  expiresAt: number;
}

const ALL = '';
const partitionOf = (...parts: string[]): string => parts.join('\u0000');

const linkIndexes: Record<string, IndexSpec<ShareLink>> = {
  'by-created': { partition: () => ALL, range: (l) => rangeKey(l.createdAt, l.id) },
  'by-page': { partition: (l) => partitionOf(l.pageId), range: (l) => rangeKey(l.createdAt, l.id) },
  'by-space': { partition: (l) => partitionOf(l.spaceKey), range: (l) => rangeKey(l.createdAt, l.id) },
  'by-space-status': { partition: (l) => partitionOf(l.spaceKey, l.status), range: (l) => rangeKey(l.createdAt, l.id) },
  'by-creator': { partition: (l) => partitionOf(l.createdBy), range: (l) => rangeKey(l.createdAt, l.id) },
  'by-status': { partition: (l) => partitionOf(l.status), range: (l) => rangeKey(l.createdAt, l.id) },
  'by-status-expiry': { partition: (l) => partitionOf(l.status), range: (l) => expiresKeyOf(l) },
};

const auditIndexes: Record<string, IndexSpec<AuditEntry>> = {
  'by-time': { partition: () => ALL, range: (e) => rangeKey(e.at, e.id) },
  'by-link': { partition: (e) => e.linkId ?? undefined, range: (e) => rangeKey(e.at, e.id) },
  'by-space': { partition: (e) => e.spaceKey ?? undefined, range: (e) => rangeKey(e.at, e.id) },
};

const subscriptionIndexes: Record<string, IndexSpec<Subscription>> = {
  'by-created': { partition: () => ALL, range: (s) => rangeKey(s.createdAt, s.id) },
  'by-page': { partition: (s) => s.pageId, range: (s) => rangeKey(s.createdAt, s.id) },
  'by-link': { partition: (s) => s.linkId, range: (s) => rangeKey(s.createdAt, s.id) },
};

export const createLocalStore = async (options: LocalStoreOptions = {}): Promise<LocalStore> => {
  const clock = options.clock ?? { now: () => Date.now() };
  const tables = {
    links: new SortedTable<ShareLink>(linkIndexes),
    spaces: new SortedTable<SpaceConfig>({
      'by-space-key': { partition: () => ALL, range: (s) => s.spaceKey },
      'by-config': { partition: (s) => s.configId, range: (s) => s.spaceKey },
    }),
    settings: new SortedTable<GlobalConfig | SiteSettings | PolicyRegistry>({}),
    audit: new SortedTable<AuditEntry>(auditIndexes),
    subscriptions: new SortedTable<Subscription>(subscriptionIndexes),
    counters: new SortedTable<CounterRow>({
      'by-expiry': { partition: () => ALL, range: (c) => rangeKey(c.expiresAt, c.key) },
    }),
    ephemeral: new SortedTable<EphemeralRecord>({
      'by-record-key': { partition: () => ALL, range: (r) => r.key },
      'by-expiry': { partition: () => ALL, range: (r) => rangeKey(r.expiresAt, r.key) },
    }),
    stats: new SortedTable<LinkStats>({}),
  };
  type TableName = keyof typeof tables;
  const tableNames = Object.keys(tables) as TableName[];

  const dump = (): Collections => {
    const out: Collections = {};
    for (const name of tableNames) out[name] = Object.fromEntries(tables[name].entries());
    return out;
  };

  let journal: DurableJournal | undefined;
  let secrets = new Map<string, string>();
  const secretsPath = options.dir === undefined ? undefined : join(options.dir, SECRETS_FILE);
  if (options.dir !== undefined) {
    const opened = await DurableJournal.open(options.dir, dump);
    journal = opened.journal;
    const load = (file: string, name: string, key: string, value: unknown): void => {
      if (!(tableNames as string[]).includes(name)) return;
      const table = tables[name as TableName] as SortedTable<unknown>;
      try {
        if (value === undefined) table.delete(key);
        else if (typeof value !== 'object' || value === null) throw new Error('not an object');
        else table.set(key, value);
      } catch (e) {
        throw new StoreFileCorruptError(join(options.dir!, file), `${name}/${key}: ${(e as Error).message}`);
      }
    };
    try {
      for (const [name, rows] of Object.entries(opened.state.collections)) {
        for (const [key, value] of Object.entries(rows)) load(STORE_FILE, name, key, value);
      }
      for (const record of opened.state.records) load(JOURNAL_FILE, record.c, record.k, record.v);
      secrets = await loadSecrets(secretsPath!);
    } catch (error) {
      await journal.close();
      throw error;
    }
  }

  // Mutations go to memory at once and to the journal queue; `settled` waits for the disk.
  const write = <N extends TableName>(name: N, key: string, value: unknown): void => {
    const table = tables[name] as SortedTable<unknown>;
    const copy = structuredClone(value);
    table.set(key, copy);
    journal?.append(name, key, copy);
  };
  const remove = (name: TableName, key: string): boolean => {
    const existed = tables[name].delete(key);
    if (existed) journal?.append(name, key, undefined);
    return existed;
  };
  const settled = async <T>(result: T): Promise<T> => {
    await journal?.barrier();
    return result;
  };
  const read = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : structuredClone(value));

  /** A version-checked write of one settings record (global configuration, configurations, site settings). */
  const putSetting = (key: 'global' | 'registry' | 'site', what: string, next: GlobalConfig | PolicyRegistry | SiteSettings, expectedVersion: number) => {
    checkNextVersion(what, next.version, expectedVersion);
    if ((tables.settings.get(key)?.version ?? 0) !== expectedVersion) throw versionConflict(`The ${what.toLowerCase()}`);
    write('settings', key, next);
    return settled(undefined);
  };

  let secretWrites: Promise<void> = Promise.resolve();
  const persistSecrets = (): Promise<void> => {
    if (secretsPath === undefined) return Promise.resolve();
    const content = JSON.stringify(Object.fromEntries(secrets));
    secretWrites = secretWrites.catch(() => undefined).then(() => writeDurably(secretsPath, content, 0o600));
    return secretWrites;
  };

  /** Pages through one index partition with a predicate; cursor = last returned range value. */
  const pageOf = <T>(
    table: SortedTable<T>,
    index: string,
    partition: string,
    page: PageRequest,
    predicate: (value: T) => boolean,
    scan: { descending?: boolean; lowest?: string; highest?: string } = {},
  ): Page<T> => {
    checkPage(page);
    const after = decodeCursor(page.cursor);
    const items: T[] = [];
    let lastRange: string | undefined;
    let more = false;
    for (const { range, value } of table.scan(index, partition, { ...scan, ...(after === undefined ? {} : { after }) })) {
      if (!predicate(value)) continue;
      if (items.length === page.limit) {
        more = true;
        break;
      }
      items.push(structuredClone(value));
      lastRange = range;
    }
    return more && lastRange !== undefined ? { items, nextCursor: encodeCursor(lastRange) } : { items };
  };

  const liveEphemeral = (key: string, now: number): EphemeralRecord | undefined => {
    const record = tables.ephemeral.get(key);
    return record !== undefined && record.expiresAt > now ? record : undefined;
  };

  const store: LocalStore = {
    links: {
      async create(link) {
        if (tables.links.has(link.id)) throw new DomainError('already_exists', `Link ${link.id} already exists`);
        write('links', link.id, link);
        return settled(undefined);
      },
      async get(id) {
        return settled(read(tables.links.get(id)));
      },
      async update(next, expectedVersion) {
        checkNextVersion('Link', next.version, expectedVersion);
        const current = tables.links.get(next.id);
        if (current === undefined) throw new DomainError('not_found', `Link ${next.id} does not exist`);
        if (current.version !== expectedVersion) throw versionConflict('The link');
        write('links', next.id, next);
        return settled(undefined);
      },
      async delete(id) {
        remove('links', id);
        return settled(undefined);
      },
      async list(filter: LinkFilter, page) {
        checkFilterStrings(filter);
        const choice = chooseLinkIndex(filter);
        const partition = choice.index === 'by-created' ? ALL : partitionOf(...choice.partition);
        const scan = filter.expiring ? expiringBounds(filter.expiring) : {};
        return settled(pageOf(tables.links, choice.index, partition, page, (l) => linkMatches(l, filter), scan));
      },
    },

    configs: {
      async getGlobal() {
        return settled(read(tables.settings.get('global') as GlobalConfig | undefined));
      },
      async putGlobal(next, expectedVersion) {
        return putSetting('global', 'Global configuration', next, expectedVersion);
      },
      async getSpace(spaceKey) {
        return settled(read(tables.spaces.get(spaceKey)));
      },
      async putSpace(next, expectedVersion) {
        checkNextVersion('Space configuration', next.version, expectedVersion);
        if ((tables.spaces.get(next.spaceKey)?.version ?? 0) !== expectedVersion) {
          throw versionConflict(`The configuration of space ${next.spaceKey}`);
        }
        write('spaces', next.spaceKey, next);
        return settled(undefined);
      },
      async listSpaces(page) {
        return settled(pageOf(tables.spaces, 'by-space-key', ALL, page, () => true));
      },
      async listSpacesByConfig(configId, page) {
        return settled(pageOf(tables.spaces, 'by-config', configId, page, () => true));
      },
      async deleteSpace(spaceKey) {
        remove('spaces', spaceKey);
        return settled(undefined);
      },
      async getRegistry() {
        return settled(read(tables.settings.get('registry') as PolicyRegistry | undefined));
      },
      async putRegistry(next, expectedVersion) {
        return putSetting('registry', 'Configurations', next, expectedVersion);
      },
      async getSite() {
        return settled(read(tables.settings.get('site') as SiteSettings | undefined));
      },
      async putSite(next, expectedVersion) {
        return putSetting('site', 'Site settings', next, expectedVersion);
      },
    },

    counters: {
      async increment(key, expiresAt) {
        padInstant(expiresAt);
        const current = tables.counters.get(key);
        const next: CounterRow =
          current !== undefined && current.expiresAt > clock.now()
            ? { ...current, count: current.count + 1 }
            : { key, count: 1, expiresAt };
        write('counters', key, next);
        return settled(next.count);
      },
      async get(key) {
        const current = tables.counters.get(key);
        return settled(current !== undefined && current.expiresAt > clock.now() ? current.count : 0);
      },
      async reset(key) {
        remove('counters', key);
        return settled(undefined);
      },
      async purgeExpired(now) {
        const expired: string[] = [];
        for (const { value } of tables.counters.scan('by-expiry', ALL, { highest: padInstant(now) })) {
          if (value.expiresAt < now) expired.push(value.key);
        }
        for (const key of expired) remove('counters', key);
        return settled(expired.length);
      },
    },

    ephemeral: {
      async putIfAbsent(record) {
        padInstant(record.expiresAt);
        if (liveEphemeral(record.key, clock.now()) !== undefined) {
          throw new DomainError('already_exists', `A live record already exists for ${record.key}`);
        }
        write('ephemeral', record.key, record);
        return settled(undefined);
      },
      async put(record) {
        padInstant(record.expiresAt);
        write('ephemeral', record.key, record);
        return settled(undefined);
      },
      async get(key, now) {
        return settled(read(liveEphemeral(key, now)));
      },
      async take(key, now) {
        const record = liveEphemeral(key, now);
        if (record !== undefined) remove('ephemeral', key);
        return settled(record);
      },
      async delete(key) {
        remove('ephemeral', key);
        return settled(undefined);
      },
      async listByPrefix(prefix, page) {
        const now = clock.now();
        return settled(
          pageOf(tables.ephemeral, 'by-record-key', ALL, page, (r) => r.expiresAt > now, {
            lowest: prefix,
            highest: `${prefix}\uffff`,
          }),
        );
      },
      async purgeExpired(now) {
        const expired: string[] = [];
        for (const { value } of tables.ephemeral.scan('by-expiry', ALL, { highest: padInstant(now) })) {
          if (value.expiresAt <= now) expired.push(value.key);
        }
        for (const key of expired) remove('ephemeral', key);
        return settled(expired.length);
      },
    },

    audit: {
      async append(entry) {
        padInstant(entry.at);
        if (tables.audit.has(entry.id)) throw new DomainError('already_exists', `Audit entry ${entry.id} already exists`);
        write('audit', entry.id, entry);
        return settled(undefined);
      },
      async list(filter: AuditFilter, page) {
        checkFilterStrings(filter);
        const [index, partition] =
          filter.linkId !== undefined
            ? ['by-link', filter.linkId]
            : filter.spaceKey !== undefined
              ? ['by-space', filter.spaceKey]
              : ['by-time', ALL];
        return settled(
          pageOf(tables.audit, index, partition, page, (e) => auditMatches(e, filter), {
            descending: true,
            ...(filter.since === undefined ? {} : { lowest: padInstant(filter.since) }),
            ...(filter.until === undefined ? {} : { highest: `${padInstant(filter.until)};` }),
          }),
        );
      },
      async purgeOlderThan(cutoff) {
        const old: string[] = [];
        for (const { value } of tables.audit.scan('by-time', ALL, { highest: padInstant(cutoff) })) {
          if (value.at < cutoff) old.push(value.id);
        }
        for (const id of old) remove('audit', id);
        return settled(old.length);
      },
    },

    subscriptions: {
      async put(sub) {
        padInstant(sub.createdAt);
        write('subscriptions', sub.id, sub);
        return settled(undefined);
      },
      async get(id) {
        return settled(read(tables.subscriptions.get(id)));
      },
      async delete(id) {
        remove('subscriptions', id);
        return settled(undefined);
      },
      async listByPage(pageId, page) {
        return settled(pageOf(tables.subscriptions, 'by-page', pageId, page, () => true));
      },
      async listByLink(linkId, page) {
        return settled(pageOf(tables.subscriptions, 'by-link', linkId, page, () => true));
      },
    },

    stats: {
      async recordView(linkId, at) {
        padInstant(at);
        const current = tables.stats.get(linkId) ?? emptyStats(linkId);
        write('stats', linkId, {
          linkId,
          views: current.views + 1,
          lastOpenedAt: current.lastOpenedAt === null ? at : Math.max(current.lastOpenedAt, at),
        });
        return settled(undefined);
      },
      async get(linkId) {
        return settled(read(tables.stats.get(linkId)) ?? emptyStats(linkId));
      },
      async getMany(linkIds) {
        return settled(linkIds.map((id) => read(tables.stats.get(id)) ?? emptyStats(id)));
      },
    },

    secrets: {
      async get(name) {
        await secretWrites.catch(() => undefined);
        return secrets.get(name);
      },
      async set(name, value) {
        if (name.length === 0) throw new DomainError('invalid_input', 'Secret name must not be empty');
        secrets.set(name, value);
        await persistSecrets();
      },
      async createIfAbsent(name, value) {
        if (name.length === 0) throw new DomainError('invalid_input', 'Secret name must not be empty');
        await secretWrites.catch(() => undefined);
        if (secrets.has(name)) return false;
        secrets.set(name, value);
        await persistSecrets();
        return true;
      },
      async delete(name) {
        if (secrets.delete(name)) await persistSecrets();
      },
    },

    async clearAll() {
      for (const name of tableNames) {
        for (const key of [...tables[name].keys()]) remove(name, key);
      }
      const hadSecrets = secrets.size > 0;
      secrets.clear();
      if (hadSecrets) await persistSecrets();
      return settled({ complete: true });
    },

    async close() {
      await secretWrites.catch(() => undefined);
      await journal?.close();
    },
  };
  return store;
};

const loadSecrets = async (path: string): Promise<Map<string, string>> => {
  if (!existsSync(path)) return new Map();
  const text = await readFile(path, 'utf8');
  const parsed = parseStoreJson(path, text);
  if (!isRecord(parsed)) {
    throw new StoreFileCorruptError(path, 'expected an object of secret names to values');
  }
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new StoreFileCorruptError(path, `secret ${name} is not a string`);
    map.set(name, value);
  }
  return map;
};
