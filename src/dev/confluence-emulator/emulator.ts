/**
 * A Confluence Cloud REST emulator held to Atlassian's OpenAPI specs. Every request is matched to a
 * spec operation and validated (path, method, parameters and their limits, body); one the specs do not
 * define is answered 400 "outside the OpenAPI spec: …" and recorded in `stats.specViolations`, so a
 * test can fail on it. Every JSON response is validated against the operation's response schema
 * (`stats.responseViolations`). Content comes from a fixture site and keeps Confluence's rules
 * (site-state.ts): app-user visibility, per-user permissions, hidden emails, threaded comments, the v1
 * attachment download through a 302 to the media service.
 *
 * Local mode and the integration tests run the production REST adapter over `requestFnFor(principal)`.
 */
import { randomBytes } from 'node:crypto';
import { confluenceSpecs, type ConfluenceSpecs } from './openapi';
import { v1Error, type Route, type RouteResult } from './route-kit';
import type { FixtureSite } from './site-schema';
import { createSiteState, openSiteFixture, type Principal, type SiteControl } from './site-state';
import { attachmentBytes, v2Routes } from './v2-routes';
import { v1Routes } from './v1-routes';

export type { Principal, SiteControl } from './site-state';

export interface EmulatorRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | ArrayBuffer | Uint8Array;
}

/** The adapter's RequestFn shape: a WHATWG Response has every member RestResponse needs. */
export type EmulatorRequestFn = (path: string, init?: EmulatorRequestInit) => Promise<Response>;

export interface ConfluenceEmulatorOptions {
  /** Injected clock for timestamps of new content and media links (epoch ms). */
  now?: () => number;
  /** Delay added to every request, to emulate REST round trips. */
  latencyMs?: number;
  /** Probability (0..1) of a 429, or a function deciding per request. */
  inject429?: number | ((request: { principal: Principal; method: string; path: string }) => boolean);
  /** Retry-After seconds sent with an injected 429 (default 1). */
  retryAfterSeconds?: number;
  /** Randomness for inject429 as a probability (default Math.random). */
  random?: () => number;
  /** When set, every content change writes the whole site state here (local mode survives restarts). */
  persistPath?: string;
  /** Tag stored with the persisted state (the fixture's hash). */
  persistTag?: string;
  /** Called for every request outside the specs (local mode prints it). */
  onSpecViolation?: (violation: { method: string; path: string; reason: string }) => void;
}

export interface RequestRecord {
  method: string;
  path: string;
  principal: Principal;
  operationId?: string;
  status: number;
  /** When the request arrived and when its answer was ready (performance.now() ms): sequential waves. */
  startedAt: number;
  endedAt?: number;
}

export interface EmulatorStats {
  /** API requests received (media downloads are counted apart). */
  requests: number;
  byOperation: Record<string, number>;
  /** Requests outside the specs (unknown path or method, bad parameters or body). Tests expect []. */
  specViolations: { method: string; path: string; reason: string }[];
  /** Emulator responses that do not match the operation's response schema (an emulator bug). */
  responseViolations: { operationId: string; status: number; errors: string[] }[];
  /** Spec operations the emulator does not implement (answered 501). */
  notEmulated: { method: string; path: string; operationId: string }[];
  throttled: number;
  mediaRequests: number;
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Times the emulator went from idle to busy: sequential round-trip waves of a caller. */
  waves: number;
  /** The latest requests (at most 5000), oldest first. */
  log: RequestRecord[];
  reset(): void;
}

export interface ConfluenceEmulator {
  fetch(principal: Principal, path: string, init?: EmulatorRequestInit): Promise<Response>;
  /** The adapter's RequestFn for this principal; follows the download redirect as Forge's fetch does. */
  requestFnFor(principal: Principal): EmulatorRequestFn;
  control: SiteControl;
  stats: EmulatorStats;
  specs: ConfluenceSpecs;
}

export const MEDIA_ORIGIN = 'https://api.media.atlassian.com';
const MEDIA_TTL_MS = 5 * 60 * 1000;
const MAX_REDIRECTS = 3;
/** Requests kept in `stats.log` (a long-running local server must not grow without bound). */
const MAX_LOG = 5000;
const ROUTES: Record<string, Route> = { ...v2Routes, ...v1Routes };

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } });

