import React from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSpaceConfig } from '../../src/core/defaults';
import { GlobalSettingsApp } from '../../src/frontend/components/global-settings-app';
import { SpaceSettingsApp } from '../../src/frontend/components/space-settings-app';
import type { ConfigurationsResult, NamedConfigView, PolicyImpactResult } from '../../src/shared/configurations-contract';
import { openAdminSection } from './admin-navigation';
import { fakeHost } from './fake-host';
import { globalConfig, globalContext, ok, openPolicy, spaceConfigResult, spaceContext } from './fixtures';
import { button, byType, click, field, getByText, hasText, render, select, submit, type } from './forge-doc';

const payloadsOf = (key: string) => fakeHost.invokes.filter((c) => c.functionKey === key).map((c) => c.payload);

const namedConfig = (overrides: Partial<NamedConfigView> = {}): NamedConfigView => {
  const { spaceKey: _k, version: _v, ...rest } = defaultSpaceConfig('X', 0);
  return { ...rest, id: 'cfg-000000000001', name: 'Partner spaces', description: '', spaces: [], moreSpaces: false, ...overrides };
};

const configurations = (overrides: Partial<ConfigurationsResult> = {}): ConfigurationsResult => ({
  version: 3,
  configs: [namedConfig()],
  newSpacesConfigId: 'default',
  defaultSpaces: [],
  ...overrides,
});

const impact = (stopping: number, overrides: Partial<PolicyImpactResult> = {}): PolicyImpactResult => ({
  stopping,
  checked: 9,
  capped: false,
  links: [
    { id: 'l1', name: 'Partner review', pageTitle: 'Product Handbook', spaceKey: 'DEMO', reasons: ['A password is required by the global policy'] },
    { id: 'l2', name: 'Roadmap', pageTitle: 'Roadmap', spaceKey: 'OPS', reasons: ["Comments are capped at 'View' by the global policy", 'A password is required by the global policy'] },
  ].slice(0, stopping),
  ...overrides,
});

