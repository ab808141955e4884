/**
 * A strict stand-in for the Forge KVS / Custom Entity Store service, at the HTTP level that @forge/kvs
 * 1.6.5 speaks (`POST /api/v1/<op>` with a JSON body; errors as `{ code, message }` with a status). The
 * real @forge/kvs client runs on top of it (see client.ts), so request shapes, error classes
 * (ForgeKvsAPIError with `code` and `responseDetails.status`) and the "missing key → undefined" rule
 * are the library's own.
 *
 * What it holds the app to (limits.ts has the numbers and sources):
 * - keys, values, depth, secrets, entity names, declared entities/attributes/indexes, 32-bit integers,
 *   index value bytes (range ≤ 900, partition ≤ 1700), query limit 1..100, ≤ 100 conditions,
 *   transactions (≤ 25 ops, each key once, ≤ 4 MB, all-or-nothing, conditions), batches (≤ 25, ≤ 4 MB);
 * - eventual consistency: ON by default. A write reaches the indexes only after `indexLag.ops` further
 *   requests or `indexLag.ms` of real time, whichever comes first, so index queries may return deleted
 *   items, stale values, or miss new ones; gets by key are always consistent;
 * - throttling: a low rate of 429 RATE_LIMIT_EXCEEDED by default (seeded, reproducible), plus
 *   `failNext()` for targeted faults. A throttled request changes nothing;
 * - TTL: expired items stay readable until `collectExpired()` (the platform deletes up to 48 h late);
 * - every request yields to the event loop a random number of times before it touches state, then runs
 *   its read-check-write atomically, so concurrent callers interleave as they would against the server.
 */
import { KVS_ENTITIES, type KvsEntityDefinition } from '../../adapters/forge/kvs-entities';
import { ENTITY_NAME_PATTERN, KEY_PATTERN, KVS_ERROR, KVS_LIMITS, KvsServiceError, badRequest, conflict } from './limits';

interface StoredItem {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireAt?: number;
}

type Space = 'kvs' | 'secret' | `entity:${string}`;

export interface IndexLag {
  /** A write becomes visible to index queries after this many further requests (0 = at once). */
  ops: number;
  /** …or after this many ms of real time, whichever comes first (omit for operation counting only). */
  ms?: number;
}

export interface KvsEmulatorOptions {
  entities?: readonly KvsEntityDefinition[];
  /** Wall clock for TTL and metadata (epoch ms). */
  now?: () => number;
  /** Max event-loop yields before each request touches state (randomised to shuffle concurrent calls). */
  maxHops?: number;
  /** Eventual consistency of index queries. Default `{ ops: 6, ms: 100 }`; `{ ops: 0 }` turns it off. */
  indexLag?: IndexLag;
  /** Share of requests answered 429 RATE_LIMIT_EXCEEDED. Default 0.01; 0 turns it off. */
  rateLimitRate?: number;
  /** Seed of the throttling dice, so a failing run can be replayed. */
  seed?: number;
}

export interface KvsRequestRecord {
  op: string;
  key?: string;
  entityName?: string;
  status: number;
}

export interface KvsAnswer {
  status: number;
  body?: unknown;
}

interface Clause {
  condition: string;
  values: unknown[];
}
type PropertyClause = Clause & { property: string };
interface ConditionSet {
  operator: 'and' | 'or';
  items: PropertyClause[];
}

const DEFAULT_INDEX_LAG: IndexLag = { ops: 6, ms: 100 };
const DEFAULT_RATE_LIMIT_RATE = 0.01;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const TTL_UNIT_MS: Record<string, number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

const OPS: Record<string, string> = {
  '/api/v1/get': 'get',
  '/api/v1/set': 'set',
  '/api/v1/delete': 'delete',
  '/api/v1/query': 'query',
  '/api/v1/secret/get': 'getSecret',
  '/api/v1/secret/set': 'setSecret',
  '/api/v1/secret/delete': 'deleteSecret',
  '/api/v1/entity/get': 'entity.get',
  '/api/v1/entity/set': 'entity.set',
  '/api/v1/entity/delete': 'entity.delete',
  '/api/v1/entity/query': 'entity.query',
  '/api/v1/batch/set': 'batchSet',
  '/api/v1/batch/get': 'batchGet',
  '/api/v1/batch/delete': 'batchDelete',
  '/api/v1/transaction': 'transact',
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const depthOf = (value: unknown): number => {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  for (const child of Object.values(value)) max = Math.max(max, depthOf(child));
  return max + 1;
};

const compare = (a: unknown, b: unknown): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
};

