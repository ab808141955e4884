/**
 * In-memory fake of the @forge/kvs `kvs` object (v1.6.5 .d.ts), faithful enough that limit violations
 * and races fail here first:
 * - every call yields to the event loop (a random number of macrotask hops) before it touches state,
 *   and performs its read-check-write atomically there, as the server would;
 * - keys: regex and ≤ 500 chars; values: not null/undefined, JSON ≤ 240 KiB (secrets 128 KiB), depth ≤ 31;
 * - entities must be declared in KVS_ENTITIES, values may only carry declared attributes of the right
 *   type (integer = 32-bit), queries must name a declared index with the exact partition arity;
 * - query limit 1..100 (default 10); cursors are opaque and bound to their query;
 * - FAIL_IF_EXISTS → 409 KEY_CONFLICT; transactions ≤ 25 ops, unique keys, all-or-nothing, a failed
 *   condition → 409 CONDITION_FAILED; a condition on a missing item sees no attributes;
 * - TTL: expired items are NOT removed until `collectExpired()` (the platform may return them for up to
 *   48 h), so stores must check expiry themselves.
 */
import { ForgeKvsAPIError, type BatchGetResult, type BatchResult, type GetOptions, type GetResult, type ListResult, type OverrideAndReturnSetOptions, type PolicySetOptions, type Result, type SetOptions, type SetResult, type Sort } from '@forge/kvs';
import type { Kvs, KvsEntity } from '@forge/kvs/out/interfaces/kvs';
import type { QueryBuilder, QueryOptions, WhereClause } from '@forge/kvs/out/interfaces/query';
import type {
  AndFilter,
  EntityFilterClauses,
  EntityQueryBuilder,
  EntityWhereClauses,
  IndexOptions,
  IndexQueryBuilder,
  OrFilter,
} from '@forge/kvs/out/interfaces/entity-query';
import type { EntityConditions, EntityRequiredConditions, TransactionBuilder } from '@forge/kvs/out/interfaces/transaction';
import type { BaseFilter } from '@forge/kvs/out/entity-query';
import { KVS_ENTITIES, type KvsEntityDefinition } from '../../src/adapters/forge/kvs-entities';

export const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/;
export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
export const MAX_SECRET_BYTES = 128 * 1024;
export const MAX_QUERY_LIMIT = 100;
export const MAX_TRANSACTION_OPS = 25;
export const MAX_BATCH_ITEMS = 25;
const MAX_DEPTH = 31;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

interface StoredItem {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireAt?: number;
}

type Space = 'kvs' | 'secret' | `entity:${string}`;

export interface FakeKvsOptions {
  entities?: readonly KvsEntityDefinition[];
  /** Wall clock for TTL and metadata (epoch ms). */
  now?: () => number;
  /** Max macrotask hops before each call touches state (randomised to shuffle concurrent calls). */
  maxHops?: number;
  /**
   * Eventual consistency of entity queries: writes reach the indexes this many ms later (real timers).
   * 0 (default) = indexes are updated with the write. Gets by key are always strongly consistent.
   */
  indexLagMs?: number;
}

export interface FakeKvsCall {
  op: string;
  key?: string;
  entityName?: string;
}

const apiError = (status: number, code: string, message: string): ForgeKvsAPIError =>
  new ForgeKvsAPIError({ status, statusText: status === 409 ? 'Conflict' : 'Bad Request' }, { code, message });

const badRequest = (code: string, message: string) => apiError(400, code, message);

const ttlMs = (options: SetOptions | undefined): number | undefined => {
  const ttl = options?.ttl;
  if (!ttl) return undefined;
  const unit = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 }[ttl.unit];
  if (!Number.isInteger(ttl.value) || ttl.value <= 0 || unit === undefined) throw badRequest('INVALID_TTL', 'Invalid ttl');
  const ms = ttl.value * unit;
  if (ms > 365 * 86_400_000) throw badRequest('INVALID_TTL', 'ttl exceeds one year');
  return ms;
};

const depthOf = (value: unknown): number => {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child));
  return max + 1;
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const compare = (a: unknown, b: unknown): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
};