describe('global settings: configurations', () => {
  beforeEach(() => {
    fakeHost.reset();
    fakeHost.context = globalContext();
  });

  it('lists configurations with their spaces, creates one, assigns it to two spaces and chooses the one new spaces get', async () => {
    fakeHost.resolvers.getConfigurations = () => ok(configurations({ configs: [namedConfig({ spaces: [{ key: 'HR', ownSettings: true }] })] }));
    const created = namedConfig({ id: 'cfg-000000000002', name: 'Contractors' });
    fakeHost.resolvers.saveConfiguration = () => ok(configurations({ version: 4, configs: [namedConfig(), created] }));
    fakeHost.resolvers.assignConfiguration = () =>
      ok({
        assigned: ['DEMO', 'OPS'],
        ownSettings: [],
        notFound: [],
        configurations: configurations({ version: 4, configs: [namedConfig(), { ...created, spaces: [{ key: 'DEMO', ownSettings: false }, { key: 'OPS', ownSettings: false }] }] }),
      });
    fakeHost.resolvers.setNewSpacesConfiguration = () => ok(configurations({ version: 5, newSpacesConfigId: 'cfg-000000000001' }));
    await render(<GlobalSettingsApp />);
    await openAdminSection('Configurations');
    expect(hasText('Assigned to HR (its own settings apply).')).toBe(true);

    await click(button('New configuration'));
    await type(field('Name'), 'Contractors');
    await submit(byType('Form')[0]!);
    // A new configuration applies to no space: saved without an impact preview.
    expect(payloadsOf('previewPolicyImpact')).toEqual([]);
    expect(payloadsOf('saveConfiguration')).toEqual([{ version: 3, config: expect.objectContaining({ name: 'Contractors', description: '' }) }]);
    expect(hasText('Contractors')).toBe(true);

    await select(field('Configuration'), 'cfg-000000000002');
    await type(field('Space keys'), 'demo, ops');
    await click(button('Assign'));
    expect(payloadsOf('assignConfiguration')).toEqual([{ configId: 'cfg-000000000002', spaceKeys: ['DEMO', 'OPS'] }]);
    expect(hasText('Assigned to DEMO, OPS.')).toBe(true);
    expect(fakeHost.flags.at(-1)?.title).toBe('Assigned to 2 spaces');

    await select(field('New spaces get'), 'cfg-000000000001');
    expect(payloadsOf('setNewSpacesConfiguration')).toEqual([{ version: 4, configId: 'cfg-000000000001' }]);
  });

  it('an assignment that would stop links is previewed first; Cancel assigns nothing, Save anyway assigns', async () => {
    fakeHost.resolvers.getConfigurations = () => ok(configurations());
    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(1));
    fakeHost.resolvers.assignConfiguration = () => ok({ assigned: ['DEMO'], ownSettings: [], notFound: [], configurations: configurations() });
    await render(<GlobalSettingsApp />);
    await openAdminSection('Configurations');
    await select(field('Configuration'), 'cfg-000000000001');
    await type(field('Space keys'), 'DEMO');
    await click(button('Assign'));
    expect(payloadsOf('previewPolicyImpact')).toEqual([{ level: 'assignment', configId: 'cfg-000000000001', spaceKeys: ['DEMO'] }]);
    expect(hasText('1 link will stop opening')).toBe(true);
    await click(button('Cancel'));
    expect(payloadsOf('assignConfiguration')).toEqual([]);
    await click(button('Assign'));
    await click(getByText('Button', 'Save anyway', byType('ModalFooter')[0]!));
    expect(payloadsOf('assignConfiguration')).toEqual([{ configId: 'cfg-000000000001', spaceKeys: ['DEMO'] }]);
  });

  it('editing a configuration in use previews the links that would stop opening, and saves only on Save anyway', async () => {
    fakeHost.resolvers.getConfigurations = () => ok(configurations({ configs: [namedConfig({ spaces: [{ key: 'DEMO', ownSettings: false }] })] }));
    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(1));
    fakeHost.resolvers.saveConfiguration = () => ok(configurations({ version: 4 }));
    await render(<GlobalSettingsApp />);
    await openAdminSection('Configurations');
    await click(button('Edit Partner spaces'));
    expect(hasText('Used by 1 space')).toBe(true);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('previewPolicyImpact')).toEqual([{ level: 'configuration', configId: 'cfg-000000000001', config: expect.objectContaining({ name: 'Partner spaces' }) }]);
    expect(hasText('1 link will stop opening')).toBe(true);
    expect(payloadsOf('saveConfiguration')).toEqual([]);
    await click(getByText('Button', 'Save anyway', byType('ModalFooter')[0]!));
    expect(payloadsOf('saveConfiguration')).toHaveLength(1);
  });
});

describe('global settings: impact preview of the default configuration', () => {
  beforeEach(() => {
    fakeHost.reset();
    fakeHost.context = globalContext();
    fakeHost.resolvers.getGlobalConfig = () => ok({ config: globalConfig({ version: 5 }), effective: openPolicy() });
    fakeHost.resolvers.setGlobalConfig = () => ok({ config: globalConfig({ version: 6 }), effective: openPolicy() });
  });

  it('names each link and reason; Cancel saves nothing, Save anyway saves', async () => {
    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(2));
    await render(<GlobalSettingsApp />);
    await openAdminSection('Default link configuration');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('previewPolicyImpact')).toEqual([{ level: 'global', config: expect.objectContaining({ sharingEnabled: true }) }]);
    expect(hasText('2 links will stop opening')).toBe(true);
    expect(hasText('Roadmap — Roadmap (OPS)')).toBe(true);
    expect(hasText("• Comments are capped at 'View' by the global policy")).toBe(true);
    await click(button('Cancel'));
    expect(payloadsOf('setGlobalConfig')).toEqual([]);

    await submit(byType('Form')[0]!);
    await click(getByText('Button', 'Save anyway', byType('ModalFooter')[0]!));
    expect(payloadsOf('setGlobalConfig')).toHaveLength(1);
  });

  it('saves at once when no link would stop opening, and says when the check was capped', async () => {
    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(0));
    await render(<GlobalSettingsApp />);
    await openAdminSection('Default link configuration');
    await submit(byType('Form')[0]!);
    expect(byType('Modal')).toHaveLength(0);
    expect(payloadsOf('setGlobalConfig')).toHaveLength(1);

    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(1, { capped: true, checked: 2000 }));
    await submit(byType('Form')[0]!);
    expect(hasText('1 link or more will stop opening')).toBe(true);
    expect(hasText('The check stopped after the first 2,000 links, so more links may stop opening than counted here.')).toBe(true);
  });
});

