import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { getSpaceConfig, setSpaceConfig } from '../../src/app/configs';
import { createLink, getPageSharing } from '../../src/app/links';
import {
  assignConfiguration,
  deleteConfiguration,
  getClassificationSettings,
  getConfigurations,
  saveConfiguration,
  setClassificationRule,
  setNewSpacesConfiguration,
  useAssignedConfiguration,
} from '../../src/app/named-configs';
import { IMPACT_MAX_CHECKED, previewPolicyImpact } from '../../src/app/policy-impact';
import type { NamedConfigInput } from '../../src/shared/configurations-contract';
import { createHarness, EDITOR, SITE_ADMIN, SPACE_ADMIN, type Harness } from './harness';

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> =>
  promise.then(
    () => undefined,
    (e: unknown) => (e instanceof DomainError ? e.code : String(e)),
  );

const settings = (overrides: Record<string, unknown> = {}) => {
  const { version: _v, updatedAt: _u, updatedBy: _b, spaceKey: _k, ...rest } = defaultSpaceConfig('X', 0);
  return { ...rest, ...overrides };
};
const named = (overrides: Partial<NamedConfigInput> = {}): NamedConfigInput => ({
  ...(settings() as Omit<NamedConfigInput, 'name' | 'description'>),
  name: 'Partner spaces',
  description: 'Spaces shared with partners',
  ...overrides,
});

let h: Harness;
beforeEach(async () => {
  h = await createHarness('named-configs');
});

