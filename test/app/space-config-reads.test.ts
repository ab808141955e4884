/**
 * Forge review rubric CST-05: getSpaceConfig and setSpaceConfig read the space once per call. On Forge one
 * Confluence adapter serves both the caller's rights check and the app's reads of an invocation, and a space
 * the caller could read is reused for the app's look-up (never the other way round).
 */
import { describe, expect, it } from 'vitest';
import { createConfluenceRest } from '../../src/adapters/forge/confluence-rest';
import { getSpaceConfig, setSpaceConfig } from '../../src/app/configs';
import { createConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import { DEFAULT_SITE_PATH } from '../../src/dev/local-app';
import { createHarness, SPACE_ADMIN, VIEWER } from './harness';

const world = async (caller: string) => {
  const harness = await createHarness();
  const emulator = createConfluenceEmulator(await loadFixtureSite(DEFAULT_SITE_PATH));
  // One adapter per invocation, as createForgeDeps builds it.
  const invocation = () => {
    const adapter = createConfluenceRest(
      { asApp: emulator.requestFnFor({ kind: 'app' }), asUser: emulator.requestFnFor({ kind: 'user', accountId: caller }) },
      { invokingAccountId: caller },
    );
    harness.deps.content = adapter.content;
    harness.deps.rights = adapter.rights;
    emulator.stats.reset();
  };
  const spaceReads = () => emulator.stats.log.filter((r) => r.path.startsWith('/wiki/api/v2/spaces?')).map((r) => r.path);
  return { harness, emulator, invocation, spaceReads };
};

describe('space settings read the space once per call', () => {
  it('getSpaceConfig: one space look-up (the rights check), its name and home page come from it', async () => {
    const { harness, invocation, spaceReads } = await world(SPACE_ADMIN.accountId);
    invocation();
    const result = await getSpaceConfig(harness.deps, SPACE_ADMIN, 'DEMO');
    expect(result.space).toMatchObject({ key: 'DEMO', name: expect.any(String) });
    expect(result.space.name).not.toBe('DEMO');
    expect(spaceReads()).toHaveLength(1);
  });

  it('setSpaceConfig: one space look-up', async () => {
    const { harness, invocation, spaceReads } = await world(SPACE_ADMIN.accountId);
    invocation();
    const current = await getSpaceConfig(harness.deps, SPACE_ADMIN, 'DEMO');
    invocation();
    const { version, spaceKey: _key, updatedAt: _at, updatedBy: _by, ...config } = current.config as typeof current.config & { updatedAt: number; updatedBy: string };
    await setSpaceConfig(harness.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version, config: config as never });
    expect(spaceReads()).toHaveLength(1);
  });

  it('a caller who is not an admin of the space is refused, without the app reading the space for them', async () => {
    const { harness, invocation, emulator } = await world(VIEWER.accountId);
    invocation();
    await expect(getSpaceConfig(harness.deps, VIEWER, 'DEMO')).rejects.toMatchObject({ code: 'forbidden' });
    expect(emulator.stats.log.filter((r) => r.principal.kind === 'app' && r.path.startsWith('/wiki/api/v2/spaces'))).toEqual([]);
  });
});
