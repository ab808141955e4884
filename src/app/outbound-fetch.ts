import type { AppDeps } from './deps';

export type OutboundFetch = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * The one place app code reaches the network outside Confluence and mail: the composition root's
 * `deps.fetch` (Forge: @forge/api's egress-checked fetch, set by createForgeDeps). Only local mode and
 * tests leave it out, and get the global fetch. test/hardening/outbound-fetch-guard.test.ts fails on
 * any other call of the global fetch in src/.
 */
export const outboundFetch = (deps: Pick<AppDeps, 'fetch'>): OutboundFetch => deps.fetch ?? ((url, init) => fetch(url, init));