describe('named configurations', () => {
  it('create, assign to two spaces, and both spaces follow it; the space settings say which applies and why', async () => {
    const created = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named({ applyOnSpaceLinks: true, password: 'mandatory' }) });
    const config = created.configs[0]!;
    expect(config).toMatchObject({ name: 'Partner spaces', password: 'mandatory', spaces: [] });
    const assigned = await assignConfiguration(h.deps, SITE_ADMIN, { configId: config.id, spaceKeys: ['DEMO', 'OPS', 'NOPE'] });
    expect(assigned).toMatchObject({ assigned: ['DEMO', 'OPS'], ownSettings: [], notFound: ['NOPE'] });
    expect(assigned.configurations.configs[0]!.spaces).toEqual([
      { key: 'DEMO', ownSettings: false },
      { key: 'OPS', ownSettings: false },
    ]);

    for (const spaceKey of ['DEMO', 'OPS']) {
      const space = await getSpaceConfig(h.deps, SITE_ADMIN, spaceKey);
      expect(space.effective.passwordRequired).toBe(true);
      // The form starts from the settings in force (saving them makes them the space's own).
      expect(space.config).toMatchObject({ spaceKey, password: 'mandatory', applyOnSpaceLinks: true, version: 1 });
      expect(space.configuration).toMatchObject({
        source: { kind: 'assigned', configId: config.id, name: 'Partner spaces' },
        sentence: "This space uses the configuration 'Partner spaces', which a Confluence admin assigned to it.",
      });
    }
    // A new link on a page of either space is held to it.
    expect((await getPageSharing(h.deps, EDITOR, '1002')).policy.passwordRequired).toBe(true);
    expect(await codeOf(createLink(h.deps, EDITOR, { pageId: '1002', settings: {} }))).toBe('policy_violation');
  });

  it("a space's own settings win over its assignment until its admins go back to the assigned configuration", async () => {
    const { configs } = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named({ applyOnSpaceLinks: true, comments: 'none' }) });
    const saved = await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: settings({ comments: 'view_add' }) as never });
    expect(saved.configuration?.source).toEqual({ kind: 'own' });
    const result = await assignConfiguration(h.deps, SITE_ADMIN, { configId: configs[0]!.id, spaceKeys: ['DEMO'] });
    expect(result.ownSettings).toEqual(['DEMO']);
    const own = await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO');
    expect(own.configuration).toMatchObject({ source: { kind: 'own' }, canUseAssigned: true });
    expect(own.effective.comments).toBe('view_add');

    await useAssignedConfiguration(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: own.config.version });
    const after = await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO');
    expect(after.configuration?.source).toMatchObject({ kind: 'assigned', name: 'Partner spaces' });
    expect(after.effective.comments).toBe('none');
  });

  it('the configuration for new spaces applies to spaces without an assignment; an explicit default wins over it', async () => {
    const { configs, version } = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named({ name: 'Locked', sharingEnabled: false }) });
    await setNewSpacesConfiguration(h.deps, SITE_ADMIN, { version, configId: configs[0]!.id });
    expect((await getSpaceConfig(h.deps, SITE_ADMIN, 'OPS')).configuration?.source).toMatchObject({ kind: 'new_spaces', name: 'Locked' });
    expect((await getSpaceConfig(h.deps, SITE_ADMIN, 'OPS')).effective.sharingEnabled).toBe(false);
    await assignConfiguration(h.deps, SITE_ADMIN, { configId: 'default', spaceKeys: ['OPS'] });
    const ops = await getSpaceConfig(h.deps, SITE_ADMIN, 'OPS');
    expect(ops.configuration?.source).toEqual({ kind: 'default', why: 'assigned' });
    expect(ops.effective.sharingEnabled).toBe(true);
  });

  it('edits are version-checked; names are unique; a configuration in use cannot be deleted', async () => {
    const first = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named() });
    expect(await codeOf(saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named({ name: 'Other' }) }))).toBe('version_conflict');
    expect(await codeOf(saveConfiguration(h.deps, SITE_ADMIN, { version: 1, config: named({ name: 'partner SPACES' }) }))).toBe('invalid_input');
    const id = first.configs[0]!.id;
    const edited = await saveConfiguration(h.deps, SITE_ADMIN, { version: 1, id, config: named({ name: 'Partners' }) });
    expect(edited.configs.map((c) => c.name)).toEqual(['Partners']);
    await assignConfiguration(h.deps, SITE_ADMIN, { configId: id, spaceKeys: ['DEMO'] });
    await expect(deleteConfiguration(h.deps, SITE_ADMIN, { version: 2, id })).rejects.toThrow("'Partners' is assigned to 1 space. Assign it another configuration first.");
    await assignConfiguration(h.deps, SITE_ADMIN, { configId: null, spaceKeys: ['DEMO'] });
    expect((await deleteConfiguration(h.deps, SITE_ADMIN, { version: 2, id })).configs).toEqual([]);
    expect((await getConfigurations(h.deps, SITE_ADMIN)).version).toBe(3);
  });

  it('only Confluence admins manage configurations; space admins may only drop their own space settings', async () => {
    expect(await codeOf(getConfigurations(h.deps, SPACE_ADMIN))).toBe('forbidden');
    expect(await codeOf(saveConfiguration(h.deps, SPACE_ADMIN, { version: 0, config: named() }))).toBe('forbidden');
    expect(await codeOf(assignConfiguration(h.deps, SPACE_ADMIN, { configId: 'default', spaceKeys: ['DEMO'] }))).toBe('forbidden');
    expect(await codeOf(useAssignedConfiguration(h.deps, EDITOR, { spaceKey: 'DEMO', version: 0 }))).toBe('forbidden');
  });
});

