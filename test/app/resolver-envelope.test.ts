import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createResolverRegistry, defineResolver, invokeResolver } from '../../src/app/resolvers';
import { DomainError } from '../../src/core/errors';
import { RESOLVER_KEYS } from '../../src/shared/contract';
import { createHarness } from './harness';

describe('resolver registry and envelope', () => {
  it('registers exactly the contract keys', () => {
    expect(Object.keys(createResolverRegistry()).sort()).toEqual([...RESOLVER_KEYS].sort());
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'nope'])('answers not_found for %s', async (key) => {
    const { deps } = await createHarness();
    const result = await invokeResolver(createResolverRegistry(), key, { payload: {}, context: { accountId: 'u-site-admin' } }, deps);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('maps unexpected errors to a generic internal error, logged but never leaked', async () => {
    const { deps } = await createHarness();
    const logged: unknown[] = [];
    const registry = {
      boom: defineResolver(z.strictObject({}), () => Promise.reject(new Error('SELECT * FROM secrets at /srv/app.js:12'))),
    };
    const result = await invokeResolver(registry, 'boom', { payload: {}, context: { accountId: 'u-editor' } }, deps, (_m, e) => logged.push(e));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toMatch(/SELECT|srv|app\.js/);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', details: [] } });
    expect(logged).toHaveLength(1);
  });

  it('keeps DomainError code, message and details; authenticates before validating', async () => {
    const { deps } = await createHarness();
    const registry = {
      fail: defineResolver(z.strictObject({ n: z.number() }), () =>
        Promise.reject(new DomainError('policy_violation', 'Nope', [{ field: 'comments', message: 'capped' }])),
      ),
    };
    expect(await invokeResolver(registry, 'fail', { payload: { n: 1 }, context: { accountId: 'u' } }, deps)).toEqual({
      ok: false,
      error: { code: 'policy_violation', message: 'Nope', details: [{ field: 'comments', message: 'capped' }] },
    });
    expect(await invokeResolver(registry, 'fail', { payload: { n: 'x' }, context: {} }, deps)).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await invokeResolver(registry, 'fail', { payload: { n: 'x', extra: 1 }, context: { accountId: 'u' } }, deps)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: expect.arrayContaining([expect.objectContaining({ field: 'n' })]) as unknown },
    });
  });

  it('fails closed with upstream_unavailable when Confluence cannot confirm rights', async () => {
    const { deps } = await createHarness();
    const broken = { ...deps, rights: { ...deps.rights, pageEditable: () => Promise.reject(new Error('HTTP 503')) } };
    const result = await invokeResolver(
      createResolverRegistry(),
      'createLink',
      { payload: { pageId: '1002', settings: {} }, context: { accountId: 'u-editor' } },
      broken,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'upstream_unavailable' } });
    expect((await deps.store.links.list({}, { limit: 10 })).items).toHaveLength(0);
  });
});