const headerRecord = (headers: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

const newStats = (): EmulatorStats => {
  const stats: EmulatorStats = {
    requests: 0,
    byOperation: {},
    specViolations: [],
    responseViolations: [],
    notEmulated: [],
    throttled: 0,
    mediaRequests: 0,
    maxInFlight: 0,
    waves: 0,
    log: [],
    reset() {
      Object.assign(stats, { requests: 0, byOperation: {}, specViolations: [], responseViolations: [], notEmulated: [], throttled: 0, mediaRequests: 0, maxInFlight: 0, waves: 0, log: [] });
    },
  };
  return stats;
};

const creationListeners = new Set<(emulator: ConfluenceEmulator) => void>();
/** Tells the listener about every emulator created from now on (the test suite's spec guard uses it). */
export const onEmulatorCreated = (listener: (emulator: ConfluenceEmulator) => void): (() => void) => {
  creationListeners.add(listener);
  return () => creationListeners.delete(listener);
};

export const createConfluenceEmulator = (site: FixtureSite, options: ConfluenceEmulatorOptions = {}): ConfluenceEmulator => {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const state = createSiteState(site, {
    now,
    ...(options.persistPath ? { persistPath: options.persistPath } : {}),
    ...(options.persistTag ? { persistTag: options.persistTag } : {}),
  });
  const specs = confluenceSpecs();
  const stats = newStats();
  const mediaTokens = new Map<string, { attachmentId: string; expiresAt: number }>();
  const latency = options.latencyMs ?? 0;
  let inFlight = 0;

  const violation = (v: { method: string; path: string; reason: string }): void => {
    stats.specViolations.push(v);
    options.onSpecViolation?.(v);
  };

  const mediaUrlFor = (attachmentId: string): string => {
    for (const [key, grant] of mediaTokens) if (grant.expiresAt < now()) mediaTokens.delete(key);
    const token = randomBytes(18).toString('base64url');
    mediaTokens.set(token, { attachmentId, expiresAt: now() + MEDIA_TTL_MS });
    const found = state.findAttachment(attachmentId);
    const name = encodeURIComponent(found?.attachment.title ?? 'file');
    return `${MEDIA_ORIGIN}/file/${attachmentId}/binary?token=${token}&client=confluence-emulator&dl=true&name=${name}`;
  };

  const serveMedia = (url: URL): Response => {
    stats.mediaRequests += 1;
    const token = url.searchParams.get('token') ?? '';
    const grant = mediaTokens.get(token);
    if (!grant || grant.expiresAt < now()) return jsonResponse(401, { message: 'The media token is missing or expired.' });
    const found = state.findAttachment(grant.attachmentId);
    if (!found) return jsonResponse(404, { message: 'No such file.' });
    const bytes = attachmentBytes(found.attachment);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        'content-type': found.attachment.mediaType,
        'content-length': String(bytes.byteLength),
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(found.attachment.title)}`,
      },
    });
  };

  const throttled = (principal: Principal, method: string, path: string): boolean => {
    const rule = options.inject429;
    if (rule === undefined) return false;
    return typeof rule === 'number' ? random() < rule : rule({ principal, method, path });
  };

  const toResponse = (result: RouteResult): Response => {
    if (result.bytes) return new Response(result.bytes as Uint8Array<ArrayBuffer>, { status: result.status, headers: result.headers ?? {} });
    if (result.body === undefined) return new Response(null, { status: result.status, headers: result.headers ?? {} });
    return jsonResponse(result.status, result.body, result.headers);
  };

  const handle = async (principal: Principal, path: string, init: EmulatorRequestInit): Promise<Response> => {
    const method = (init.method ?? 'GET').toUpperCase();
    if (path.startsWith(`${MEDIA_ORIGIN}/`)) return serveMedia(new URL(path));
    stats.requests += 1;
    const record: RequestRecord = { method, path, principal, status: 0, startedAt: performance.now() };
    stats.log.push(record);
    if (stats.log.length > MAX_LOG) stats.log.splice(0, stats.log.length - MAX_LOG);
    try {
      return await answer(principal, path, init, method, record);
    } finally {
      record.endedAt = performance.now();
    }
  };

  const answer = async (principal: Principal, path: string, init: EmulatorRequestInit, method: string, record: RequestRecord): Promise<Response> => {
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (throttled(principal, method, path)) {
      stats.throttled += 1;
      record.status = 429;
      return jsonResponse(429, { message: 'Rate limit exceeded.' }, { 'retry-after': String(options.retryAfterSeconds ?? 1) });
    }
    if (path.startsWith('/wiki/download/')) {
      // Not an API path: Confluence answers API clients 401 here (the v1 download endpoint is the API way).
      violation({ method, path, reason: 'outside the OpenAPI spec: /wiki/download/... is not an API path (use the v1 attachment download)' });
      record.status = 401;
      return jsonResponse(401, { message: 'Unauthorized: /wiki/download/ is not available to API clients.' });
    }
    const headers = headerRecord(init.headers);
    const check = await specs.checkRequest({ method, path, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    if (!check.ok) {
      const reason = `outside the OpenAPI spec: ${check.reason}`;
      violation({ method, path, reason });
      record.status = 400;
      return jsonResponse(400, { statusCode: 400, message: reason });
    }
    const { operation } = check;
    record.operationId = operation.operationId;
    stats.byOperation[operation.operationId] = (stats.byOperation[operation.operationId] ?? 0) + 1;
    const route = ROUTES[operation.operationId];
    if (!route) {
      stats.notEmulated.push({ method, path, operationId: operation.operationId });
      record.status = 501;
      return jsonResponse(501, { message: `The Confluence emulator does not implement ${operation.operationId}.` });
    }
    const url = new URL(path, 'https://emulator.invalid');
    let result: RouteResult;
    try {
      result = await route({
        state,
        principal,
        operation,
        url,
        ...(check.json !== undefined ? { json: check.json } : {}),
        ...(check.form !== undefined ? { form: check.form } : {}),
        headers,
        now,
        mediaUrlFor,
      });
    } catch (error) {
      // An emulator bug, not Confluence behaviour: reported like a response outside the specs.
      const message = `Emulator error: ${error instanceof Error ? error.message : String(error)}`;
      stats.responseViolations.push({ operationId: operation.operationId, status: 500, errors: [message] });
      result = v1Error(500, message);
    }
    if (result.body !== undefined && !result.bytes) {
      const errors = specs.checkResponse(operation, result.status, result.body);
      if (errors.length > 0) stats.responseViolations.push({ operationId: operation.operationId, status: result.status, errors });
    }
    record.status = result.status;
    return toResponse(result);
  };

  const fetchAs = async (principal: Principal, path: string, init: EmulatorRequestInit = {}): Promise<Response> => {
    inFlight += 1;
    if (inFlight === 1) stats.waves += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      return await handle(principal, path, init);
    } finally {
      inFlight -= 1;
    }
  };

  const requestFnFor = (principal: Principal): EmulatorRequestFn => async (path, init) => {
    let response = await fetchAs(principal, path, init);
    for (let hops = 0; hops < MAX_REDIRECTS && [301, 302, 303, 307, 308].includes(response.status); hops += 1) {
      const location = response.headers.get('location');
      if (!location) break;
      response = await fetchAs(principal, location, { method: 'GET' });
    }
    return response;
  };

  const emulator: ConfluenceEmulator = { fetch: fetchAs, requestFnFor, control: state.control, stats, specs };
  for (const listener of creationListeners) listener(emulator);
  return emulator;
};

/** Opens a fixture file, restoring the persisted site state when it was made from the same fixture. */
export const openConfluenceEmulator = async (
  fixturePath: string,
  options: Omit<ConfluenceEmulatorOptions, 'persistTag'> = {},
): Promise<ConfluenceEmulator> => {
  const { site, tag } = await openSiteFixture(fixturePath, options.persistPath);
  return createConfluenceEmulator(site, { ...options, persistTag: tag });
};
