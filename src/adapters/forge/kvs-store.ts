/**
 * Store over Forge KVS custom entities (@forge/kvs 1.6.5; entity layout in kvs-entities.ts).
 *
 * Consistency rules this adapter relies on (Forge docs, storage-reference/kvs §Data consistency):
 * - `get` by key is strongly consistent; index queries are EVENTUALLY consistent. So every decision
 *   that matters (version checks, counters, single-use takes, purges) re-reads by key and writes with a
 *   transaction condition; list results may lag a just-made write by a moment and are for display only.
 * - Writes are last-write-wins unless conditioned: creates use `keyPolicy: 'FAIL_IF_EXISTS'`, updates use
 *   `transact().set(key, value, { entityName, conditions })` on a `version`/`rev` attribute, retried
 *   with backoff where the operation must eventually succeed (counters, stats).
 * - Platform TTL only garbage-collects (up to 48 h late): expiry is always checked against the record.
 * - Platform query cursors must not be persisted, so our cursors are the last range value seen
 *   (`<15-digit ms>:<id>`), and each page re-queries with a range condition after it.
 *
 * Conflict errors: FAIL_IF_EXISTS answers 409 KEY_CONFLICT; a failed transaction condition is treated as
 * a conflict when the API answers 409 or a code naming a conflict/condition (verify on a real site).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions } from '@forge/kvs';
import type { Kvs } from '@forge/kvs/out/interfaces/kvs';
import type { EntityWhereClauses } from '@forge/kvs/out/interfaces/entity-query';
import type { PolicySetOptions, SetOptions } from '@forge/kvs';
import { DomainError } from '../../core/errors';
import type { AuditEntry, GlobalConfig, ShareLink, SiteSettings, SpaceConfig } from '../../core/model';
import type { PolicyRegistry } from '../../core/policy';
import type { Clock, EphemeralRecord, LinkStats, Page, PageRequest, Store, Subscription } from '../../app/ports';
import { ENTITY } from './kvs-entities';
import { isThrottled, withRateLimitRetry, type RateLimitRetryOptions } from './kvs-rate-limit';
import {
  MAX_CAS_ATTEMPTS,
  auditMatches,
  backoff,
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
} from '../local/store-common';

/** The part of `kvs` from '@forge/kvs' this adapter uses (the real object satisfies it). */
export type KvsClient = Pick<Kvs, 'entity' | 'transact' | 'getSecret' | 'setSecret' | 'deleteSecret'>;

export interface KvsStoreOptions {
  /** Time source for counter windows and TTL hints; defaults to the system clock. */
  clock?: Clock;
  /** Back-off of throttled (429) requests; see kvs-rate-limit.ts. */
  retry?: RateLimitRetryOptions;
  /** Pause between the confirming passes of clearAll, for index lag to pass (default 250 ms). */
  consistencyDelayMs?: number;
}

const DEFAULT_CONSISTENCY_DELAY_MS = 250;
/** View events are folded into the total once this old: far beyond any index lag, so none is skipped. */
const FOLD_AFTER_MS = 60_000;
/** A fold is one transaction: the total plus at most 24 event deletes (25 operations). */
const MAX_FOLD_OPS = 24;
/** Fold transactions per stats read at most. */
const MAX_FOLDS_PER_READ = 8;
/** Pending view events read per stats read (the rest are counted on later reads, as folds catch up). */
const MAX_VIEW_EVENT_PAGES = 20;
/** clearAll is complete when two passes in a row see no entry in any index. */
const QUIET_PASSES_TO_FINISH = 2;
/** Writers that never stop (visitors, the sweep) cannot keep a reset going for ever. */
const MAX_CLEAR_PASSES = 12;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------ entity values

interface LinkValue {
  pageId: string;
  spaceKey: string;
  status: string;
  createdBy: string;
  createdKey: string;
  /** `<15-digit expiresAt>:<id>`, or `never:<id>` (index by-status-expiry). */
  expiresKey: string;
  version: number;
  doc: ShareLink;
}
interface VersionedValue<T> {
  version: number;
  doc: T;
}
interface SpaceValue extends VersionedValue<SpaceConfig> {
  spaceKey: string;
  /** Index by-config; absent when no configuration is assigned. */
  configId?: string;
}
interface AuditValue {
  atKey: string;
  linkId?: string;
  spaceKey?: string;
  action: string;
  doc: AuditEntry;
}
interface SubscriptionValue {
  pageId: string;
  linkId: string;
  createdKey: string;
  doc: Subscription;
}
interface CounterDoc {
  key: string;
  count: number;
  expiresAt: number;
}
interface CounterValue {
  rev: number;
  expiresKey: string;
  doc: CounterDoc;
}
interface EphemeralValue {
  recordKey: string;
  rev: number;
  consumed: boolean;
  expiresKey: string;
  doc: EphemeralRecord;
}
interface StatsValue {
  linkId: string;
  rev: number;
  /** The folded total; `foldedThrough`: the atKey of the last view event folded into it. */
  doc: LinkStats & { foldedThrough?: string };
}
interface ViewEventValue {
  linkId: string;
  /** `<15-digit epoch ms>:<random hex>`: unique, in time order. */
  atKey: string;
}
interface SecretRefValue {
  name: string;
}