/** Evaluates one where/filter clause against an attribute value (undefined = attribute absent). */
const matches = (actual: unknown, clause: { condition: string; values: unknown[] }): boolean => {
  const [first, second] = clause.values;
  switch (clause.condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return actual !== undefined && actual === first;
    case 'NOT_EQUAL_TO':
      return actual !== undefined && actual !== first;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && typeof first === 'string' && actual.startsWith(first);
    case 'CONTAINS':
      return (typeof actual === 'string' && typeof first === 'string' && actual.includes(first)) || (Array.isArray(actual) && actual.includes(first));
    case 'NOT_CONTAINS':
      return (typeof actual === 'string' && typeof first === 'string' && !actual.includes(first)) || (Array.isArray(actual) && !actual.includes(first));
    case 'GREATER_THAN':
      return (compare(actual, first) ?? -1) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return (compare(actual, first) ?? -1) >= 0;
    case 'LESS_THAN':
      return (compare(actual, first) ?? 1) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return (compare(actual, first) ?? 1) <= 0;
    case 'BETWEEN':
      return (compare(actual, first) ?? -1) >= 0 && (compare(actual, second) ?? 1) <= 0;
    default:
      throw badRequest('INVALID_CONDITION', `Unknown condition ${clause.condition}`);
  }
};

const attributeOf = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

export class FakeKvs implements Kvs {
  private readonly spaces = new Map<Space, Map<string, StoredItem>>();
  /** What entity queries see: the primary data as of `indexLagMs` ago. */
  private readonly indexView = new Map<Space, Map<string, StoredItem>>();
  private readonly indexLagMs: number;
  private readonly entities: Map<string, KvsEntityDefinition>;
  readonly now: () => number;
  private readonly maxHops: number;
  /** Every call, in order (for tests that assert what the store did). */
  readonly calls: FakeKvsCall[] = [];

  constructor(options: FakeKvsOptions = {}) {
    this.entities = new Map((options.entities ?? KVS_ENTITIES).map((e) => [e.name, e]));
    this.now = options.now ?? (() => Date.now());
    this.maxHops = options.maxHops ?? 2;
    this.indexLagMs = options.indexLagMs ?? 0;
  }