/** Evaluates one condition against an attribute value (undefined = attribute absent). */
const matches = (actual: unknown, clause: Clause): boolean => {
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
      throw badRequest(KVS_ERROR.validation, `Unknown condition ${clause.condition}`);
  }
};

const attributeOf = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined);

/** mulberry32: small, seedable, good enough for fault dice. */
const seededDice = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

interface PendingIndexWrite {
  space: Space;
  key: string;
  item: StoredItem | undefined;
  dueOp: number;
  dueAt: number;
}

interface ScheduledFault {
  status: number;
  code: (typeof KVS_ERROR)[keyof typeof KVS_ERROR];
  message: string;
  /** Only requests whose op matches (e.g. 'entity.query'); all when absent. */
  op?: string;
}

export class KvsEmulator {
  private readonly spaces = new Map<Space, Map<string, StoredItem>>();
  /** What index queries see: the data as of the index lag ago. */
  private readonly indexView = new Map<Space, Map<string, StoredItem>>();
  private readonly pendingIndexWrites: PendingIndexWrite[] = [];
  private readonly entities: Map<string, KvsEntityDefinition>;
  private readonly maxHops: number;
  private readonly dice: () => number;
  private readonly faults: ScheduledFault[] = [];
  private served = 0;
  readonly now: () => number;
  indexLag: IndexLag;
  rateLimitRate: number;
  /** Every request, in order, with the status it got (for tests that assert what the store did). */
  readonly requests: KvsRequestRecord[] = [];

  constructor(options: KvsEmulatorOptions = {}) {
    this.entities = new Map((options.entities ?? KVS_ENTITIES).map((e) => [e.name, e]));
    this.now = options.now ?? (() => Date.now());
    this.maxHops = options.maxHops ?? 2;
    this.indexLag = options.indexLag ?? DEFAULT_INDEX_LAG;
    this.rateLimitRate = options.rateLimitRate ?? DEFAULT_RATE_LIMIT_RATE;
    this.dice = seededDice(options.seed ?? 1);
  }

  // ------------------------------------------------------------------------------------ test controls

  /** Makes every write so far visible to index queries. */
  settleIndexes(): void {
    for (const write of this.pendingIndexWrites.splice(0)) this.applyIndexWrite(write);
  }

  /** Answers the next `count` requests (matching `op`, when given) with this error instead of serving them. */
  failNext(count: number, fault: Partial<ScheduledFault> = {}): void {
    for (let i = 0; i < count; i++) {
      this.faults.push({
        status: fault.status ?? 429,
        code: fault.code ?? KVS_ERROR.rateLimitExceeded,
        message: fault.message ?? 'Rate limit exceeded',
        ...(fault.op === undefined ? {} : { op: fault.op }),
      });
    }
  }

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

  // ------------------------------------------------------------------------------------------ HTTP

  /** `fetch`-style entry point for @forge/kvs's StorageApi (and for `__forge_fetch__` in a runtime simulation). */
  async fetch(path: string, init?: { body?: unknown }): Promise<Response> {
    let body: unknown;
    try {
      body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
    } catch {
      return this.toResponse({ status: 400, body: { code: KVS_ERROR.validation, message: 'Request body is not JSON' } });
    }
    const payloadBytes = typeof init?.body === 'string' ? utf8Bytes(init.body) : 0;
    return this.toResponse(await this.handle(path, body, payloadBytes));
  }

  /** Serves one request: status and JSON body, as the service would answer it. */
  async handle(path: string, body: unknown, payloadBytes = 0): Promise<KvsAnswer> {
    const op = OPS[path];
    const record: KvsRequestRecord = { op: op ?? path, status: 0, ...this.describe(body) };
    this.requests.push(record);
    await this.hop();
    this.served++;
    this.applyDueIndexWrites();
    let answer: KvsAnswer;
    try {
      if (op === undefined) throw new KvsServiceError(404, KVS_ERROR.notFound, `No such KVS endpoint: ${path}`);
      this.throttle(op);
      answer = this.serve(op, body, payloadBytes);
    } catch (e) {
      if (!(e instanceof KvsServiceError)) throw e;
      answer = { status: e.status, body: { code: e.code, message: e.message } };
    }
    record.status = answer.status;
    return answer;
  }

