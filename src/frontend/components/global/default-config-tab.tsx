import React, { useState } from 'react';
import { Button, Form, FormFooter, SectionMessage, Stack, Text, Toggle } from '@forge/react';
import type { GlobalConfig } from '../../../core/model';
import type { GlobalConfigInput } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { FieldNotes } from '../field';
import { ConfirmModal } from '../confirm-modal';
import { flagError, flagSuccess } from '../flags';
import { PolicyFields } from '../policy-fields';
import { ErrorPanel, Loading } from '../states';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResolverError | null>(null);

  const [confirmOff, setConfirmOff] = useState(false);

  /** The master switch off cuts every recipient of every space off at once: confirm first. */
  const save = async () => {
    if (config.sharingEnabled && !value.sharingEnabled) return setConfirmOff(true);
    return persist();
  };

  const persist = async () => {
    setConfirmOff(false);
    setBusy(true);
    setError(null);
    try {
      const result = await api.setGlobalConfig({ version: config.version, config: value });
      flagSuccess('Default link configuration saved', 'It applies to every space and link now.');
      onSaved(result);
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure);
      flagError('Configuration not saved', failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Form onSubmit={save}>
        <Stack space="space.250">
          {error ? <ErrorPanel error={error} onRetry={error.code === 'version_conflict' ? onReload : undefined} /> : null}
          <Stack space="space.100">
            <Toggle
              id="global-sharing-enabled"
              label="Secure Share enabled for the site"
              isChecked={value.sharingEnabled}
              onChange={(e) => setValue((v) => ({ ...v, sharingEnabled: Boolean(e.target.checked) }))}
            />
            <FieldNotes helper="Master switch. Off: no link of the site opens and none can be created. Nothing is deleted." />
            <Toggle
              id="global-apply-on-all"
              label="Apply on all links"
              isChecked={value.applyOnAllLinks}
              onChange={(e) => setValue((v) => ({ ...v, applyOnAllLinks: Boolean(e.target.checked) }))}
            />
            <FieldNotes
              helper={
                value.applyOnAllLinks
                  ? 'On: these settings are limits no space or link may exceed. Existing links that exceed them stop opening and show as non-compliant.'
                  : 'Off: these settings are only the defaults new links start from.'
              }
            />
          </Stack>
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
            fieldErrors={error?.fieldMessages()}
            showSelectedUsers={false}
          />
          <FormFooter>
            <Button appearance="primary" type="submit" isDisabled={busy}>
              Save configuration
            </Button>
          </FormFooter>
        </Stack>
      </Form>
      {confirmOff ? (
        <ConfirmModal
          title="Turn Secure Share off for the whole site?"
          body="Every link of every space stops opening at once and open sessions end. No new link can be created. Nothing is deleted: turning it back on restores the links."
          confirmLabel="Turn sharing off"
          appearance="warning"
          busy={busy}
          onConfirm={() => void persist()}
          onCancel={() => setConfirmOff(false)}
        />
      ) : null}
    </>
  );
};
