import React, { useState } from 'react';
import { Box, Button, Form, FormFooter, Heading, Inline, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import { defaultSpaceConfig } from '../../../core/defaults';
import { policySettingsOf } from '../../../core/policy-settings';
import type {
  AssignedSpace,
  ConfigurationsResult,
  ImpactRequest,
  NamedConfigInput,
  NamedConfigView,
  PolicyImpactResult,
} from '../../../shared/configurations-contract';
import { api, toResolverError } from '../../api';
import { ConfigSwitches } from '../config-switches';
import { ConfirmModal } from '../confirm-modal';
import { Field } from '../field';
import { flagError, flagSuccess } from '../flags';
import { policyProblems } from '../form-checks';
import { ImpactModal } from '../impact-modal';
import { parseList } from '../labels';
import { PolicyFields, policySelectedUsersText } from '../policy-fields';
import { ErrorPanel, Loading } from '../states';
import { useConfigSave } from '../use-config-save';
import { useResource } from '../use-resource';

const DEFAULT_LABEL = 'Default link configuration';
const spaces = (n: number): string => `${n} ${n === 1 ? 'space' : 'spaces'}`;

const spaceList = (assigned: readonly AssignedSpace[], more: boolean): string =>
  assigned.length === 0
    ? 'Not assigned to any space.'
    : `Assigned to ${assigned.map((s) => (s.ownSettings ? `${s.key} (its own settings apply)` : s.key)).join(', ')}${more ? ' and more' : ''}.`;

const blankInput = (): NamedConfigInput => {
  const { spaceKey: _k, version: _v, updatedAt: _u, updatedBy: _b, configId: _c, ownSettings: _o, ...rest } = defaultSpaceConfig('X', 0);
  return { ...rest, name: '', description: '' };
};

const inputOf = (config: NamedConfigView): NamedConfigInput => ({
  ...policySettingsOf(config),
  name: config.name,
  description: config.description,
  sharingEnabled: config.sharingEnabled,
  applyOnSpaceLinks: config.applyOnSpaceLinks,
});

/**
 * Named space configurations (Policy group): create, edit, delete, assign to spaces, and the one new spaces
 * get. A space uses its own settings, else the configuration assigned to it, else the one for new spaces.
 */
export const ConfigurationsTab = () => {
  const { resource, reload, replace } = useResource(() => api.getConfigurations(), []);
  const [editing, setEditing] = useState<NamedConfigView | 'new' | null>(null);
  if (resource.state === 'loading') return <Loading label="Loading configurations…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  const data = resource.data;
  if (editing !== null) {
    return (
      <ConfigurationEditor
        key={editing === 'new' ? 'new' : `${editing.id}:${data.version}`}
        data={data}
        config={editing === 'new' ? null : editing}
        onDone={(next) => {
          if (next) replace(next);
          setEditing(null);
        }}
        onReload={reload}
      />
    );
  }
  return <ConfigurationsList data={data} onChange={replace} onEdit={setEditing} />;
};

const ConfigurationsList = ({
  data,
  onChange,
  onEdit,
}: {
  data: ConfigurationsResult;
  onChange: (next: ConfigurationsResult) => void;
  onEdit: (config: NamedConfigView | 'new') => void;
}) => {
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<NamedConfigView | null>(null);
  const [assignTo, setAssignTo] = useState<string>(data.configs[0]?.id ?? 'default');
  const [spaceKeys, setSpaceKeys] = useState('');
  /** Links an assignment or the new-spaces choice would stop: shown before it is saved. */
  const [pending, setPending] = useState<{ impact: PolicyImpactResult; apply: () => Promise<void> } | null>(null);
  const options = [{ label: DEFAULT_LABEL, value: 'default' }, ...data.configs.map((c) => ({ label: c.name, value: c.id }))];
  const assignOptions = [...options, { label: 'No assignment (use the one new spaces get)', value: 'none' }];

  const run = async (what: string, call: () => Promise<ConfigurationsResult>, done: string) => {
    setBusy(true);
    try {
      onChange(await call());
      flagSuccess(done);
    } catch (e) {
      flagError(what, toResolverError(e));
    } finally {
      setBusy(false);
    }
  };

  /** Saves at once when no link would stop opening; otherwise shows which would, and saves on Save anyway. */
  const withPreview = async (request: ImpactRequest, apply: () => Promise<void>) => {
    setBusy(true);
    const found = await api.previewPolicyImpact(request).catch(() => null);
    setBusy(false);
    if (found && found.stopping > 0) return setPending({ impact: found, apply });
    return apply();
  };

  const assign = async () => {
    const keys = parseList(spaceKeys).map((k) => k.toUpperCase());
    if (keys.length === 0) return flagError('Nothing assigned', new Error('Enter at least one space key.'));
    const configId = assignTo === 'none' ? null : assignTo;
    return withPreview({ level: 'assignment', configId, spaceKeys: keys }, () => saveAssignment(configId, keys));
  };

  const saveAssignment = async (configId: string | null, keys: string[]) => {
    setBusy(true);
    try {
      const result = await api.assignConfiguration({ configId, spaceKeys: keys });
      onChange(result.configurations);
      setSpaceKeys('');
      const notes = [
        result.ownSettings.length > 0 ? `${result.ownSettings.join(', ')} keep their own settings until their admins go back to the assigned configuration.` : '',
        result.notFound.length > 0 ? `No space ${result.notFound.join(', ')} was found.` : '',
      ].filter(Boolean);
      flagSuccess(`Assigned to ${spaces(result.assigned.length)}`, notes.join(' ') || undefined);
    } catch (e) {
      flagError('Nothing assigned', toResolverError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack space="space.300">
      <Text>
        Besides the default link configuration, you can define configurations for sets of spaces. A space uses its own settings if its admins saved
        some, else the configuration assigned to it, else the one new spaces get.
      </Text>
      <Box xcss={{ maxWidth: '420px' }}>
        <Field id="new-spaces-config" label="New spaces get" helper="Also every space that has no configuration assigned and no settings of its own.">
          <Select
            id="new-spaces-config"
            name="newSpacesConfigId"
            options={options}
            value={options.find((o) => o.value === data.newSpacesConfigId)}
            isDisabled={busy}
            onChange={(o: { value: string }) =>
              void withPreview({ level: 'newSpaces', configId: o.value }, () =>
                run('New spaces setting not saved', () => api.setNewSpacesConfiguration({ version: data.version, configId: o.value }), 'New spaces setting saved'),
              )
            }
          />
        </Field>
      </Box>
      <Stack space="space.150">
        <Heading as="h3" size="small">
          {DEFAULT_LABEL}
        </Heading>
        <Text>{data.defaultSpaces.length > 0 ? spaceList(data.defaultSpaces, false) : 'Used by every space without another configuration.'}</Text>
      </Stack>
      {data.configs.map((config) => (
        <Stack key={config.id} space="space.100">
          <Heading as="h3" size="small">
            {config.name}
          </Heading>
          {config.description ? <Text>{config.description}</Text> : null}
          <Text>{spaceList(config.spaces, config.moreSpaces)}</Text>
          <Inline space="space.100">
            <Button onClick={() => onEdit(config)} isDisabled={busy}>
              {`Edit ${config.name}`}
            </Button>
            <Button appearance="subtle" onClick={() => setDeleting(config)} isDisabled={busy}>
              {`Delete ${config.name}`}
            </Button>
          </Inline>
        </Stack>
      ))}
      <Box>
        <Button appearance="primary" onClick={() => onEdit('new')} isDisabled={busy}>
          New configuration
        </Button>
      </Box>
      <Stack space="space.150">
        <Heading as="h3" size="small">
          Assign to spaces
        </Heading>
        <Inline space="space.200" alignBlock="end" shouldWrap>
          <Box xcss={{ minWidth: '280px' }}>
            <Field id="assign-config" label="Configuration">
              <Select
                id="assign-config"
                name="assignConfig"
                options={assignOptions}
                value={assignOptions.find((o) => o.value === assignTo)}
                onChange={(o: { value: string }) => setAssignTo(o.value)}
              />
            </Field>
          </Box>
          <Box xcss={{ minWidth: '280px' }}>
            <Field id="assign-spaces" label="Space keys" helper="Separate keys with commas, for example DEMO, OPS.">
              <Textfield id="assign-spaces" name="assignSpaces" value={spaceKeys} onChange={(e) => setSpaceKeys(String(e.target.value ?? ''))} />
            </Field>
          </Box>
          <Button onClick={() => void assign()} isDisabled={busy}>
            Assign
          </Button>
        </Inline>
      </Stack>
      {pending ? (
        <ImpactModal
          impact={pending.impact}
          busy={busy}
          onCancel={() => setPending(null)}
          onSave={() => {
            const { apply } = pending;
            setPending(null);
            void apply();
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmModal
          title={`Delete the configuration “${deleting.name}”?`}
          body="Only a configuration that no space uses can be deleted. Links are never deleted by a policy change."
          confirmLabel="Delete configuration"
          busy={busy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const target = deleting;
            setDeleting(null);
            void run('Configuration not deleted', () => api.deleteConfiguration({ version: data.version, id: target.id }), `Configuration ${target.name} deleted`);
          }}
        />
      ) : null}
    </Stack>
  );
};

const ConfigurationEditor = ({
  data,
  config,
  onDone,
  onReload,
}: {
  data: ConfigurationsResult;
  config: NamedConfigView | null;
  onDone: (next: ConfigurationsResult | null) => void;
  onReload: () => void;
}) => {
  const [value, setValue] = useState<NamedConfigInput>(() => (config ? inputOf(config) : blankInput()));
  const [usersText, setUsersText] = useState(() => policySelectedUsersText(value.selectedUsers));
  const { busy, error, fieldErrors, save, impact, saveAnyway, cancelImpact } = useConfigSave({
    check: () => ({ ...policyProblems(value), ...(value.name.trim() === '' ? { name: 'Give the configuration a name.' } : {}) }),
    turnsSharingOff: false,
    // A new configuration applies to no space yet: nothing to preview.
    ...(config ? { preview: () => api.previewPolicyImpact({ level: 'configuration', configId: config.id, config: value }) } : {}),
    write: () => api.saveConfiguration({ version: data.version, ...(config ? { id: config.id } : {}), config: value }),
    onSaved: (next) => onDone(next),
    savedFlag: { title: config ? 'Configuration saved' : 'Configuration created', description: 'It applies to the spaces that use it now.' },
    failedFlagTitle: 'Configuration not saved',
  });
  return (
    <>
      <Form onSubmit={save}>
        <Stack space="space.250">
          <Heading as="h3" size="small">
            {config ? `Edit ${config.name}` : 'New configuration'}
          </Heading>
          {error ? <ErrorPanel error={error} onRetry={error.code === 'version_conflict' ? onReload : undefined} /> : null}
          {config && config.spaces.length > 0 ? (
            <SectionMessage appearance="information" title={`Used by ${spaces(config.spaces.length)}${config.moreSpaces ? ' or more' : ''}`}>
              <Text>Changes apply to their links as soon as you save.</Text>
            </SectionMessage>
          ) : null}
          <Field id="config-name" label="Name" required error={fieldErrors['name']}>
            <Textfield id="config-name" name="name" value={value.name} onChange={(e) => setValue((v) => ({ ...v, name: String(e.target.value ?? '') }))} />
          </Field>
          <Field id="config-description" label="Description">
            <Textfield
              id="config-description"
              name="description"
              value={value.description}
              onChange={(e) => setValue((v) => ({ ...v, description: String(e.target.value ?? '') }))}
            />
          </Field>
          <ConfigSwitches
            sharing={{
              id: 'config-sharing-enabled',
              label: 'Sharing enabled in spaces that use it',
              note: 'Off: no link of these spaces opens and none can be created. Nothing is deleted.',
              isChecked: value.sharingEnabled,
              onChange: (checked) => setValue((v) => ({ ...v, sharingEnabled: checked })),
            }}
            apply={{
              id: 'config-apply-on-links',
              label: 'Apply on space links',
              note: value.applyOnSpaceLinks
                ? 'On: these settings are limits for the links of these spaces; links that exceed them stop opening.'
                : 'Off: these settings are only the defaults new links start from.',
              isChecked: value.applyOnSpaceLinks,
              onChange: (checked) => setValue((v) => ({ ...v, applyOnSpaceLinks: checked })),
            }}
          />
          <PolicyFields
            idPrefix="config"
            value={value}
            selectedUsersText={usersText}
            onSelectedUsersTextChange={setUsersText}
            onChange={(next) => setValue((v) => ({ ...v, ...next }))}
            fieldErrors={fieldErrors}
          />
          <FormFooter>
            <Button appearance="subtle" onClick={() => onDone(null)}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" isDisabled={busy}>
              {config ? 'Save configuration' : 'Create configuration'}
            </Button>
          </FormFooter>
        </Stack>
      </Form>
      {impact ? <ImpactModal impact={impact} busy={busy} onSave={saveAnyway} onCancel={cancelImpact} /> : null}
    </>
  );
};