describe('global settings: classification rule', () => {
  beforeEach(() => {
    fakeHost.reset();
    fakeHost.context = globalContext();
  });

  it("offers the site's own levels and saves the chosen one", async () => {
    const levels = [
      { id: 'cl-public', name: 'Public', order: 1, description: '' },
      { id: 'cl-confidential', name: 'Confidential', order: 3, description: '' },
    ];
    fakeHost.resolvers.getClassificationSettings = () => ok({ version: 2, rule: null, levels, levelsProblem: null });
    fakeHost.resolvers.setClassificationRule = () =>
      ok({ version: 3, rule: { levelId: 'cl-confidential', name: 'Confidential', order: 3 }, levels, levelsProblem: null });
    await render(<GlobalSettingsApp />);
    await openAdminSection('Classification');
    const options = (field('Pages that cannot be shared').props.options as Array<{ label: string }>).map((o) => o.label);
    expect(options).toEqual(['No rule: any classification may be shared', 'Public or higher', 'Confidential or higher']);
    await select(field('Pages that cannot be shared'), 'cl-confidential');
    await submit(byType('Form')[0]!);
    expect(payloadsOf('setClassificationRule')).toEqual([{ version: 2, levelId: 'cl-confidential' }]);
    expect(fakeHost.flags.at(-1)?.description).toBe('Pages classified Confidential or higher cannot be shared, and their links stop opening.');
  });
});

describe('space settings: which configuration applies', () => {
  beforeEach(() => {
    fakeHost.reset();
    fakeHost.context = spaceContext('DEMO');
    fakeHost.resolvers.listSpaceLinks = () => ok({ items: [] });
  });

  it('says which configuration applies and why, and goes back to the assigned one', async () => {
    const own = {
      ...spaceConfigResult(),
      configuration: { source: { kind: 'own' as const }, sentence: 'This space uses its own settings, saved by its admins.', canUseAssigned: true },
    };
    const assigned = {
      ...spaceConfigResult({ config: { version: 3 } }),
      configuration: {
        source: { kind: 'assigned' as const, configId: 'cfg-000000000001', name: 'Partner spaces' },
        sentence: "This space uses the configuration 'Partner spaces', which a Confluence admin assigned to it.",
        canUseAssigned: false,
      },
    };
    fakeHost.resolvers.getSpaceConfig = () => ok(own);
    fakeHost.resolvers.useAssignedConfiguration = () => ok(assigned);
    await render(<SpaceSettingsApp />);
    expect(hasText('This space uses its own settings, saved by its admins.')).toBe(true);
    await click(button('Use the assigned configuration'));
    expect(payloadsOf('useAssignedConfiguration')).toEqual([{ spaceKey: 'DEMO', version: 2 }]);
    expect(hasText("This space uses the configuration 'Partner spaces', which a Confluence admin assigned to it.")).toBe(true);
    expect(hasText('Saving the settings below gives this space its own settings, which then apply instead.')).toBe(true);
  });

  it('previews the space links a tighter space policy would stop, before saving', async () => {
    fakeHost.resolvers.getSpaceConfig = () => ok(spaceConfigResult());
    fakeHost.resolvers.previewPolicyImpact = () => ok(impact(1));
    fakeHost.resolvers.setSpaceConfig = () => ok(spaceConfigResult({ config: { version: 3 } }));
    await render(<SpaceSettingsApp />);
    await submit(byType('Form')[0]!);
    expect(payloadsOf('previewPolicyImpact')).toEqual([{ level: 'space', spaceKey: 'DEMO', config: expect.objectContaining({ sharingEnabled: true }) }]);
    expect(hasText('1 link will stop opening')).toBe(true);
    expect(payloadsOf('setSpaceConfig')).toEqual([]);
    await click(getByText('Button', 'Save anyway', byType('ModalFooter')[0]!));
    expect(payloadsOf('setSpaceConfig')).toHaveLength(1);
  });
});
