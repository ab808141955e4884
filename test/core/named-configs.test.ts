import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_ID,
  classificationBlocks,
  describeSpaceLevel,
  effectivePolicy,
  emptyPolicyRegistry,
  linkImpact,
  resolveSpaceLevel,
  type NamedConfig,
  type PolicyRegistry,
} from '../../src/core/policy';
import { DAY, NOW, enforcedGlobal, globalConfig, shareLink, spaceConfig } from './policy-fixtures';

const named = (overrides: Partial<NamedConfig> = {}): NamedConfig => ({
  id: 'cfg1',
  name: 'Confidential spaces',
  description: '',
  comments: 'none',
  attachments: 'view',
  childPages: false,
  restrictedChildPages: false,
  password: 'mandatory',
  expiry: { kind: 'custom', maxDays: 7 },
  enforceSso: false,
  selectedUsers: [],
  sharingEnabled: true,
  applyOnSpaceLinks: true,
  updatedAt: NOW,
  updatedBy: 'admin',
  ...overrides,
});

const registry = (overrides: Partial<PolicyRegistry> = {}): PolicyRegistry => ({
  ...emptyPolicyRegistry(NOW),
  configs: [named(), named({ id: 'cfg2', name: 'Open', applyOnSpaceLinks: false, password: 'optional' })],
  version: 1,
  ...overrides,
});

describe('resolveSpaceLevel: own settings, else the assigned configuration, else the one new spaces get, else the default', () => {
  it('a space with its own saved settings uses them, whatever is assigned', () => {
    const own = spaceConfig({ configId: 'cfg1', ownSettings: true, comments: 'view_add' });
    expect(resolveSpaceLevel('DEV', own, registry(), NOW)).toEqual({ config: own, source: { kind: 'own' } });
    // Records saved before assignments existed count as own settings.
    const legacy = spaceConfig({ version: 3 });
    expect(resolveSpaceLevel('DEV', legacy, registry(), NOW).source).toEqual({ kind: 'own' });
  });

  it('an assigned configuration becomes the space level, and the policy enforces it', () => {
    const level = resolveSpaceLevel('DEV', spaceConfig({ configId: 'cfg1', ownSettings: false, version: 2 }), registry(), NOW);
    expect(level.source).toEqual({ kind: 'assigned', configId: 'cfg1', name: 'Confidential spaces' });
    expect(level.config).toMatchObject({ spaceKey: 'DEV', comments: 'none', applyOnSpaceLinks: true, version: 1 });
    const policy = effectivePolicy(globalConfig(), level.config);
    expect(policy.requires.password).toEqual({ value: true, enforcedBy: 'space' });
    expect(policy.requires.expiryMaxDays.value).toBe(7);
  });

  it('a space without record or assignment gets the configuration for new spaces', () => {
    const level = resolveSpaceLevel('NEW', undefined, registry({ newSpacesConfigId: 'cfg2' }), NOW);
    expect(level.source).toEqual({ kind: 'new_spaces', configId: 'cfg2', name: 'Open' });
    expect(resolveSpaceLevel('NEW', undefined, registry(), NOW).source).toEqual({ kind: 'default', why: 'new_spaces' });
    expect(resolveSpaceLevel('NEW', undefined, undefined, NOW).source).toEqual({ kind: 'default', why: 'new_spaces' });
  });

  it('an explicit assignment to the default wins over the configuration for new spaces', () => {
    const space = spaceConfig({ configId: DEFAULT_CONFIG_ID, ownSettings: false });
    const level = resolveSpaceLevel('DEV', space, registry({ newSpacesConfigId: 'cfg1' }), NOW);
    expect(level.source).toEqual({ kind: 'default', why: 'assigned' });
    expect(level.config.version).toBe(0);
  });

  it('an assignment to a configuration that is gone falls back to the default, and says so', () => {
    const level = resolveSpaceLevel('DEV', spaceConfig({ configId: 'gone', ownSettings: false }), registry(), NOW);
    expect(level.source).toEqual({ kind: 'default', why: 'missing' });
    expect(describeSpaceLevel(level.source)).toContain('no longer exists');
  });

  it('says in one sentence which configuration applies and why', () => {
    expect(describeSpaceLevel({ kind: 'assigned', configId: 'cfg1', name: 'Confidential spaces' })).toBe(
      "This space uses the configuration 'Confidential spaces', which a Confluence admin assigned to it.",
    );
    expect(describeSpaceLevel({ kind: 'own' })).toContain('its own settings');
  });
});

describe('linkImpact: the list statuses (the checks decideView runs) under the current and the proposed policy', () => {
  const current = effectivePolicy(globalConfig(), undefined);

  it('names each broken rule of a link that would stop opening', () => {
    const proposed = effectivePolicy(enforcedGlobal({ comments: 'view', password: 'mandatory' }), undefined);
    expect(linkImpact(shareLink({ comments: 'view_add' }), current, proposed, NOW)).toEqual({
      reasons: ["Comments are capped at 'View' by the global policy", 'A password is required by the global policy'],
    });
  });

  it('says when sharing itself would be turned off', () => {
    expect(linkImpact(shareLink(), current, effectivePolicy(globalConfig({ sharingEnabled: false }), undefined), NOW)).toEqual({
      reasons: ['Sharing would be turned off for the whole site.'],
    });
    expect(linkImpact(shareLink(), current, effectivePolicy(globalConfig(), spaceConfig({ sharingEnabled: false })), NOW)?.reasons).toEqual([
      'Sharing would be turned off in this space.',
    ]);
  });

  it('leaves out links that still open and links that do not open today', () => {
    const proposed = effectivePolicy(enforcedGlobal({ comments: 'view' }), undefined);
    expect(linkImpact(shareLink({ comments: 'view' }), current, proposed, NOW)).toBeNull();
    expect(linkImpact(shareLink({ comments: 'view_add', status: 'disabled' }), current, proposed, NOW)).toBeNull();
    expect(linkImpact(shareLink({ comments: 'view_add', expiresAt: NOW - DAY }), current, proposed, NOW)).toBeNull();
  });
});

describe('classificationBlocks: pages at or above the chosen level cannot be shared', () => {
  const rule = { levelId: 'conf', name: 'Confidential', order: 3 };
  it.each([
    ['no rule', null, { id: 'secret', name: 'Secret', order: 4 }, false],
    ['unclassified page', rule, null, false],
    ['below the level', rule, { id: 'int', name: 'Internal', order: 2 }, false],
    ['the level itself', rule, { id: 'conf', name: 'Confidential', order: 3 }, true],
    ['above the level', rule, { id: 'secret', name: 'Secret', order: 4 }, true],
  ] as const)('%s', (_n, r, level, blocked) => {
    expect(classificationBlocks(r, level)).toBe(blocked);
  });
});
