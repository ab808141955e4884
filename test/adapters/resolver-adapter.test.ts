import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createForgeResolverHandler, toResolverRequest } from '../../src/adapters/forge/resolver-adapter';
import { emulatedConfluence } from '../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { createLocalStore } from '../../src/adapters/local/local-store';
import type { AppDeps } from '../../src/app/deps';

const buildDeps = async (): Promise<AppDeps> => {
  const site = await loadFixtureSite(join(__dirname, '../../fixtures/demo-site.json'));
  const confluence = emulatedConfluence(site);
  return {
    store: await createLocalStore(),
    content: confluence.content,
    rights: confluence.rights,
    mailer: { send: async () => undefined },
    clock: { now: () => Date.parse('2026-11-23T12:00:00Z') },
    random: { bytes: (n) => new Uint8Array(n).fill(7) },
    shareBaseUrl: async () => 'https://example.test/x1/abc',
    bcryptRounds: 4,
  };
};

/** Calls the handler exactly as the Forge runtime does: call + context from the bridge, principal from the platform. */
const invoke = (
  handler: ReturnType<typeof createForgeResolverHandler>,
  functionKey: string,
  payload: unknown,
  principal: string | undefined,
  bridgeContext: Record<string, unknown> = {},
) =>
  handler(
    { call: { functionKey, payload }, context: bridgeContext as never },
    principal ? { principal: { accountId: principal } } : {},
  ) as Promise<{ ok: boolean; data?: unknown; error?: { code: string } }>;

describe('Forge resolver adapter', () => {
  it('takes the caller from the platform principal, never from what the browser sent', async () => {
    const identities: (string | undefined)[] = [];
    const handler = createForgeResolverHandler(async (identity) => {
      identities.push(identity.accountId);
      return buildDeps();
    });
    const ok = await invoke(handler, 'getPageSharing', { pageId: '1001' }, 'u-editor', { accountId: 'u-outsider' });
    expect(ok.ok).toBe(true);
    expect(ok.data).toMatchObject({ page: { id: '1001', spaceKey: 'DEMO' } });
    // A spoofed accountId in the bridge context does not lend the editor's rights to an outsider.
    const denied = await invoke(handler, 'getPageSharing', { pageId: '1001' }, 'u-outsider', { accountId: 'u-editor' });
    expect(denied.ok).toBe(false);
    expect(identities).toEqual(['u-editor', 'u-outsider']);
    const anonymous = await invoke(handler, 'getPageSharing', { pageId: '1001' }, undefined, { accountId: 'u-editor' });
    expect(anonymous).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('answers invalid payloads with an invalid_input envelope', async () => {
    const handler = createForgeResolverHandler(buildDeps);
    expect(await invoke(handler, 'getPageSharing', { pageId: 'abc"' }, 'u-editor')).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('answers with store_unavailable when dependencies cannot be built', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = createForgeResolverHandler(() => {
      throw new Error('kvs down');
    });
    expect(await invoke(handler, 'getPageSharing', { pageId: '1001' }, 'u-editor')).toMatchObject({
      ok: false,
      error: { code: 'store_unavailable' },
    });
    spy.mockRestore();
  });

  it('passes extension on but only a non-empty string accountId', () => {
    expect(toResolverRequest(undefined, { accountId: 42, extension: { content: { id: '1' } } })).toEqual({
      payload: {},
      context: { extension: { content: { id: '1' } } },
    });
    expect(toResolverRequest({ a: 1 }, { accountId: 'acc' }).context.accountId).toBe('acc');
  });
});