describe('impact preview', () => {
  it('space level: names the links that would stop opening and each reason; nothing is saved', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'Open one', comments: 'view' } });
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'Protected', comments: 'view' }, password: 'correct horse battery staple' });
    await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'Ops link' } });
    const impact = await previewPolicyImpact(h.deps, SPACE_ADMIN, {
      level: 'space',
      spaceKey: 'DEMO',
      config: settings({ applyOnSpaceLinks: true, password: 'mandatory' }) as never,
    });
    expect(impact).toEqual({
      stopping: 1,
      checked: 2,
      capped: false,
      links: [expect.objectContaining({ name: 'Open one', spaceKey: 'DEMO', reasons: ['A password is required by the space policy'] })],
    });
    expect((await getSpaceConfig(h.deps, SPACE_ADMIN, 'DEMO')).config.version).toBe(0);
  });

  it('global and configuration levels: every affected space, sharing turned off said plainly', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'Demo link' } });
    await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'Ops link' } });
    const global = await previewPolicyImpact(h.deps, SITE_ADMIN, { level: 'global', config: { ...settings(), sharingEnabled: false, applyOnAllLinks: false } as never });
    expect(global.stopping).toBe(2);
    expect(global.links.map((l) => l.reasons)).toEqual([['Sharing would be turned off for the whole site.'], ['Sharing would be turned off for the whole site.']]);

    const { configs } = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named() });
    await assignConfiguration(h.deps, SITE_ADMIN, { configId: configs[0]!.id, spaceKeys: ['OPS'] });
    const tighter = await previewPolicyImpact(h.deps, SITE_ADMIN, {
      level: 'configuration',
      configId: configs[0]!.id,
      config: named({ sharingEnabled: false }),
    });
    expect(tighter).toMatchObject({ stopping: 1, checked: 1, links: [{ name: 'Ops link', reasons: ['Sharing would be turned off in this space.'] }] });
  });

  it('assignment and the new-spaces choice: previewed the same way, only where they change the space level', async () => {
    await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name: 'Demo link' } });
    await createLink(h.deps, EDITOR, { pageId: '2002', settings: { name: 'Ops link' } });
    const { configs, version } = await saveConfiguration(h.deps, SITE_ADMIN, { version: 0, config: named({ sharingEnabled: false }) });
    const id = configs[0]!.id;
    const assign = await previewPolicyImpact(h.deps, SITE_ADMIN, { level: 'assignment', configId: id, spaceKeys: ['OPS'] });
    expect(assign).toMatchObject({ stopping: 1, checked: 1, links: [{ name: 'Ops link', reasons: ['Sharing would be turned off in this space.'] }] });
    // DEMO keeps its own settings: assigning does not change what applies there.
    await setSpaceConfig(h.deps, SPACE_ADMIN, { spaceKey: 'DEMO', version: 0, config: settings() as never });
    expect((await previewPolicyImpact(h.deps, SITE_ADMIN, { level: 'newSpaces', configId: id })).links.map((l) => l.name)).toEqual(['Ops link']);
    expect((await previewPolicyImpact(h.deps, SITE_ADMIN, { level: 'assignment', configId: id, spaceKeys: ['DEMO'] })).stopping).toBe(0);
    expect(version).toBe(1);
    expect(await codeOf(previewPolicyImpact(h.deps, SPACE_ADMIN, { level: 'assignment', configId: id, spaceKeys: ['DEMO'] }))).toBe('forbidden');
  });

  it('stops at its limit and says so (the default limit is 2,000 links)', async () => {
    expect(IMPACT_MAX_CHECKED).toBe(2000);
    for (const name of ['One', 'Two', 'Three']) await createLink(h.deps, EDITOR, { pageId: '1002', settings: { name } });
    const request = { level: 'global', config: { ...settings(), sharingEnabled: false, applyOnAllLinks: false } } as never;
    expect(await previewPolicyImpact(h.deps, SITE_ADMIN, request, { maxChecked: 2 })).toMatchObject({ stopping: 2, checked: 2, capped: true });
    expect(await previewPolicyImpact(h.deps, SITE_ADMIN, request, { maxChecked: 3 })).toMatchObject({ stopping: 3, checked: 3, capped: false });
  });
});

describe('classification rule settings', () => {
  it("offers the site's own levels and stores the chosen one; create then refuses pages at or above it", async () => {
    const before = await getClassificationSettings(h.deps, SITE_ADMIN);
    expect(before.levels.map((l) => l.name)).toEqual(['Public', 'Internal', 'Confidential']);
    expect(before.rule).toBeNull();
    const set = await setClassificationRule(h.deps, SITE_ADMIN, { version: before.version, levelId: 'cl-internal' });
    expect(set.rule).toEqual({ levelId: 'cl-internal', name: 'Internal', order: 2 });
    // 2002 has no level of its own: the OPS space default (Internal) applies.
    await expect(createLink(h.deps, EDITOR, { pageId: '2002', settings: {} })).rejects.toThrow(
      "This page is classified 'Internal'. Pages classified 'Internal' or higher cannot be shared (classification rule set by a Confluence admin).",
    );
    expect(await codeOf(setClassificationRule(h.deps, SITE_ADMIN, { version: set.version, levelId: 'cl-unknown' }))).toBe('invalid_input');
    expect(await codeOf(setClassificationRule(h.deps, SPACE_ADMIN, { version: set.version, levelId: null }))).toBe('forbidden');
  });
});
