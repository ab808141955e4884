import React, { useState } from 'react';
import { Button, Form, FormFooter, SectionMessage, Stack, Text } from '@forge/react';
import type { GlobalConfig } from '../../../core/model';
import type { GlobalConfigInput } from '../../../shared/contract';
import { api } from '../../api';
import { ConfigSwitches } from '../config-switches';
import { ConfirmModal } from '../confirm-modal';
import { ImpactModal } from '../impact-modal';
import { PolicyFields } from '../policy-fields';
import { ErrorPanel, Loading } from '../states';
import { useConfigSave } from '../use-config-save';
import { policyProblems } from '../form-checks';
import { globalInput, useGlobalConfig } from './use-global-config';

export const DefaultConfigTab = () => {
  const { resource, reload, replace } = useGlobalConfig();
  if (resource.state === 'loading') return <Loading label="Loading the default link configuration…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  return <DefaultConfigForm key={resource.data.config.version} config={resource.data.config} onSaved={replace} onReload={reload} />;
};

const DefaultConfigForm = ({
  config,
  onSaved,
  onReload,
}: {
  config: GlobalConfig;
  onSaved: (r: Awaited<ReturnType<typeof api.getGlobalConfig>>) => void;
  onReload: () => void;
}) => {
  const [value, setValue] = useState<GlobalConfigInput>(() => globalInput(config));
  /** The master switch off cuts every recipient of every space off at once: confirm first. */
  const { busy, error, fieldErrors, confirmingOff, save, confirmOff, cancelOff, impact, saveAnyway, cancelImpact } = useConfigSave({
    check: () => policyProblems(value),
    preview: () => api.previewPolicyImpact({ level: 'global', config: value }),
    turnsSharingOff: config.sharingEnabled && !value.sharingEnabled,
    write: () => api.setGlobalConfig({ version: config.version, config: value }),
    onSaved,
    savedFlag: { title: 'Default link configuration saved', description: 'It applies to every space and link now.' },
    failedFlagTitle: 'Configuration not saved',
  });

  return (
    <>
      <Form onSubmit={save}>
        <Stack space="space.250">
          {error ? <ErrorPanel error={error} onRetry={error.code === 'version_conflict' ? onReload : undefined} /> : null}
          <ConfigSwitches
            sharing={{
              id: 'global-sharing-enabled',
              label: 'Secure Share enabled for the site',
              note: 'Master switch. Off: no link of the site opens and none can be created. Nothing is deleted.',
              isChecked: value.sharingEnabled,
              onChange: (checked) => setValue((v) => ({ ...v, sharingEnabled: checked })),
            }}
            apply={{
              id: 'global-apply-on-all',
              label: 'Apply on all links',
              note: value.applyOnAllLinks
                ? 'On: these settings are limits no space or link may exceed. Existing links that exceed them stop opening and show as non-compliant.'
                : 'Off: these settings are only the defaults new links start from.',
              isChecked: value.applyOnAllLinks,
              onChange: (checked) => setValue((v) => ({ ...v, applyOnAllLinks: checked })),
            }}
          />
          {!value.sharingEnabled ? (
            <SectionMessage appearance="warning" title="Saving turns sharing off everywhere">
              <Text>Every link of every space stops opening until it is turned back on.</Text>
            </SectionMessage>
          ) : null}
          <PolicyFields
            idPrefix="global"
            value={value}
            selectedUsersText=""
            onSelectedUsersTextChange={() => undefined}
            onChange={(next) => setValue((v) => ({ ...v, ...next }))}
            fieldErrors={fieldErrors}
            showSelectedUsers={false}
          />
          <FormFooter>
            <Button appearance="primary" type="submit" isDisabled={busy}>
              Save configuration
            </Button>
          </FormFooter>
        </Stack>
      </Form>
      {impact ? <ImpactModal impact={impact} busy={busy} onSave={saveAnyway} onCancel={cancelImpact} /> : null}
      {confirmingOff ? (
        <ConfirmModal
          title="Turn Secure Share off for the whole site?"
          body="Every link of every space stops opening at once and open sessions end. No new link can be created. Nothing is deleted: turning it back on restores the links."
          confirmLabel="Turn sharing off"
          appearance="warning"
          busy={busy}
          onConfirm={confirmOff}
          onCancel={cancelOff}
        />
      ) : null}
    </>
  );
};
