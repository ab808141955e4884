import { fileURLToPath } from 'node:url';
import { createConfluenceEmulator, type ConfluenceEmulator, type ConfluenceEmulatorOptions, type Principal } from '../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';

export const DEMO_SITE = fileURLToPath(new URL('../../fixtures/demo-site.json', import.meta.url));
export const APP: Principal = { kind: 'app' };
export const user = (accountId: string): Principal => ({ kind: 'user', accountId });

export const demoEmulator = async (options: ConfluenceEmulatorOptions = {}): Promise<ConfluenceEmulator> =>
  createConfluenceEmulator(await loadFixtureSite(DEMO_SITE), { now: () => Date.parse('2026-11-23T12:00:00Z'), ...options });

/** GET (or another method) as a principal; returns status, headers and the parsed JSON body. */
export const call = async (
  emulator: ConfluenceEmulator,
  principal: Principal,
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
) => {
  const response = await emulator.fetch(principal, path, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json', ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await response.text();
  let body: any;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
};
