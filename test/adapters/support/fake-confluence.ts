import type { RequestFn, RestInit, RestResponse } from '../../../src/adapters/confluence';

export type Reply = { status?: number; json?: unknown; bytes?: Uint8Array; text?: string; headers?: Record<string, string> };
export type Route = (path: string, init?: RestInit) => Reply | undefined;

export interface SentRequest {
  method: string;
  path: string;
  init?: RestInit;
}

export interface FakeConfluence {
  request: RequestFn;
  calls: { path: string; init?: RestInit }[];
  maxInFlight: () => number;
}

/** Every request any fake of this module answered (or refused), for the spec contract check. */
export const sentRequests: SentRequest[] = [];

/**
 * Scripted RequestFn: the first route returning a reply answers; unknown paths fail the test.
 * A key is an exact path, or a regular expression when the route is a function.
 */
export const fakeConfluence = (routes: Record<string, Reply | Route>, delayMs = 5): FakeConfluence => {
  const calls: { path: string; init?: RestInit }[] = [];
  let inFlight = 0;
  let max = 0;
  const request: RequestFn = async (path, init) => {
    calls.push({ path, init });
    sentRequests.push({ method: init?.method ?? 'GET', path, init });
    inFlight += 1;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight -= 1;
    let reply: Reply | undefined;
    for (const [pattern, route] of Object.entries(routes)) {
      if (typeof route === 'function') {
        if (new RegExp(pattern).test(path)) reply = route(path, init);
      } else if (pattern === path) reply = route;
      if (reply) break;
    }
    if (!reply) throw new Error(`unexpected request ${init?.method ?? 'GET'} ${path}`);
    const status = reply.status ?? 200;
    const response: RestResponse = {
      ok: status >= 200 && status < 300,
      status,
      headers: { get: (name) => reply.headers?.[name.toLowerCase()] ?? null },
      json: async () => (reply.json === undefined ? JSON.parse(reply.text ?? '') : structuredClone(reply.json)),
      text: async () => reply.text ?? JSON.stringify(reply.json ?? ''),
      arrayBuffer: async () => (reply.bytes ?? new Uint8Array()).slice().buffer,
    };
    return response;
  };
  return { request, calls, maxInFlight: () => max };
};

export const unexpected: RequestFn = async (path) => {
  throw new Error(`unexpected asUser request ${path}`);
};
