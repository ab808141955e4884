/**
 * The Forge KVS service as @forge/kvs reaches it in the runtime: `global.__forge_fetch__({ type: 'kvs' }, path,
 * { method: 'POST', body })` with the StorageApi wire paths (/api/v1/get, /entity/query, /transaction, …).
 * Each wire request is replayed on a Kvs facade (the strict stand-in), and its answer or ForgeKvsAPIError is
 * sent back in the service's wire shape, so the bundled @forge/kvs client parses it exactly as in production.
 */
import { ForgeKvsAPIError } from '@forge/kvs';
import type { Kvs } from '@forge/kvs/out/interfaces/kvs';

type Json = Record<string, unknown>;
type WireFilter = { and?: Json[]; or?: Json[] } | undefined;

const ALL_METADATA = ['CREATED_AT', 'UPDATED_AT', 'EXPIRE_TIME'];

/** The builder-side shape (operator() / filters()) that Kvs facades read conditions and filters from. */
const filterOf = (wire: WireFilter) => {
  if (!wire) return undefined;
  const operator = wire.and ? 'and' : 'or';
  const items = (wire.and ?? wire.or ?? []) as Json[];
  return { operator: () => operator, filters: () => items };
};

const json = (status: number, body?: unknown): Response =>
  new Response(body === undefined ? '' : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });

const metadataOf = (options: Json | undefined) => ({ ...(options ?? {}), metadataFields: ALL_METADATA }) as never;

export interface KvsWireStats {
  requests: number;
  byPath: Record<string, number>;
}

export const createKvsWire = (kvs: Kvs) => {
  const stats: KvsWireStats = { requests: 0, byPath: {} };

  const answer = async (path: string, body: Json): Promise<Response> => {
    const key = body['key'] as string;
    const options = body['options'] as Json | undefined;
    switch (path) {
      case '/api/v1/get':
      case '/api/v1/secret/get':
      case '/api/v1/entity/get': {
        const result =
          path === '/api/v1/get'
            ? await kvs.get(key, metadataOf(options))
            : path === '/api/v1/secret/get'
              ? await kvs.getSecret(key, metadataOf(options))
              : await kvs.entity(body['entityName'] as string).get(key, metadataOf(options));
        if (result === undefined) return json(404, { code: 'KEY_NOT_FOUND', message: 'The key was not found' });
        return json(200, result);
      }
      case '/api/v1/set':
      case '/api/v1/secret/set':
      case '/api/v1/entity/set': {
        const value = body['value'];
        const result =
          path === '/api/v1/set'
            ? await kvs.set(key, value, options as never)
            : path === '/api/v1/secret/set'
              ? await kvs.setSecret(key, value, options as never)
              : await kvs.entity(body['entityName'] as string).set(key, value, options as never);
        return json(200, result ?? undefined);
      }
      case '/api/v1/delete':
        await kvs.delete(key);
        return json(204);
      case '/api/v1/secret/delete':
        await kvs.deleteSecret(key);
        return json(204);
      case '/api/v1/entity/delete':
        await kvs.entity(body['entityName'] as string).delete(key);
        return json(204);
      case '/api/v1/query': {
        let query = kvs.query(options?.['metadataFields'] ? ({ metadataFields: options['metadataFields'] } as never) : undefined);
        const where = (body['where'] as Json[] | undefined)?.[0];
        if (where) {
          const { property, ...condition } = where;
          query = query.where(property as 'key', condition as never);
        }
        if (body['after']) query = query.cursor(body['after'] as string);
        if (body['limit'] !== undefined) query = query.limit(body['limit'] as number);
        const page = await query.getMany();
        return json(200, { data: page.results, cursor: page.nextCursor });
      }
      case '/api/v1/entity/query': {
        let query = kvs
          .entity(body['entityName'] as string)
          .query(options?.['metadataFields'] ? ({ metadataFields: options['metadataFields'] } as never) : undefined)
          .index(body['indexName'] as string, body['partition'] ? { partition: body['partition'] as never } : undefined);
        if (body['range']) query = query.where(body['range'] as never);
        const filters = filterOf(body['filters'] as WireFilter);
        if (filters) query = query.filters(filters as never);
        if (body['sort']) query = query.sort(body['sort'] as never);
        if (body['cursor']) query = query.cursor(body['cursor'] as string);
        if (body['limit'] !== undefined) query = query.limit(body['limit'] as number);
        const page = await query.getMany();
        return json(200, { data: page.results, cursor: page.nextCursor });
      }
      case '/api/v1/transaction': {
        let tx = kvs.transact();
        const entityOf = (op: Json) =>
          op['entityName'] ? ({ entityName: op['entityName'], conditions: filterOf(op['conditions'] as WireFilter) } as never) : undefined;
        for (const op of (body['set'] as Json[] | undefined) ?? []) tx = tx.set(op['key'] as string, op['value'], entityOf(op), op['options'] as never);
        for (const op of (body['delete'] as Json[] | undefined) ?? []) tx = tx.delete(op['key'] as string, entityOf(op));
        for (const op of (body['check'] as Json[] | undefined) ?? []) tx = tx.check(op['key'] as string, entityOf(op) as never);
        await tx.execute();
        return json(204);
      }
      case '/api/v1/batch/set':
        return json(200, await kvs.batchSet(body as never));
      case '/api/v1/batch/get':
        return json(200, await kvs.batchGet(body as never));
      case '/api/v1/batch/delete':
        return json(200, await kvs.batchDelete(body as never));
      default:
        return json(404, { code: 'NOT_FOUND', message: `No KVS operation at ${path}` });
    }
  };

  const fetch = async (path: string, init?: RequestInit): Promise<Response> => {
    stats.requests += 1;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    if (init?.method !== 'POST') return json(405, { code: 'METHOD_NOT_ALLOWED', message: 'KVS takes POST only' });
    let body: Json;
    try {
      body = JSON.parse(String(init.body ?? '')) as Json;
    } catch {
      return json(400, { code: 'BAD_REQUEST', message: 'The request body is not JSON' });
    }
    try {
      return await answer(path, body);
    } catch (error) {
      if (error instanceof ForgeKvsAPIError) {
        if (process.env["KVS_WIRE_DEBUG"]) console.log("KVS", path, error.code, error.message);
        return json(error.responseDetails?.status ?? 400, { code: error.code, message: error.message, ...(error.context ?? {}) });
      }
      // The client-side checks of @forge/kvs (ForgeKvsError) run before the wire in production; a facade that
      // throws one here still means the request was refused.
      const message = error instanceof Error ? error.message : String(error);
      if (process.env["KVS_WIRE_DEBUG"]) console.log("KVS", path, message, JSON.stringify(body).slice(0, 400));
      return json(400, { code: 'BAD_REQUEST', message });
    }
  };

  return { fetch, stats };
};