  private toResponse(answer: KvsAnswer): Response {
    const headers = { 'content-type': 'application/json', 'x-trace-id': `kvs-emulator-${this.served}` };
    if (answer.status === 204) return new Response(null, { status: 204, headers });
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), { status: answer.status, headers });
  }

  private describe(body: unknown): { key?: string; entityName?: string } {
    if (!isRecord(body)) return {};
    return {
      ...(typeof body['key'] === 'string' ? { key: body['key'] } : {}),
      ...(typeof body['entityName'] === 'string' ? { entityName: body['entityName'] } : {}),
    };
  }

  private throttle(op: string): void {
    const index = this.faults.findIndex((f) => f.op === undefined || f.op === op);
    if (index >= 0) {
      const [fault] = this.faults.splice(index, 1);
      throw new KvsServiceError(fault!.status, fault!.code, fault!.message);
    }
    if (this.rateLimitRate > 0 && this.dice() < this.rateLimitRate) {
      throw new KvsServiceError(429, KVS_ERROR.rateLimitExceeded, 'Rate limit exceeded');
    }
  }

  private serve(op: string, body: unknown, payloadBytes: number): KvsAnswer {
    switch (op) {
      case 'get':
        return this.read('kvs', this.object(body));
      case 'getSecret':
        return this.read('secret', this.object(body));
      case 'entity.get': {
        const b = this.object(body);
        return this.read(this.entitySpace(b['entityName']), b);
      }
      case 'set':
        return this.write('kvs', this.object(body), KVS_LIMITS.maxValueBytes);
      case 'setSecret':
        return this.write('secret', this.object(body), KVS_LIMITS.maxSecretBytes);
      case 'entity.set': {
        const b = this.object(body);
        return this.write(this.entitySpace(b['entityName']), b, KVS_LIMITS.maxValueBytes);
      }
      case 'delete':
        return this.delete('kvs', this.object(body));
      case 'deleteSecret':
        return this.delete('secret', this.object(body));
      case 'entity.delete': {
        const b = this.object(body);
        return this.delete(this.entitySpace(b['entityName']), b);
      }
      case 'query':
        return { status: 200, body: this.query(this.object(body)) };
      case 'entity.query':
        return { status: 200, body: this.entityQuery(this.object(body)) };
      case 'batchSet':
      case 'batchGet':
      case 'batchDelete':
        return { status: 200, body: this.batch(op, body, payloadBytes) };
      case 'transact':
        this.transact(this.object(body), payloadBytes);
        return { status: 204 };
      default:
        throw new KvsServiceError(404, KVS_ERROR.notFound, `No such KVS operation: ${op}`);
    }
  }

  // ------------------------------------------------------------------------------------ operations

  private read(space: Space, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body['key']);
    const item = this.space(space).get(key);
    if (!item) return { status: 404, body: { code: KVS_ERROR.keyNotFound, message: 'Key not found' } };
    return { status: 200, body: this.itemBody(key, item) };
  }

  private write(space: Space, body: Record<string, unknown>, maxBytes: number): KvsAnswer {
    const key = this.checkKey(body['key']);
    const value = body['value'];
    this.checkValue(space, value, maxBytes);
    const options = isRecord(body['options']) ? body['options'] : {};
    const ttl = this.ttlMs(options['ttl']);
    const previous = this.space(space).get(key);
    const policy = options['keyPolicy'];
    if (policy !== undefined && policy !== 'OVERRIDE' && policy !== 'FAIL_IF_EXISTS') {
      throw badRequest(KVS_ERROR.validation, `Unknown keyPolicy ${String(policy)}`);
    }
    if (policy === 'FAIL_IF_EXISTS' && previous) throw conflict(KVS_ERROR.keyConflict, `Key ${key} already exists`);
    const stored = this.store(space, key, value, ttl);
    const returnValue = options['returnValue'];
    if (returnValue === undefined) return { status: 200 };
    if (policy !== 'OVERRIDE') throw badRequest(KVS_ERROR.validation, 'returnValue needs keyPolicy OVERRIDE');
    const returned = returnValue === 'PREVIOUS' ? previous : stored;
    return returned === undefined ? { status: 200 } : { status: 200, body: this.itemBody(key, returned) };
  }

  private delete(space: Space, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body['key']);
    if (!this.space(space).has(key)) return { status: 404, body: { code: KVS_ERROR.keyNotFound, message: 'Key not found' } };
    this.remove(space, key);
    return { status: 204 };
  }

  private query(body: Record<string, unknown>): { data: unknown[]; cursor?: string } {
    const limit = this.checkLimit(body['limit']);
    const where = body['where'];
    let prefix = '';
    if (where !== undefined) {
      const clauses = Array.isArray(where) ? (where as PropertyClause[]) : [];
      const clause = clauses[0];
      if (clauses.length !== 1 || !clause || clause.property !== 'key' || clause.condition !== 'BEGINS_WITH' || typeof clause.values?.[0] !== 'string') {
        throw badRequest(KVS_ERROR.validation, 'Key-value queries only support where("key", beginsWith(<string>))');
      }
      prefix = clause.values[0] as string;
    }
    const keys = [...this.space('kvs').keys()].filter((k) => k.startsWith(prefix)).sort();
    const scope = `kvs|${prefix}`;
    const after = body['after'] === undefined ? undefined : this.decodeCursor(body['after'], scope)[1];
    const start = after === undefined ? 0 : keys.findIndex((k) => k > after);
    const page = start < 0 ? [] : keys.slice(start, start + limit);
    const data = page.map((key) => this.listItem(key, this.space('kvs').get(key)!));
    const more = start >= 0 && start + limit < keys.length;
    return more ? { data, cursor: this.encodeCursor(scope, ['', page.at(-1)!]) } : { data };
  }

  private entityQuery(body: Record<string, unknown>): { data: unknown[]; cursor?: string } {
    const entityName = body['entityName'];
    const space = this.entitySpace(entityName);
    const definition = this.definition(entityName as string);
    const indexName = body['indexName'];
    const index = definition.indexes?.find((i) => i.name === indexName);
    if (!index) throw badRequest(KVS_ERROR.invalidEntityIndex, `Entity ${definition.name} has no index ${String(indexName)}`);
    const partitionAttrs = index.partition ?? [];
    const partition = body['partition'] === undefined ? [] : body['partition'];
    if (!Array.isArray(partition) || partition.length !== partitionAttrs.length) {
      throw badRequest(KVS_ERROR.validation, `Index ${index.name} needs ${partitionAttrs.length} partition value(s)`);
    }
    partition.forEach((value: unknown, i) => this.checkAttribute(definition, partitionAttrs[i]!, value));
    const limit = this.checkLimit(body['limit']);
    const rangeAttr = index.range[0];
    const range = body['range'] === undefined ? undefined : this.checkClause(body['range'], definition.attributes[rangeAttr]?.type);
    const filters = this.conditionSet(body['filters'], definition);
    const conditionCount = (range ? 1 : 0) + (filters?.items.length ?? 0);
    if (conditionCount > KVS_LIMITS.maxQueryConditions) {
      throw badRequest(KVS_ERROR.validation, `A query allows at most ${KVS_LIMITS.maxQueryConditions} conditions`);
    }
    const sort = body['sort'] ?? 'ASC';
    if (sort !== 'ASC' && sort !== 'DESC') throw badRequest(KVS_ERROR.validation, `Unknown sort ${String(sort)}`);

    const candidates: Array<{ key: string; range: string | number; item: StoredItem }> = [];
    for (const [key, item] of this.indexView.get(space) ?? new Map<string, StoredItem>()) {
      const rangeValue = attributeOf(item.value, rangeAttr);
      if (typeof rangeValue !== 'string' && typeof rangeValue !== 'number') continue;
      if (partitionAttrs.some((attr, i) => attributeOf(item.value, attr) !== partition[i])) continue;
      if (range && !matches(rangeValue, range)) continue;
      candidates.push({ key, range: rangeValue, item });
    }
    const descending = sort === 'DESC';
    const order = (a: { range: string | number; key: string }, b: { range: string | number; key: string }): number => {
      const byRange = compare(a.range, b.range) ?? 0;
      return byRange !== 0 ? byRange : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    };
    candidates.sort((a, b) => (descending ? -order(a, b) : order(a, b)));
    const scope = JSON.stringify([definition.name, index.name, partition, range ?? null, sort, filters ?? null]);
    let start = 0;
    if (body['cursor'] !== undefined) {
      const [rangeValue, key] = this.decodeCursor(body['cursor'], scope);
      start = candidates.findIndex((c) => {
        const o = order(c, { range: rangeValue, key });
        return descending ? o < 0 : o > 0;
      });
      if (start < 0) start = candidates.length;
    }
    // Like the platform, the limit applies before filters: a filtered page may be short, even empty.
    const scanned = candidates.slice(start, start + limit);
    const kept = filters
      ? scanned.filter((c) => {
          const results = filters.items.map((f) => matches(attributeOf(c.item.value, f.property), f));
          return filters.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
        })
      : scanned;
    const data = kept.map((c) => this.listItem(c.key, c.item));
    const last = scanned.at(-1);
    return start + limit < candidates.length && last ? { data, cursor: this.encodeCursor(scope, [last.range, last.key]) } : { data };
  }

  private batch(op: string, body: unknown, payloadBytes: number): { successfulKeys: unknown[]; failedKeys: unknown[] } {
    if (!Array.isArray(body) || body.length === 0 || body.length > KVS_LIMITS.maxBatchItems) {
      throw badRequest(KVS_ERROR.validation, `A batch allows 1..${KVS_LIMITS.maxBatchItems} items`);
    }
    if (payloadBytes > KVS_LIMITS.maxBatchBytes) throw badRequest(KVS_ERROR.maxSize, 'A batch is limited to 4 MB');
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const raw of body as unknown[]) {
      const item = this.object(raw);
      const ref = { key: item['key'], ...(item['entityName'] === undefined ? {} : { entityName: item['entityName'] }) };
      try {
        const space: Space = item['entityName'] === undefined ? 'kvs' : this.entitySpace(item['entityName']);
        if (op === 'batchSet') {
          this.write(space, { key: item['key'], value: item['value'], ...(item['options'] === undefined ? {} : { options: item['options'] }) }, KVS_LIMITS.maxValueBytes);
          successfulKeys.push(ref);
        } else if (op === 'batchGet') {
          const key = this.checkKey(item['key']);
          const found = this.space(space).get(key);
          if (found) successfulKeys.push({ ...ref, ...this.itemBody(key, found) });
          else failedKeys.push({ ...ref, error: { code: KVS_ERROR.keyNotFound, message: 'Key not found' } });
        } else {
          this.remove(space, this.checkKey(item['key']));
          successfulKeys.push(ref);
        }
      } catch (e) {
        if (!(e instanceof KvsServiceError)) throw e;
        failedKeys.push({ ...ref, error: { code: e.code, message: e.message } });
      }
    }
    return { successfulKeys, failedKeys };
  }

  /** All-or-nothing: validates every operation, then checks every condition, then applies. */
  private transact(body: Record<string, unknown>, payloadBytes: number): void {
    if (payloadBytes > KVS_LIMITS.maxTransactionBytes) throw badRequest(KVS_ERROR.maxSize, 'A transaction is limited to 4 MB');
    type Op = { kind: 'set' | 'delete' | 'check'; body: Record<string, unknown> };
    const list = (kind: Op['kind']): Op[] => {
      const raw = body[kind];
      if (raw === undefined) return [];
      if (!Array.isArray(raw)) throw badRequest(KVS_ERROR.validation, `Transaction ${kind} must be a list`);
      return raw.map((b: unknown) => ({ kind, body: this.object(b) }));
    };
    const ops = [...list('set'), ...list('delete'), ...list('check')];
    if (ops.length === 0) throw badRequest(KVS_ERROR.validation, 'A transaction needs at least one operation');
    if (ops.length > KVS_LIMITS.maxTransactionOps) {
      throw badRequest(KVS_ERROR.validation, `A transaction allows at most ${KVS_LIMITS.maxTransactionOps} operations, got ${ops.length}`);
    }
    const seen = new Set<string>();
    const prepared = ops.map((op) => {
      const entityName = op.body['entityName'];
      const space: Space = entityName === undefined ? 'kvs' : this.entitySpace(entityName);
      const key = this.checkKey(op.body['key']);
      if (seen.has(`${space}|${key}`)) throw badRequest(KVS_ERROR.validation, `Key ${key} is used more than once in a transaction`);
      seen.add(`${space}|${key}`);
      const conditions = entityName === undefined ? undefined : this.conditionSet(op.body['conditions'], this.definition(entityName as string));
      if (op.body['conditions'] !== undefined && entityName === undefined) throw badRequest(KVS_ERROR.validation, 'Conditions need an entity');
      if (op.kind === 'check' && (entityName === undefined || !conditions)) throw badRequest(KVS_ERROR.validation, 'check needs an entity and conditions');
      const options = isRecord(op.body['options']) ? op.body['options'] : {};
      if (op.kind === 'set') this.checkValue(space, op.body['value'], KVS_LIMITS.maxValueBytes);
      return { op, space, key, conditions, ttl: op.kind === 'set' ? this.ttlMs(options['ttl']) : undefined };
    });
    for (const { op, space, key, conditions } of prepared) {
      if (!conditions) continue;
      const current = this.space(space).get(key);
      if (op.kind === 'check' && !current) throw conflict(KVS_ERROR.conditionFailed, `Transaction check failed: ${key} does not exist`);
      const results = conditions.items.map((c) => matches(attributeOf(current?.value, c.property), c));
      const ok = conditions.operator === 'and' ? results.every(Boolean) : results.some(Boolean);
      if (!ok) throw conflict(KVS_ERROR.conditionFailed, `Transaction condition failed for ${key}`);
    }
    for (const { op, space, key, ttl } of prepared) {
      if (op.kind === 'set') this.store(space, key, op.body['value'], ttl);
      if (op.kind === 'delete') this.remove(space, key);
    }
  }

  // -------------------------------------------------------------------------------------- checks

  private object(body: unknown): Record<string, unknown> {
    if (!isRecord(body)) throw badRequest(KVS_ERROR.validation, 'Request body must be a JSON object');
    return body;
  }

  private checkKey(key: unknown): string {
    if (key === undefined || key === null || key === '') throw badRequest(KVS_ERROR.emptyKey, 'Key cannot be empty');
    if (typeof key !== 'string') throw badRequest(KVS_ERROR.invalidKey, 'Key must be a string');
    if (key.length > KVS_LIMITS.maxKeyLength) throw badRequest(KVS_ERROR.keyTooLong, `Key exceeds ${KVS_LIMITS.maxKeyLength} characters`);
    if (!KEY_PATTERN.test(key)) throw badRequest(KVS_ERROR.invalidKey, `Key ${JSON.stringify(key)} does not match ${KEY_PATTERN}`);
    return key;
  }

  private checkValue(space: Space, value: unknown, maxBytes: number): void {
    if (value === null || value === undefined) throw badRequest(KVS_ERROR.validation, 'null or missing values cannot be stored');
    const json = JSON.stringify(value);
    if (utf8Bytes(json) > maxBytes) throw badRequest(KVS_ERROR.maxSize, `Value exceeds the maximum size of ${maxBytes} bytes`);
    if (depthOf(value) > KVS_LIMITS.maxDepth) throw badRequest(KVS_ERROR.maxDepth, `Value exceeds the maximum object depth of ${KVS_LIMITS.maxDepth}`);
    if (space.startsWith('entity:')) this.checkEntityValue(this.definition(space.slice('entity:'.length)), value);
  }

  private checkEntityValue(definition: KvsEntityDefinition, value: unknown): void {
    if (!isRecord(value)) throw badRequest(KVS_ERROR.invalidEntityValue, `Entity ${definition.name} values must be objects`);
    for (const [attr, attrValue] of Object.entries(value)) this.checkAttribute(definition, attr, attrValue);
    for (const index of definition.indexes ?? []) {
      const bytes = (attrs: readonly string[]) =>
        attrs.reduce((sum, attr) => {
          const v = value[attr];
          return sum + (v === undefined ? 0 : utf8Bytes(typeof v === 'string' ? v : JSON.stringify(v)));
        }, 0);
      if (bytes(index.range) > KVS_LIMITS.maxRangeValueBytes) {
        throw badRequest(KVS_ERROR.invalidEntityValue, `Range values of index ${index.name} exceed ${KVS_LIMITS.maxRangeValueBytes} bytes`);
      }
      if (bytes(index.partition ?? []) > KVS_LIMITS.maxPartitionValueBytes) {
        throw badRequest(KVS_ERROR.invalidEntityValue, `Partition values of index ${index.name} exceed ${KVS_LIMITS.maxPartitionValueBytes} bytes`);
      }
    }
  }

  private checkAttribute(definition: KvsEntityDefinition, attr: string, value: unknown): void {
    const type = definition.attributes[attr]?.type;
    if (type === undefined) throw badRequest(KVS_ERROR.invalidEntityValue, `Attribute ${attr} is not declared for entity ${definition.name}`);
    if (value === null || value === undefined) throw badRequest(KVS_ERROR.invalidEntityValue, `Attribute ${attr} of ${definition.name} is null`);
    const ok =
      type === 'any' ||
      (type === 'string' && typeof value === 'string') ||
      (type === 'boolean' && typeof value === 'boolean') ||
      (type === 'float' && typeof value === 'number' && Number.isFinite(value)) ||
      (type === 'integer' && Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX);
    if (!ok) {
      throw badRequest(KVS_ERROR.invalidEntityValue, `Attribute ${attr} of ${definition.name} must be ${type}${type === 'integer' ? ' (32-bit)' : ''}, got ${JSON.stringify(value)}`);
    }
  }

  private checkClause(raw: unknown, type: string | undefined): Clause {
    const clause = this.object(raw) as unknown as Clause;
    if (typeof clause.condition !== 'string' || !Array.isArray(clause.values)) throw badRequest(KVS_ERROR.validation, 'Malformed condition');
    if (clause.condition === 'BETWEEN' && clause.values.length < 2) throw badRequest(KVS_ERROR.insufficientFilterValues, 'BETWEEN needs two values');
    for (const v of clause.values) {
      if (type === 'string' && typeof v !== 'string') throw badRequest(KVS_ERROR.validation, `Condition on a string attribute needs strings, got ${JSON.stringify(v)}`);
      if ((type === 'integer' || type === 'float') && typeof v !== 'number') throw badRequest(KVS_ERROR.validation, 'Condition on a number attribute needs numbers');
    }
    return clause;
  }

  private conditionSet(raw: unknown, definition: KvsEntityDefinition): ConditionSet | undefined {
    if (raw === undefined) return undefined;
    const body = this.object(raw);
    const operators = Object.keys(body);
    if (operators.length > 1) throw badRequest(KVS_ERROR.invalidFilterOperatorsCombination, 'Filter operators "and" and "or" cannot be present at the same level');
    const operator = operators[0];
    if (operator !== 'and' && operator !== 'or') throw badRequest(KVS_ERROR.emptyFilterOperator, 'Filter operators "and" and "or" cannot be empty');
    const items = body[operator];
    if (!Array.isArray(items) || items.length === 0) throw badRequest(KVS_ERROR.emptyFilterOperator, 'Filter operators "and" and "or" cannot be empty');
    return {
      operator,
      items: items.map((item: unknown) => {
        const clause = this.object(item);
        const property = clause['property'];
        if (typeof property !== 'string' || !(property in definition.attributes)) {
          throw badRequest(KVS_ERROR.validation, `Unknown attribute ${String(property)} of ${definition.name}`);
        }
        return { property, ...this.checkClause(clause, undefined) };
      }),
    };
  }

  private checkLimit(limit: unknown): number {
    if (limit === undefined) return KVS_LIMITS.defaultQueryLimit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > KVS_LIMITS.maxQueryLimit) {
      throw badRequest(KVS_ERROR.pageLimitNotInRange, `The page limit must be set between 1 and ${KVS_LIMITS.maxQueryLimit}, got ${String(limit)}`);
    }
    return limit;
  }

  private ttlMs(ttl: unknown): number | undefined {
    if (ttl === undefined) return undefined;
    const t = this.object(ttl);
    const unit = TTL_UNIT_MS[String(t['unit'])];
    const value = t['value'];
    if (unit === undefined || typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw badRequest(KVS_ERROR.validation, 'Invalid ttl');
    if (value * unit > KVS_LIMITS.maxTtlMs) throw badRequest(KVS_ERROR.validation, 'ttl exceeds one year');
    return value * unit;
  }

  private definition(entityName: string): KvsEntityDefinition {
    const definition = this.entities.get(entityName);
    if (!definition) throw badRequest(KVS_ERROR.invalidEntityType, `Entity ${entityName} is not declared in the manifest`);
    return definition;
  }

  private entitySpace(entityName: unknown): Space {
    if (typeof entityName !== 'string' || entityName.length < KVS_LIMITS.minEntityNameLength) {
      throw badRequest(KVS_ERROR.entityTypeTooShort, 'Entity names need at least 3 characters');
    }
    if (entityName.length > KVS_LIMITS.maxEntityNameLength) throw badRequest(KVS_ERROR.entityTypeTooLarge, 'Entity names are at most 60 characters');
    if (!ENTITY_NAME_PATTERN.test(entityName)) throw badRequest(KVS_ERROR.invalidEntityType, `Invalid entity name ${entityName}`);
    this.definition(entityName);
    return `entity:${entityName}`;
  }

  // ------------------------------------------------------------------------------------ internals

  private async hop(): Promise<void> {
    const hops = this.maxHops <= 0 ? 0 : 1 + Math.floor(Math.random() * this.maxHops);
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

  private itemBody(key: string, item: StoredItem): Record<string, unknown> {
    return {
      key,
      value: clone(item.value),
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      ...(item.expireAt === undefined ? {} : { expireTime: new Date(item.expireAt).toISOString() }),
    };
  }

  private listItem(key: string, item: StoredItem): Record<string, unknown> {
    return { key, value: clone(item.value), ...(item.expireAt === undefined ? {} : { expireTime: new Date(item.expireAt).toISOString() }) };
  }

  private store(space: Space, key: string, value: unknown, ttl: number | undefined): StoredItem {
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
    return item;
  }

  private remove(space: Space, key: string): void {
    if (this.space(space).delete(key)) this.propagate(space, key, undefined);
  }

  /** Index maintenance, immediate or lagging like the platform's eventually consistent indexes. */
  private propagate(space: Space, key: string, item: StoredItem | undefined): void {
    if (!space.startsWith('entity:')) return;
    const write: PendingIndexWrite = {
      space,
      key,
      item,
      dueOp: this.served + this.indexLag.ops,
      dueAt: this.indexLag.ms === undefined ? Number.POSITIVE_INFINITY : Date.now() + this.indexLag.ms,
    };
    if (this.indexLag.ops <= 0 || this.indexLag.ms === 0) this.applyIndexWrite(write);
    else this.pendingIndexWrites.push(write);
  }

  private applyDueIndexWrites(): void {
    const now = Date.now();
    while (this.pendingIndexWrites.length > 0) {
      const next = this.pendingIndexWrites[0]!;
      if (next.dueOp >= this.served && next.dueAt > now) return;
      this.applyIndexWrite(this.pendingIndexWrites.shift()!);
    }
  }

  private applyIndexWrite(write: PendingIndexWrite): void {
    let view = this.indexView.get(write.space);
    if (!view) {
      view = new Map();
      this.indexView.set(write.space, view);
    }
    if (write.item === undefined) view.delete(write.key);
    else view.set(write.key, write.item);
  }

  private encodeCursor(scope: string, position: [unknown, string]): string {
    return Buffer.from(JSON.stringify({ scope, position }), 'utf8').toString('base64url');
  }

  private decodeCursor(cursor: unknown, scope: string): [string | number, string] {
    try {
      const parsed = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8')) as { scope: string; position: [string | number, string] };
      if (parsed.scope === scope) return parsed.position;
    } catch {
      // fall through
    }
    throw badRequest(KVS_ERROR.invalidCursor, 'Cursor does not belong to this query');
  }
}