// ------------------------------------------------------------------------------------------- keys

const SAFE_KEY_CHAR = /^[A-Za-z0-9_:-]$/;
const MAX_KEY_LENGTH = 500;

/**
 * Maps any string to a valid KVS key (`^[a-zA-Z0-9:._\s-#]+$`, ≤ 500): safe characters stay, every other
 * UTF-8 byte becomes `.XX` (uppercase hex); over-long results become `h.<sha256 lowercase hex>`.
 * Injective, so distinct names never share a key.
 */
export const toKvsKey = (name: string): string => {
  if (name.length === 0) throw new DomainError('invalid_input', 'Storage keys must not be empty');
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 128 && SAFE_KEY_CHAR.test(ch) ? ch : `.${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.length <= MAX_KEY_LENGTH ? out : `h.${createHash('sha256').update(name, 'utf8').digest('hex')}`;
};

interface CreateOnlyEntity<T> {
  set(key: string, value: T, options: PolicySetOptions): Promise<void>;
}

const GLOBAL_KEY = 'global';
const SITE_KEY = 'site';
const REGISTRY_KEY = 'registry';
const MAX_SCANS_PER_PAGE = 8;
const QUERY_LIMIT = 100;
/** Parallel single-key requests (batch calls are avoided: the docs cap them at 45 per minute). */
const WRITE_CONCURRENCY = 10;
const READ_CONCURRENCY = 25;
/** Index range values are limited to 900 bytes (limits-kvs-ce); ours carry a 17-byte prefix at most. */
const MAX_RANGE_VALUE_BYTES = 850;

const isConflict = (e: unknown): boolean =>
  e instanceof ForgeKvsAPIError &&
  (e.responseDetails?.status === 409 || /CONFLICT|CONDITION|ALREADY_EXISTS|KEY_EXISTS/i.test(e.code ?? ''));

const newRev = (previous?: number): number => {
  for (;;) {
    const rev = randomInt(1, 2 ** 31 - 1);
    if (rev !== previous) return rev;
  }
};

const equals = <T>(attribute: keyof T & string, value: number | string | boolean) =>
  new Filter<T>().and(attribute, FilterConditions.equalTo(value));

/** TTL hint so the platform eventually deletes a short-lived record (correctness never depends on it). */
const ttlUntil = (expiresAt: number, now: number): SetOptions => {
  const seconds = Math.ceil((expiresAt - now) / 1000) + 86_400;
  return { ttl: { value: Math.min(Math.max(seconds, 3600), 364 * 86_400), unit: 'SECONDS' } };
};

const checkRangeValue = (what: string, value: string): void => {
  if (Buffer.byteLength(value, 'utf8') > MAX_RANGE_VALUE_BYTES) {
    throw new DomainError('invalid_input', `${what} is too long to store (max ${MAX_RANGE_VALUE_BYTES} bytes)`);
  }
};

const inChunks = async <T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> => {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
};

export const createKvsStore = (client: KvsClient, options: KvsStoreOptions = {}): Store => {
  const clock = options.clock ?? { now: () => Date.now() };
  const kvs = withRateLimitRetry(client, options.retry);
  const consistencyDelayMs = options.consistencyDelayMs ?? DEFAULT_CONSISTENCY_DELAY_MS;
  const links = kvs.entity<LinkValue>(ENTITY.link);
  const spaces = kvs.entity<SpaceValue>(ENTITY.spaceConfig);
  const settings = kvs.entity<VersionedValue<GlobalConfig | SiteSettings | PolicyRegistry>>(ENTITY.appSetting);
  const audit = kvs.entity<AuditValue>(ENTITY.audit);
  const subscriptions = kvs.entity<SubscriptionValue>(ENTITY.subscription);
  const counters = kvs.entity<CounterValue>(ENTITY.counter);
  const ephemeral = kvs.entity<EphemeralValue>(ENTITY.ephemeral);
  const stats = kvs.entity<StatsValue>(ENTITY.stats);
  const secretRefs = kvs.entity<SecretRefValue>(ENTITY.secretRef);
  const viewEvents = kvs.entity<ViewEventValue>(ENTITY.viewEvent);

  /** Conditional set: true if it was written, false if the condition failed. */
  const setIf = async <T>(entityName: string, key: string, value: T, conditions: ReturnType<typeof equals<T>>, setOptions?: SetOptions) => {
    try {
      await kvs.transact().set<T>(key, value, { entityName, conditions }, setOptions).execute();
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  };
  const deleteIf = async <T>(entityName: string, key: string, conditions: ReturnType<typeof equals<T>>) => {
    try {
      await kvs.transact().delete<T>(key, { entityName, conditions }).execute();
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  };
  /** Create-only set: true if created, false if the key exists. */
  const createOnly = async <T>(entity: CreateOnlyEntity<T>, key: string, value: T, setOptions?: SetOptions) => {
    try {
      await entity.set(key, value, { keyPolicy: 'FAIL_IF_EXISTS', ...(setOptions?.ttl ? { ttl: setOptions.ttl } : {}) });
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  };

  /**
   * Pages through an index with our own cursor (last range value). Items failing `keep` are skipped;
   * a page may come back short (with a cursor) when a sparse filter exhausts the scan budget.
   */
  const scanPage = async <V, D>(args: {
    entityName: string;
    index: string;
    partition?: string[];
    descending?: boolean;
    page: PageRequest;
    /** Range condition for the query given the exclusive position `after`. */
    where: (after: string | undefined) => EntityWhereClauses | undefined;
    rangeOf: (value: V) => string;
    docOf: (value: V) => D;
    keep: (value: V) => boolean;
    /** True when `keep` filters nothing the index did not already: fetch exactly what is needed. */
    exact: boolean;
  }): Promise<Page<D>> => {
    checkPage(args.page);
    let after = decodeCursor(args.page.cursor);
    const items: D[] = [];
    let lastReturned: string | undefined;
    for (let scan = 0; scan < MAX_SCANS_PER_PAGE; scan++) {
      const batch = args.exact ? Math.min(QUERY_LIMIT, args.page.limit - items.length + 1) : QUERY_LIMIT;
      let query = kvs
        .entity<V>(args.entityName)
        .query()
        .index(args.index, args.partition ? { partition: args.partition } : undefined);
      const where = args.where(after);
      if (where) query = query.where(where);
      const result = await query.sort(args.descending ? Sort.DESC : Sort.ASC).limit(batch).getMany();
      for (const { value } of result.results) {
        const range = args.rangeOf(value);
        if (range === after) continue;
        if (args.keep(value)) {
          if (items.length === args.page.limit) return { items, nextCursor: encodeCursor(lastReturned!) };
          items.push(args.docOf(value));
          lastReturned = range;
        }
        after = range;
      }
      if (result.nextCursor === undefined) return { items };
      // A full page and the index says there is more: one query per page, never a second one to peek.
      if (items.length === args.page.limit) return { items, nextCursor: encodeCursor(lastReturned!) };
    }
    return after === undefined ? { items } : { items, nextCursor: encodeCursor(after) };
  };

  /**
   * Visits every item of an index (optionally below `before`), page by page, with our own cursor.
   * Returns how many index entries it visited (stale ones included), or undefined when `stop` said to
   * stop before the end.
   */
  const forEachIn = async <V>(
    entityName: string,
    index: string,
    rangeOf: (value: V) => string,
    visit: (key: string, value: V) => Promise<void>,
    before?: string,
    stop: () => boolean = () => false,
  ): Promise<number | undefined> => {
    let after: string | undefined;
    let visited = 0;
    for (;;) {
      if (stop()) return undefined;
      let query = kvs.entity<V>(entityName).query().index(index);
      const where =
        after !== undefined && before !== undefined
          ? WhereConditions.between(after, before)
          : after !== undefined
            ? WhereConditions.greaterThan(after)
            : before !== undefined
              ? WhereConditions.lessThan(before)
              : undefined;
      if (where) query = query.where(where);
      const result = await query.sort(Sort.ASC).limit(QUERY_LIMIT).getMany();
      const fresh = result.results.filter((r) => rangeOf(r.value) !== after && (before === undefined || rangeOf(r.value) < before));
      await inChunks(fresh, WRITE_CONCURRENCY, (r) => visit(r.key, r.value));
      visited += fresh.length;
      const last = result.results.at(-1);
      if (result.nextCursor === undefined || last === undefined) return visited;
      after = rangeOf(last.value);
    }
  };

  const linkValue = (link: ShareLink): LinkValue => ({
    pageId: link.pageId,
    spaceKey: link.spaceKey,
    status: link.status,
    createdBy: link.createdBy,
    createdKey: rangeKey(link.createdAt, link.id),
    expiresKey: expiresKeyOf(link),
    version: link.version,
    doc: link,
  });

  const putVersioned = async <V extends { version: number }>(
    what: string,
    entityName: string,
    entity: CreateOnlyEntity<V>,
    key: string,
    value: V,
    expectedVersion: number,
  ): Promise<void> => {
    checkNextVersion(what, value.version, expectedVersion);
    const written =
      expectedVersion === 0
        ? await createOnly(entity, key, value)
        : await setIf(entityName, key, value, equals<V>('version', expectedVersion));
    if (!written) throw versionConflict(`The ${what.toLowerCase()}`);
  };

  const counterLive = (value: CounterValue | undefined, now: number): value is CounterValue =>
    value !== undefined && value.doc.expiresAt > now;
  const ephemeralLive = (value: EphemeralValue | undefined, now: number): boolean =>
    value !== undefined && !value.consumed && value.doc.expiresAt > now;
  const ephemeralValue = (record: EphemeralRecord, rev: number): EphemeralValue => {
    checkRangeValue('Record key', record.key);
    return {
      recordKey: record.key,
      rev,
      consumed: false,
      expiresKey: `${padInstant(record.expiresAt)}:${toKvsKey(record.key)}`,
      doc: record,
    };
  };

  /**
   * Views = the folded total + the view events after its watermark (`foldedThrough`, an atKey). Events
   * older than FOLD_AFTER_MS are folded into the total, a transaction at a time: conditional on the total's
   * rev (so two readers never fold the same events twice) and deleting the folded events. Folded events
   * the lagging index still shows sit at or below the watermark and are never counted again.
   */
  const readStats = async (linkId: string): Promise<LinkStats> => {
    const first = await readAndFold(linkId);
    // A backlog (a popular link nobody looked at) is folded a few transactions per read.
    for (let fold = 1, more = first.more; more && fold < MAX_FOLDS_PER_READ; fold++) more = (await readAndFold(linkId)).more;
    return first.view;
  };

  const readAndFold = async (linkId: string): Promise<{ view: LinkStats; more: boolean }> => {
    const key = toKvsKey(linkId);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current = await stats.get(key);
      const total = current?.doc ?? { ...emptyStats(linkId), foldedThrough: '' };
      const watermark = total.foldedThrough ?? '';
      const pending: Array<{ key: string; atKey: string }> = [];
      let after = watermark;
      for (let page = 0; page < MAX_VIEW_EVENT_PAGES; page++) {
        let query = viewEvents.query().index('by-link', { partition: [linkId] });
        if (after !== '') query = query.where(WhereConditions.greaterThan(after));
        const result = await query.sort(Sort.ASC).limit(QUERY_LIMIT).getMany();
        for (const r of result.results) if (r.value.atKey > after) pending.push({ key: r.key, atKey: r.value.atKey });
        const last = result.results.at(-1);
        if (result.nextCursor === undefined || last === undefined) break;
        after = last.value.atKey;
      }
      const atOf = (atKey: string) => Number(atKey.slice(0, 15));
      const latest = pending.reduce<number | null>((max, e) => (max === null ? atOf(e.atKey) : Math.max(max, atOf(e.atKey))), total.lastOpenedAt);
      const view: LinkStats = { linkId, views: total.views + pending.length, lastOpenedAt: latest };
      const horizon = padInstant(Math.max(0, clock.now() - FOLD_AFTER_MS));
      const old = pending.filter((e) => e.atKey < horizon);
      const foldable = old.slice(0, MAX_FOLD_OPS);
      if (foldable.length === 0) return { view, more: false };
      const foldedAt = foldable.reduce<number | null>((max, e) => (max === null ? atOf(e.atKey) : Math.max(max, atOf(e.atKey))), total.lastOpenedAt);
      const next: StatsValue = {
        linkId,
        rev: newRev(current?.rev),
        doc: { linkId, views: total.views + foldable.length, lastOpenedAt: foldedAt, foldedThrough: foldable.at(-1)!.atKey },
      };
      try {
        const transaction = kvs.transact();
        if (current === undefined) transaction.set(key, next, { entityName: ENTITY.stats, conditions: new Filter<StatsValue>().and('rev', FilterConditions.notExists()) });
        else transaction.set(key, next, { entityName: ENTITY.stats, conditions: equals<StatsValue>('rev', current.rev) });
        for (const event of foldable) transaction.delete(event.key, { entityName: ENTITY.viewEvent });
        await transaction.execute();
        return { view, more: old.length > foldable.length };
      } catch (e) {
        if (!isConflict(e)) throw e;
        await backoff(attempt);
      }
    }
    throw new DomainError('store_unavailable', 'Too much contention on view statistics; try again');
  };

  const store: Store = {
    links: {
      async create(link) {
        if (!(await createOnly(links, toKvsKey(link.id), linkValue(link)))) {
          throw new DomainError('already_exists', `Link ${link.id} already exists`);
        }
      },
      async get(id) {
        return (await links.get(toKvsKey(id)))?.doc;
      },
      async update(next, expectedVersion) {
        checkNextVersion('Link', next.version, expectedVersion);
        const key = toKvsKey(next.id);
        if (await setIf(ENTITY.link, key, linkValue(next), equals<LinkValue>('version', expectedVersion))) return;
        if ((await links.get(key)) === undefined) throw new DomainError('not_found', `Link ${next.id} does not exist`);
        throw versionConflict('The link');
      },
      async delete(id) {
        await links.delete(toKvsKey(id));
      },
      async list(filter, page) {
        checkFilterStrings(filter);
        const choice = chooseLinkIndex(filter);
        if (filter.expiring) {
          // Expiry order: the index holds only this status's links, bounded to the asked window.
          const { lowest, highest } = expiringBounds(filter.expiring);
          return scanPage<LinkValue, ShareLink>({
            entityName: ENTITY.link,
            index: choice.index,
            partition: choice.partition,
            page,
            // No key equals a bound (they end in ';'), so the inclusive `between` is exact; a position past
            // the window asks for the empty range [highest, highest].
            where: (after) => {
              const from = after !== undefined && after > lowest ? after : lowest;
              return WhereConditions.between(from < highest ? from : highest, highest);
            },
            rangeOf: (v) => v.expiresKey,
            docOf: (v) => v.doc,
            keep: (v) => linkMatches(v.doc, filter),
            exact: true,
          });
        }
        return scanPage<LinkValue, ShareLink>({
          entityName: ENTITY.link,
          index: choice.index,
          ...(choice.partition.length > 0 ? { partition: choice.partition } : {}),
          page,
          where: (after) => (after === undefined ? undefined : WhereConditions.greaterThan(after)),
          rangeOf: (v) => v.createdKey,
          docOf: (v) => v.doc,
          keep: (v) => linkMatches(v.doc, filter),
          exact: !choice.needsPostFilter,
        });
      },
    },

    configs: {
      async getGlobal() {
        return (await settings.get(GLOBAL_KEY))?.doc as GlobalConfig | undefined;
      },
      async putGlobal(next, expectedVersion) {
        await putVersioned('Global configuration', ENTITY.appSetting, settings, GLOBAL_KEY, { version: next.version, doc: next }, expectedVersion);
      },
      async getSpace(spaceKey) {
        return (await spaces.get(toKvsKey(spaceKey)))?.doc;
      },
      async putSpace(next, expectedVersion) {
        checkRangeValue('Space key', next.spaceKey);
        await putVersioned(
          `Configuration of space ${next.spaceKey}`,
          ENTITY.spaceConfig,
          spaces,
          toKvsKey(next.spaceKey),
          { spaceKey: next.spaceKey, version: next.version, doc: next, ...(next.configId === undefined ? {} : { configId: next.configId }) },
          expectedVersion,
        );
      },
      async listSpacesByConfig(configId, page) {
        checkRangeValue('Configuration id', configId);
        return scanPage<SpaceValue, SpaceConfig>({
          entityName: ENTITY.spaceConfig,
          index: 'by-config',
          partition: [configId],
          page,
          where: (after) => (after === undefined ? undefined : WhereConditions.greaterThan(after)),
          rangeOf: (v) => v.spaceKey,
          docOf: (v) => v.doc,
          // The index is eventually consistent: a space assigned elsewhere since is left out.
          keep: (v) => v.doc.configId === configId,
          exact: false,
        });
      },
      async listSpaces(page) {
        return scanPage<SpaceValue, SpaceConfig>({
          entityName: ENTITY.spaceConfig,
          index: 'by-space-key',
          page,
          where: (after) => (after === undefined ? undefined : WhereConditions.greaterThan(after)),
          rangeOf: (v) => v.spaceKey,
          docOf: (v) => v.doc,
          keep: () => true,
          exact: true,
        });
      },
      async deleteSpace(spaceKey) {
        await spaces.delete(toKvsKey(spaceKey));
      },
      async getSite() {
        return (await settings.get(SITE_KEY))?.doc as SiteSettings | undefined;
      },
      async getRegistry() {
        return (await settings.get(REGISTRY_KEY))?.doc as PolicyRegistry | undefined;
      },
      async putRegistry(next, expectedVersion) {
        await putVersioned('Configurations', ENTITY.appSetting, settings, REGISTRY_KEY, { version: next.version, doc: next }, expectedVersion);
      },
      async putSite(next, expectedVersion) {
        await putVersioned('Site settings', ENTITY.appSetting, settings, SITE_KEY, { version: next.version, doc: next }, expectedVersion);
      },
    },

    counters: {
      async increment(name, expiresAt) {
        padInstant(expiresAt);
        const key = toKvsKey(name);
        for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
          const current = await counters.get(key);
          const now = clock.now();
          const doc: CounterDoc = counterLive(current, now)
            ? { ...current.doc, count: current.doc.count + 1 }
            : { key: name, count: 1, expiresAt };
          const value: CounterValue = { rev: newRev(current?.rev), expiresKey: `${padInstant(doc.expiresAt)}:${key}`, doc };
          const written =
            current === undefined
              ? await createOnly(counters, key, value, ttlUntil(doc.expiresAt, now))
              : await setIf(ENTITY.counter, key, value, equals<CounterValue>('rev', current.rev), ttlUntil(doc.expiresAt, now));
          if (written) return doc.count;
          await backoff(attempt);
        }
        throw new DomainError('store_unavailable', 'Too much contention on a counter; try again');
      },
      async get(name) {
        const current = await counters.get(toKvsKey(name));
        return counterLive(current, clock.now()) ? current.doc.count : 0;
      },
      async reset(name) {
        await counters.delete(toKvsKey(name));
      },
      async purgeExpired(now) {
        let purged = 0;
        await forEachIn<CounterValue>(
          ENTITY.counter,
          'by-expiry',
          (v) => v.expiresKey,
          async (key) => {
            const current = await counters.get(key);
            if (current === undefined || current.doc.expiresAt >= now) return;
            if (await deleteIf(ENTITY.counter, key, equals<CounterValue>('rev', current.rev))) purged++;
          },
          padInstant(now),
        );
        return purged;
      },
    },

    ephemeral: {
      async putIfAbsent(record) {
        const key = toKvsKey(record.key);
        for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
          const now = clock.now();
          if (await createOnly(ephemeral, key, ephemeralValue(record, newRev()), ttlUntil(record.expiresAt, now))) return;
          const current = await ephemeral.get(key);
          if (ephemeralLive(current, now)) throw new DomainError('already_exists', `A live record already exists for ${record.key}`);
          if (current !== undefined) {
            const replaced = await setIf(ENTITY.ephemeral, key, ephemeralValue(record, newRev(current.rev)), equals<EphemeralValue>('rev', current.rev), ttlUntil(record.expiresAt, now));
            if (replaced) return;
          }
          await backoff(attempt);
        }
        throw new DomainError('store_unavailable', 'Too much contention on a record; try again');
      },
      async put(record) {
        await ephemeral.set(toKvsKey(record.key), ephemeralValue(record, newRev()), ttlUntil(record.expiresAt, clock.now()));
      },
      async get(name, now) {
        const current = await ephemeral.get(toKvsKey(name));
        return current !== undefined && ephemeralLive(current, now) ? current.doc : undefined;
      },
      async take(name, now) {
        const key = toKvsKey(name);
        for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
          const current = await ephemeral.get(key);
          if (current === undefined || !ephemeralLive(current, now)) return undefined;
          // Mark consumed under a condition (only one taker can flip it), then delete the marker.
          const consumedRev = newRev(current.rev);
          const won = await setIf(
            ENTITY.ephemeral,
            key,
            { ...current, consumed: true, rev: consumedRev },
            new Filter<EphemeralValue>().and('rev', FilterConditions.equalTo(current.rev)).and('consumed', FilterConditions.equalTo(false)),
          );
          if (won) {
            await deleteIf(ENTITY.ephemeral, key, equals<EphemeralValue>('rev', consumedRev)).catch(() => false);
            return current.doc;
          }
        }
        throw new DomainError('store_unavailable', 'Too much contention on a record; try again');
      },
      async delete(name) {
        await ephemeral.delete(toKvsKey(name));
      },
      async listByPrefix(prefix, page) {
        const now = clock.now();
        const upper = `${prefix}\uffff`;
        return scanPage<EphemeralValue, EphemeralRecord>({
          entityName: ENTITY.ephemeral,
          index: 'by-record-key',
          page,
          where: (after) =>
            after !== undefined ? WhereConditions.between(after, upper) : prefix.length > 0 ? WhereConditions.beginsWith(prefix) : undefined,
          rangeOf: (v) => v.recordKey,
          docOf: (v) => v.doc,
          keep: (v) => v.recordKey.startsWith(prefix) && ephemeralLive(v, now),
          exact: false,
        });
      },
      async purgeExpired(now) {
        let purged = 0;
        await forEachIn<EphemeralValue>(
          ENTITY.ephemeral,
          'by-expiry',
          (v) => v.expiresKey,
          async (key) => {
            const current = await ephemeral.get(key);
            if (current === undefined || current.doc.expiresAt > now) return;
            if (await deleteIf(ENTITY.ephemeral, key, equals<EphemeralValue>('rev', current.rev))) purged++;
          },
          padInstant(now + 1),
        );
        return purged;
      },
    },

    audit: {
      async append(entry) {
        const value: AuditValue = {
          atKey: rangeKey(entry.at, entry.id),
          action: entry.action,
          ...(entry.linkId === null ? {} : { linkId: entry.linkId }),
          ...(entry.spaceKey === null ? {} : { spaceKey: entry.spaceKey }),
          doc: entry,
        };
        if (!(await createOnly(audit, toKvsKey(entry.id), value))) {
          throw new DomainError('already_exists', `Audit entry ${entry.id} already exists`);
        }
      },
      async list(filter, page) {
        checkFilterStrings(filter);
        const [index, partition] =
          filter.linkId !== undefined
            ? ['by-link', [filter.linkId]]
            : filter.spaceKey !== undefined
              ? ['by-space', [filter.spaceKey]]
              : ['by-time', undefined];
        const lowest = filter.since === undefined ? undefined : padInstant(filter.since);
        const highest = filter.until === undefined ? undefined : `${padInstant(filter.until)};`;
        const exact = filter.action === undefined && (filter.linkId === undefined || filter.spaceKey === undefined);
        return scanPage<AuditValue, AuditEntry>({
          entityName: ENTITY.audit,
          index,
          ...(partition ? { partition } : {}),
          descending: true,
          page,
          where: (after) => {
            const top = after ?? highest;
            if (top !== undefined && lowest !== undefined) return WhereConditions.between(lowest, top);
            if (top !== undefined) return after !== undefined ? WhereConditions.lessThan(top) : WhereConditions.lessThanEqualTo(top);
            return lowest !== undefined ? WhereConditions.greaterThanEqualTo(lowest) : undefined;
          },
          rangeOf: (v) => v.atKey,
          docOf: (v) => v.doc,
          keep: (v) => auditMatches(v.doc, filter),
          exact,
        });
      },
      async purgeOlderThan(cutoff) {
        let purged = 0;
        await forEachIn<AuditValue>(
          ENTITY.audit,
          'by-time',
          (v) => v.atKey,
          async (key) => {
            // Conditional on existence: an entry the lagging index still lists after an earlier purge is
            // not counted again.
            if (await deleteIf(ENTITY.audit, key, new Filter<AuditValue>().and('atKey', FilterConditions.exists()))) purged++;
          },
          padInstant(cutoff),
        );
        return purged;
      },
    },

    subscriptions: {
      async put(sub) {
        await subscriptions.set(toKvsKey(sub.id), {
          pageId: sub.pageId,
          linkId: sub.linkId,
          createdKey: rangeKey(sub.createdAt, sub.id),
          doc: sub,
        });
      },
      async get(id) {
        return (await subscriptions.get(toKvsKey(id)))?.doc;
      },
      async delete(id) {
        await subscriptions.delete(toKvsKey(id));
      },
      async listByPage(pageId, page) {
        return listSubscriptions('by-page', pageId, page);
      },
      async listByLink(linkId, page) {
        return listSubscriptions('by-link', linkId, page);
      },
    },

    stats: {
      /**
       * One write of a new view event under its own key: no read, no condition, so concurrent views never
       * contend and none is lost (a throttled write is retried). Counting happens when stats are read.
       */
      async recordView(linkId, at) {
        const atKey = `${padInstant(at)}:${randomBytes(6).toString('hex')}`;
        await viewEvents.set(`${toKvsKey(linkId)}:${atKey}`, { linkId, atKey });
      },
      async get(linkId) {
        return readStats(linkId);
      },
      async getMany(linkIds) {
        const out: LinkStats[] = new Array<LinkStats>(linkIds.length);
        await inChunks(
          linkIds.map((id, i) => ({ id, i })),
          READ_CONCURRENCY,
          async ({ id, i }) => {
            out[i] = await readStats(id);
          },
        );
        return out;
      },
    },

    secrets: {
      async get(name) {
        const value = await kvs.getSecret<string>(toKvsKey(name));
        return typeof value === 'string' ? value : undefined;
      },
      async set(name, value) {
        const key = toKvsKey(name);
        await secretRefs.set(key, { name: key });
        await kvs.setSecret(key, value);
      },
      async createIfAbsent(name, value) {
        const key = toKvsKey(name);
        await secretRefs.set(key, { name: key });
        try {
          await kvs.setSecret(key, value, { keyPolicy: 'FAIL_IF_EXISTS' });
          return true;
        } catch (e) {
          if (isConflict(e)) return false;
          throw e;
        }
      },
      async delete(name) {
        const key = toKvsKey(name);
        await kvs.deleteSecret(key);
        await secretRefs.delete(key);
      },
    },

    async clearAll(clearOptions = {}) {
      const deadline = clearOptions.deadline ?? Number.POSITIVE_INFINITY;
      const stop = () => Date.now() >= deadline;
      const wipe = <V>(entityName: string, index: string, rangeOf: (v: V) => string) =>
        forEachIn<V>(entityName, index, rangeOf, (key) => kvs.entity<V>(entityName).delete(key), undefined, stop);
      /** One sweep over every index; the number of entries seen, or undefined when out of time. */
      const pass = async (): Promise<number | undefined> => {
        let seen = 0;
        const steps: Array<() => Promise<number | undefined>> = [
          () => wipe<LinkValue>(ENTITY.link, 'by-created', (v) => v.createdKey),
          () => wipe<SpaceValue>(ENTITY.spaceConfig, 'by-space-key', (v) => v.spaceKey),
          async () => {
            await Promise.all([settings.delete(GLOBAL_KEY), settings.delete(SITE_KEY), settings.delete(REGISTRY_KEY)]);
            return 0;
          },
          () => wipe<AuditValue>(ENTITY.audit, 'by-time', (v) => v.atKey),
          () => wipe<SubscriptionValue>(ENTITY.subscription, 'by-created', (v) => v.createdKey),
          () => wipe<CounterValue>(ENTITY.counter, 'by-expiry', (v) => v.expiresKey),
          () => wipe<EphemeralValue>(ENTITY.ephemeral, 'by-record-key', (v) => v.recordKey),
          () => wipe<StatsValue>(ENTITY.stats, 'by-link-id', (v) => v.linkId),
          () => wipe<ViewEventValue>(ENTITY.viewEvent, 'by-time', (v) => v.atKey),
          () =>
            forEachIn<SecretRefValue>(
              ENTITY.secretRef,
              'by-name',
              (v) => v.name,
              async (key) => {
                await kvs.deleteSecret(key);
                await secretRefs.delete(key);
              },
              undefined,
              stop,
            ),
        ];
        for (const step of steps) {
          const count = await step();
          if (count === undefined) return undefined;
          seen += count;
        }
        return seen;
      };
      // Index queries lag writes and deletes: a pass may miss items written just before it and see items
      // it already deleted. Deleting is by key (a stale entry costs one no-op delete), and passes repeat,
      // a moment apart, until two in a row see nothing.
      let quietPasses = 0;
      for (let round = 0; quietPasses < QUIET_PASSES_TO_FINISH; round++) {
        if (round >= MAX_CLEAR_PASSES) return { complete: true };
        if (round > 0) await sleep(consistencyDelayMs);
        const seen = await pass();
        if (seen === undefined) return { complete: false };
        quietPasses = seen === 0 ? quietPasses + 1 : 0;
      }
      return { complete: true };
    },
  };

  const listSubscriptions = (index: 'by-page' | 'by-link', value: string, page: PageRequest): Promise<Page<Subscription>> =>
    scanPage<SubscriptionValue, Subscription>({
      entityName: ENTITY.subscription,
      index,
      partition: [value],
      page,
      where: (after) => (after === undefined ? undefined : WhereConditions.greaterThan(after)),
      rangeOf: (v) => v.createdKey,
      docOf: (v) => v.doc,
      keep: () => true,
      exact: true,
    });

  return withStoreErrors(store);
};

/**
 * Platform errors a user can meet, in plain words: throttling that outlasted the retries and outages
 * become 'store_unavailable'; a value over the size limit (MAX_SIZE; VALUE_TOO_LARGE in older SDKs)
 * becomes 'payload_too_large'. Anything else passes through (a bug to see, not to hide).
 */
const storeError = (e: unknown): unknown => {
  if (!(e instanceof ForgeKvsAPIError)) return e;
  const status = e.responseDetails?.status ?? 0;
  if (isThrottled(e) || status >= 500) return new DomainError('store_unavailable', 'Storage is busy or unavailable; try again shortly');
  if (e.code === 'MAX_SIZE' || e.code === 'VALUE_TOO_LARGE' || status === 413) {
    return new DomainError('payload_too_large', 'This is too large to save (Forge storage keeps at most 240 KB per record). Make it smaller and try again.');
  }
  return e;
};

/** Maps platform errors with storeError; DomainErrors and other errors pass through. */
const withStoreErrors = (store: Store): Store => {
  const wrap = <T extends object>(target: T): T => {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(target)) {
      out[name] =
        typeof member === 'function'
          ? async (...args: unknown[]) => {
              try {
                return await (member as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              } catch (e) {
                throw storeError(e);
              }
            }
          : wrap(member as object);
    }
    return out as T;
  };
  return wrap(store);
};