  /** Resolves once every write so far has reached the indexes. */
  settleIndexes(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.indexLagMs + 1));
  }

  // ---------------------------------------------------------------------------------- test helpers

  /** Raw contents: `{ space: { key: value } }` where space is 'kvs', 'secret' or 'entity:<name>'. */
  dump(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [space, items] of this.spaces) {
      if (items.size === 0) continue;
      out[space] = Object.fromEntries([...items].map(([k, item]) => [k, clone(item.value)]));
    }
    return out;
  }

  /** Deletes TTL-expired items (what the platform does eventually, up to 48 h late). */
  collectExpired(): number {
    let removed = 0;
    const now = this.now();
    for (const [space, items] of this.spaces) {
      for (const [key, item] of [...items]) {
        if (item.expireAt !== undefined && item.expireAt <= now) {
          removed++;
          this.remove(space, key);
        }
      }
    }
    return removed;
  }

  // ----------------------------------------------------------------------------------- plain keys

  get<T>(key: string): Promise<T | undefined>;
  get<T>(key: string, options: GetOptions): Promise<GetResult<T> | undefined>;
  async get<T>(key: string, options?: GetOptions): Promise<T | GetResult<T> | undefined> {
    await this.hop('get', key);
    return this.read<T>('kvs', key, options);
  }

  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  set<T>(key: string, value: T, options: PolicySetOptions): Promise<void>;
  set<T, U = T>(key: string, value: T, options: OverrideAndReturnSetOptions): Promise<SetResult<U> | undefined>;
  async set<T, U = T>(key: string, value: T, options?: SetOptions | PolicySetOptions | OverrideAndReturnSetOptions): Promise<void | SetResult<U> | undefined> {
    await this.hop('set', key);
    return this.write<U>('kvs', key, value, options, MAX_VALUE_BYTES);
  }

  async delete(key: string): Promise<void> {
    await this.hop('delete', key);
    this.checkKey(key);
    this.remove('kvs', key);
  }

  query(options: QueryOptions = {}): QueryBuilder {
    return new FakeQueryBuilder(this, options);
  }

  /** @internal used by FakeQueryBuilder */
  async runQuery<T>(options: QueryOptions): Promise<ListResult<T>> {
    await this.hop('query');
    const limit = this.checkLimit(options.limit);
    const where = options.where?.[0];
    if (where && (where.property !== 'key' || where.condition !== 'BEGINS_WITH')) {
      throw badRequest('INVALID_QUERY', 'Plain KVS queries only support where("key", beginsWith(...))');
    }
    const prefix = where ? String(where.values[0]) : '';
    const keys = [...this.space('kvs').keys()].filter((k) => k.startsWith(prefix)).sort();
    const scope = `kvs|${prefix}`;
    const after = options.cursor === undefined ? undefined : this.decodeCursor(options.cursor, scope);
    const start = after === undefined ? 0 : keys.findIndex((k) => k > (after[1] as string));
    const page = start < 0 ? [] : keys.slice(start, start + limit);
    const results: Result<T>[] = page.map((key) => this.result<T>('kvs', key));
    const more = start >= 0 && start + limit < keys.length;
    return more ? { results, nextCursor: this.encodeCursor(scope, ['', page.at(-1)!]) } : { results };
  }

  // ---------------------------------------------------------------------------------------- batches

  async batchSet<T>(items: Array<{ key: string; value: T; entityName?: string; options?: SetOptions }>): Promise<BatchResult> {
    await this.hop('batchSet');
    this.checkBatch(items.length);
    const result: BatchResult = { successfulKeys: [], failedKeys: [] };
    for (const item of items) {
      const ref = item.entityName === undefined ? { key: item.key } : { key: item.key, entityName: item.entityName };
      try {
        const space = item.entityName === undefined ? 'kvs' : this.entitySpace(item.entityName, item.value);
        this.write(space, item.key, item.value, item.options, MAX_VALUE_BYTES);
        result.successfulKeys.push(ref);
      } catch (e) {
        result.failedKeys.push({ ...ref, error: { code: (e as ForgeKvsAPIError).code ?? 'ERROR', message: (e as Error).message } });
      }
    }
    return result;
  }

  async batchGet<T>(items: Array<{ key: string; entityName?: string }>): Promise<BatchGetResult<T>> {
    await this.hop('batchGet');
    this.checkBatch(items.length);
    const result: BatchGetResult<T> = { successfulKeys: [], failedKeys: [] };
    for (const item of items) {
      const space: Space = item.entityName === undefined ? 'kvs' : this.entitySpace(item.entityName);
      this.checkKey(item.key);
      const found = this.live(space, item.key);
      if (found) result.successfulKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}), value: clone(found.value) as T });
      else result.failedKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}), error: { code: 'KEY_NOT_FOUND', message: 'Key not found' } });
    }
    return result;
  }

  async batchDelete(items: Array<{ key: string; entityName?: string }>): Promise<BatchResult> {
    await this.hop('batchDelete');
    this.checkBatch(items.length);
    const result: BatchResult = { successfulKeys: [], failedKeys: [] };
    for (const item of items) {
      const space: Space = item.entityName === undefined ? 'kvs' : this.entitySpace(item.entityName);
      this.checkKey(item.key);
      this.remove(space, item.key);
      result.successfulKeys.push(item.entityName === undefined ? { key: item.key } : { key: item.key, entityName: item.entityName });
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------- secrets

  getSecret<T>(key: string): Promise<T | undefined>;
  getSecret<T>(key: string, options: GetOptions): Promise<GetResult<T> | undefined>;
  async getSecret<T>(key: string, options?: GetOptions): Promise<T | GetResult<T> | undefined> {
    await this.hop('getSecret', key);
    return this.read<T>('secret', key, options);
  }

  setSecret<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  setSecret<T>(key: string, value: T, options: PolicySetOptions): Promise<void>;
  setSecret<T, U = T>(key: string, value: T, options: OverrideAndReturnSetOptions): Promise<SetResult<U> | undefined>;
  async setSecret<T, U = T>(key: string, value: T, options?: SetOptions | PolicySetOptions | OverrideAndReturnSetOptions): Promise<void | SetResult<U> | undefined> {
    await this.hop('setSecret', key);
    return this.write<U>('secret', key, value, options, MAX_SECRET_BYTES);
  }

  async deleteSecret(key: string): Promise<void> {
    await this.hop('deleteSecret', key);
    this.checkKey(key);
    this.remove('secret', key);
  }

  // --------------------------------------------------------------------------------------- entities

  entity<T>(entityName: string): KvsEntity<T> {
    this.definition(entityName);
    return new FakeEntity<T>(this, entityName);
  }

  transact(): TransactionBuilder {
    return new FakeTransaction(this);
  }

  /** @internal */
  async entityGet<T>(entityName: string, key: string, options?: GetOptions): Promise<T | GetResult<T> | undefined> {
    await this.hop('entity.get', key, entityName);
    return this.read<T>(this.entitySpace(entityName), key, options);
  }

  /** @internal */
  async entitySet<T, U>(entityName: string, key: string, value: T, options?: SetOptions | PolicySetOptions | OverrideAndReturnSetOptions): Promise<void | SetResult<U> | undefined> {
    await this.hop('entity.set', key, entityName);
    return this.write<U>(this.entitySpace(entityName, value), key, value, options, MAX_VALUE_BYTES);
  }

  /** @internal */
  async entityDelete(entityName: string, key: string): Promise<void> {
    await this.hop('entity.delete', key, entityName);
    this.checkKey(key);
    this.remove(this.entitySpace(entityName), key);
  }

  /** @internal */
  async entityQuery<T>(query: EntityQueryState): Promise<ListResult<T>> {
    await this.hop('entity.query', undefined, query.entityName);
    const definition = this.definition(query.entityName);
    const index = definition.indexes?.find((i) => i.name === query.indexName);
    if (!index) throw badRequest('INVALID_INDEX', `Entity ${query.entityName} has no index ${query.indexName}`);
    const partitionAttrs = index.partition ?? [];
    const partition = query.partition ?? [];
    if (partition.length !== partitionAttrs.length) {
      throw badRequest('INVALID_PARTITION', `Index ${query.indexName} needs ${partitionAttrs.length} partition value(s), got ${partition.length}`);
    }
    partition.forEach((value, i) => {
      const attr = partitionAttrs[i]!;
      this.checkAttribute(definition, attr, value);
    });
    const limit = this.checkLimit(query.limit);
    const rangeAttr = index.range[0];
    if (query.range) this.checkClause(query.range, definition.attributes[rangeAttr]?.type);
    const candidates: Array<{ key: string; range: string | number; value: unknown; item: StoredItem }> = [];
    for (const [key, item] of this.indexView.get(this.entitySpace(query.entityName)) ?? new Map<string, StoredItem>()) {
      const range = attributeOf(item.value, rangeAttr);
      if (typeof range !== 'string' && typeof range !== 'number') continue;
      if (partitionAttrs.some((attr, i) => attributeOf(item.value, attr) !== partition[i])) continue;
      if (query.range && !matches(range, query.range)) continue;
      candidates.push({ key, range, value: item.value, item });
    }
    const descending = query.sort === 'DESC';
    candidates.sort((a, b) => {
      const byRange = compare(a.range, b.range) ?? 0;
      const order = byRange !== 0 ? byRange : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      return descending ? -order : order;
    });
    const scope = JSON.stringify([query.entityName, query.indexName, partition, query.range ?? null, query.sort ?? 'ASC', query.filters ?? null]);
    let start = 0;
    if (query.cursor !== undefined) {
      const [range, key] = this.decodeCursor(query.cursor, scope);
      start = candidates.findIndex((c) => {
        const byRange = compare(c.range, range) ?? 0;
        const order = byRange !== 0 ? byRange : c.key < key ? -1 : c.key > key ? 1 : 0;
        return descending ? order < 0 : order > 0;
      });
      if (start < 0) start = candidates.length;
    }
    // Like the platform, the limit applies before filters: a filtered page may be short.
    const scanned = candidates.slice(start, start + limit);
    const filtered = query.filters
      ? scanned.filter((c) => {
          const results = query.filters!.items.map((f) => matches(attributeOf(c.value, f.property), f));
          return query.filters!.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
        })
      : scanned;
    const results: Result<T>[] = filtered.map((c) => this.resultOf<T>(c.key, c.item));
    const last = scanned.at(-1);
    return start + limit < candidates.length && last ? { results, nextCursor: this.encodeCursor(scope, [last.range, last.key]) } : { results };
  }

  /** @internal all-or-nothing */
  async executeTransaction(ops: TransactionOp[]): Promise<void> {
    await this.hop('transact');
    if (ops.length === 0) throw badRequest('INVALID_TRANSACTION', 'Empty transaction');
    if (ops.length > MAX_TRANSACTION_OPS) throw badRequest('INVALID_TRANSACTION', `A transaction allows at most ${MAX_TRANSACTION_OPS} operations, got ${ops.length}`);
    const seen = new Set<string>();
    const prepared = ops.map((op) => {
      const space: Space = op.entityName === undefined ? 'kvs' : this.entitySpace(op.entityName, op.kind === 'set' ? op.value : undefined);
      if (op.kind === 'check' && op.entityName === undefined) throw badRequest('INVALID_TRANSACTION', 'check needs an entity');
      this.checkKey(op.key);
      const id = `${space}|${op.key}`;
      if (seen.has(id)) throw badRequest('INVALID_TRANSACTION', `Key ${op.key} is used more than once in a transaction`);
      seen.add(id);
      if (op.conditions && op.entityName === undefined) throw badRequest('INVALID_TRANSACTION', 'Conditions need an entity');
      if (op.conditions) {
        if (op.conditions.items.length === 0) throw badRequest('INVALID_TRANSACTION', 'Builder must have at least one condition set');
        const definition = this.definition(op.entityName!);
        for (const item of op.conditions.items) {
          if (!(item.property in definition.attributes)) throw badRequest('INVALID_CONDITION', `Unknown attribute ${item.property}`);
        }
      }
      if (op.kind === 'set') this.checkValue(op.value, MAX_VALUE_BYTES);
      return { op, space };
    });
    for (const { op, space } of prepared) {
      if (!op.conditions) {
        if (op.kind === 'check') throw badRequest('INVALID_TRANSACTION', 'check needs conditions');
        continue;
      }
      const current = this.live(space, op.key);
      if (op.kind === 'check' && !current) throw apiError(409, 'CONDITION_FAILED', `Transaction check failed: ${op.key} does not exist`);
      const results = op.conditions.items.map((c) => matches(attributeOf(current?.value, c.property), c));
      const ok = op.conditions.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
      if (!ok) throw apiError(409, 'CONDITION_FAILED', `Transaction condition failed for ${op.key}`);
    }
    for (const { op, space } of prepared) {
      if (op.kind === 'set') this.store(space, op.key, op.value, ttlMs(op.options));
      if (op.kind === 'delete') this.remove(space, op.key);
    }
  }

  // -------------------------------------------------------------------------------------- internals

  private async hop(op: string, key?: string, entityName?: string): Promise<void> {
    this.calls.push({ op, ...(key === undefined ? {} : { key }), ...(entityName === undefined ? {} : { entityName }) });
    const hops = 1 + Math.floor(Math.random() * this.maxHops);
    for (let i = 0; i < hops; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private space(space: Space): Map<string, StoredItem> {
    let items = this.spaces.get(space);
    if (!items) {
      items = new Map();
      this.spaces.set(space, items);
    }
    return items;
  }

  private definition(entityName: string): KvsEntityDefinition {
    const definition = this.entities.get(entityName);
    if (!definition) throw badRequest('INVALID_ENTITY', `Entity ${entityName} is not declared in the manifest`);
    return definition;
  }

  /** Space of an entity; validates `value` against the declared attributes when given. */
  entitySpace(entityName: string, value?: unknown): Space {
    const definition = this.definition(entityName);
    if (value !== undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw badRequest('INVALID_ENTITY_VALUE', `Entity ${entityName} values must be objects`);
      }
      for (const [attr, attrValue] of Object.entries(value)) this.checkAttribute(definition, attr, attrValue);
    }
    return `entity:${entityName}`;
  }

  private checkAttribute(definition: KvsEntityDefinition, attr: string, value: unknown): void {
    const type = definition.attributes[attr]?.type;
    if (type === undefined) throw badRequest('INVALID_ENTITY_VALUE', `Attribute ${attr} is not declared for entity ${definition.name}`);
    if (value === null || value === undefined) throw badRequest('INVALID_ENTITY_VALUE', `Attribute ${attr} of ${definition.name} is null`);
    const ok =
      type === 'any' ||
      (type === 'string' && typeof value === 'string') ||
      (type === 'boolean' && typeof value === 'boolean') ||
      (type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
      (type === 'integer' && Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX);
    if (!ok) throw badRequest('INVALID_ENTITY_VALUE', `Attribute ${attr} of ${definition.name} must be ${type}${type === 'integer' ? ' (32-bit)' : ''}, got ${JSON.stringify(value)}`);
  }

  private checkClause(clause: { condition: string; values: unknown[] }, type: string | undefined): void {
    for (const v of clause.values) {
      if (type === 'string' && typeof v !== 'string') throw badRequest('INVALID_QUERY', `Range condition on a string attribute needs strings, got ${JSON.stringify(v)}`);
      if ((type === 'integer' || type === 'float') && typeof v !== 'number') throw badRequest('INVALID_QUERY', `Range condition on a number attribute needs numbers`);
    }
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
      throw badRequest('INVALID_KEY', `Invalid key ${JSON.stringify(key)}: must match ${KEY_PATTERN} and be at most ${MAX_KEY_LENGTH} characters`);
    }
  }

  private checkValue(value: unknown, maxBytes: number): void {
    if (value === null || value === undefined) throw badRequest('INVALID_VALUE', 'null/undefined values cannot be stored');
    const json = JSON.stringify(value);
    if (json === undefined) throw badRequest('INVALID_VALUE', 'Value is not JSON');
    if (Buffer.byteLength(json, 'utf8') > maxBytes) throw badRequest('VALUE_TOO_LARGE', `Value exceeds ${maxBytes} bytes`);
    if (depthOf(value) > MAX_DEPTH) throw badRequest('INVALID_VALUE', `Value nesting exceeds depth ${MAX_DEPTH}`);
  }

  private checkLimit(limit: number | undefined): number {
    if (limit === undefined) return 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) throw badRequest('INVALID_LIMIT', `Query limit must be 1..${MAX_QUERY_LIMIT}, got ${limit}`);
    return limit;
  }

  private checkBatch(count: number): void {
    if (count === 0 || count > MAX_BATCH_ITEMS) throw badRequest('INVALID_BATCH', `A batch allows 1..${MAX_BATCH_ITEMS} items, got ${count}`);
  }

  private live(space: Space, key: string): StoredItem | undefined {
    // Expired items stay readable until collectExpired(), like the platform's lazy TTL deletion.
    return this.space(space).get(key);
  }

  private read<T>(space: Space, key: string, options?: GetOptions): T | GetResult<T> | undefined {
    this.checkKey(key);
    const item = this.live(space, key);
    if (!item) return undefined;
    if (!options) return clone(item.value) as T;
    const fields = options.metadataFields ?? [];
    return {
      key,
      value: clone(item.value) as T,
      ...(fields.includes('CREATED_AT' as never) ? { createdAt: item.createdAt } : {}),
      ...(fields.includes('UPDATED_AT' as never) ? { updatedAt: item.updatedAt } : {}),
      ...(fields.includes('EXPIRE_TIME' as never) && item.expireAt !== undefined ? { expireTime: new Date(item.expireAt).toISOString() } : {}),
    };
  }

  private result<T>(space: Space, key: string): Result<T> {
    return this.resultOf<T>(key, this.space(space).get(key)!);
  }

  private resultOf<T>(key: string, item: StoredItem): Result<T> {
    return item.expireAt === undefined
      ? { key, value: clone(item.value) as T }
      : { key, value: clone(item.value) as T, expireTime: new Date(item.expireAt).toISOString() };
  }

  private write<U>(space: Space, key: string, value: unknown, options: SetOptions | PolicySetOptions | OverrideAndReturnSetOptions | undefined, maxBytes: number): SetResult<U> | undefined {
    this.checkKey(key);
    this.checkValue(value, maxBytes);
    const ttl = ttlMs(options);
    const policy = options && 'keyPolicy' in options ? options.keyPolicy : undefined;
    const previous = this.live(space, key);
    if (policy === 'FAIL_IF_EXISTS' && previous) throw apiError(409, 'KEY_CONFLICT', `Key ${key} already exists`);
    this.store(space, key, value, ttl);
    if (options && 'returnValue' in options) {
      const returned = options.returnValue === 'PREVIOUS' ? previous?.value : value;
      return returned === undefined ? undefined : { key, value: clone(returned) as U };
    }
    return undefined;
  }

  private store(space: Space, key: string, value: unknown, ttl: number | undefined): void {
    const now = this.now();
    const previous = this.space(space).get(key);
    const item: StoredItem = {
      value: clone(value),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(ttl === undefined ? {} : { expireAt: now + ttl }),
    };
    this.space(space).set(key, item);
    this.propagate(space, key, item);
  }

  private remove(space: Space, key: string): void {
    if (this.space(space).delete(key)) this.propagate(space, key, undefined);
  }

  /** Index maintenance, immediate or lagging like the platform's eventually consistent indexes. */
  private propagate(space: Space, key: string, item: StoredItem | undefined): void {
    if (!space.startsWith('entity:')) return;
    const apply = (): void => {
      let view = this.indexView.get(space);
      if (!view) {
        view = new Map();
        this.indexView.set(space, view);
      }
      if (item === undefined) view.delete(key);
      else view.set(key, item);
    };
    if (this.indexLagMs === 0) apply();
    else setTimeout(apply, this.indexLagMs);
  }

  private encodeCursor(scope: string, position: [unknown, string]): string {
    return Buffer.from(JSON.stringify({ scope, position }), 'utf8').toString('base64url');
  }

  private decodeCursor(cursor: string, scope: string): [string | number, string] {
    try {
      const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { scope: string; position: [string | number, string] };
      if (parsed.scope === scope) return parsed.position;
    } catch {
      // fall through
    }
    throw badRequest('INVALID_CURSOR', 'Cursor does not belong to this query');
  }
}

interface ConditionSet {
  operator: 'and' | 'or';
  items: Array<EntityFilterClauses & { property: string }>;
}

const conditionSetOf = <T>(filter: BaseFilter<T> | AndFilter<T> | OrFilter<T> | undefined): ConditionSet | undefined => {
  if (!filter) return undefined;
  const base = filter as BaseFilter<T>;
  return { operator: base.operator(), items: base.filters() as ConditionSet['items'] };
};

type TransactionOp =
  | { kind: 'set'; key: string; value: unknown; entityName?: string; conditions?: ConditionSet; options?: SetOptions }
  | { kind: 'delete'; key: string; entityName?: string; conditions?: ConditionSet }
  | { kind: 'check'; key: string; entityName?: string; conditions?: ConditionSet };

class FakeTransaction implements TransactionBuilder {
  private readonly ops: TransactionOp[] = [];
  constructor(private readonly kvs: FakeKvs) {}

  set<T>(key: string, value: T, entity?: EntityConditions<T>, options?: SetOptions): this {
    const conditions = conditionSetOf(entity?.conditions);
    this.ops.push({
      kind: 'set',
      key,
      value,
      ...(entity ? { entityName: entity.entityName } : {}),
      ...(conditions ? { conditions } : {}),
      ...(options ? { options } : {}),
    });
    return this;
  }

  delete<T>(key: string, entity?: EntityConditions<T>): this {
    const conditions = conditionSetOf(entity?.conditions);
    this.ops.push({ kind: 'delete', key, ...(entity ? { entityName: entity.entityName } : {}), ...(conditions ? { conditions } : {}) });
    return this;
  }

  check<T>(key: string, entity: EntityRequiredConditions<T>): this {
    const conditions = conditionSetOf(entity.conditions);
    this.ops.push({ kind: 'check', key, entityName: entity.entityName, ...(conditions ? { conditions } : {}) });
    return this;
  }

  execute(): Promise<void> {
    return this.kvs.executeTransaction(this.ops);
  }
}

class FakeQueryBuilder implements QueryBuilder {
  constructor(
    private readonly kvs: FakeKvs,
    private readonly options: QueryOptions,
  ) {}
  where(property: 'key', condition: WhereClause): QueryBuilder {
    this.options.where = [{ property, ...condition }];
    return this;
  }
  cursor(cursor: string): QueryBuilder {
    this.options.cursor = cursor;
    return this;
  }
  limit(limit: number): QueryBuilder {
    this.options.limit = limit;
    return this;
  }
  getMany<T>(): Promise<ListResult<T>> {
    return this.kvs.runQuery<T>(this.options);
  }
  async getOne<T>(): Promise<Result<T> | undefined> {
    return (await this.limit(1).getMany<T>()).results[0];
  }
}

interface EntityQueryState {
  entityName: string;
  indexName: string;
  partition?: unknown[];
  range?: EntityWhereClauses;
  filters?: ConditionSet;
  sort?: Sort;
  cursor?: string;
  limit?: number;
}

class FakeEntity<T> implements KvsEntity<T> {
  constructor(
    private readonly kvs: FakeKvs,
    private readonly entityName: string,
  ) {}

  get(key: string): Promise<T | undefined>;
  get(key: string, options: GetOptions): Promise<GetResult<T> | undefined>;
  get(key: string, options?: GetOptions): Promise<T | GetResult<T> | undefined> {
    return this.kvs.entityGet<T>(this.entityName, key, options);
  }

  set(key: string, value: T, options?: SetOptions): Promise<void>;
  set(key: string, value: T, options: PolicySetOptions): Promise<void>;
  set<U = T>(key: string, value: T, options: OverrideAndReturnSetOptions): Promise<SetResult<U> | undefined>;
  set<U = T>(key: string, value: T, options?: SetOptions | PolicySetOptions | OverrideAndReturnSetOptions): Promise<void | SetResult<U> | undefined> {
    return this.kvs.entitySet<T, U>(this.entityName, key, value, options);
  }

  delete(key: string): Promise<void> {
    return this.kvs.entityDelete(this.entityName, key);
  }

  query(): IndexQueryBuilder<T> {
    return {
      index: (name: string, indexOptions?: IndexOptions<T>): EntityQueryBuilder<T> =>
        new FakeEntityQuery<T>(this.kvs, {
          entityName: this.entityName,
          indexName: name,
          ...(indexOptions?.partition ? { partition: indexOptions.partition } : {}),
        }),
    };
  }
}

class FakeEntityQuery<T> implements EntityQueryBuilder<T> {
  constructor(
    private readonly kvs: FakeKvs,
    private readonly state: EntityQueryState,
  ) {}
  where(condition: EntityWhereClauses): this {
    this.state.range = condition;
    return this;
  }
  filters(filters: AndFilter<T> | OrFilter<T>): this {
    const set = conditionSetOf(filters);
    if (set) this.state.filters = set;
    return this;
  }
  sort(sort: Sort): this {
    this.state.sort = sort;
    return this;
  }
  cursor(cursor: string): this {
    this.state.cursor = cursor;
    return this;
  }
  limit(limit: number): this {
    this.state.limit = limit;
    return this;
  }
  async getOne(): Promise<Result<T> | undefined> {
    return (await this.limit(1).getMany()).results[0];
  }
  getMany(): Promise<ListResult<T>> {
    return this.kvs.entityQuery<T>(this.state);
  }
}
