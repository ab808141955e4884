import React, { useState } from 'react';
import { Button, SectionMessage, Stack, Text } from '@forge/react';
import type { SpaceConfigResult } from '../../shared/contract';
import { api, toResolverError } from '../api';
import { flagError, flagSuccess } from './flags';

/**
 * Which configuration applies to the space's links, and why; a space with its own settings and a
 * configuration to go back to offers "Use the assigned configuration".
 */
export const SpaceConfigurationNotice = ({ data, onChanged }: { data: SpaceConfigResult; onChanged: (r: SpaceConfigResult) => void }) => {
  const [busy, setBusy] = useState(false);
  const view = data.configuration;
  if (!view) return null;
  const useAssigned = async () => {
    setBusy(true);
    try {
      const result = await api.useAssignedConfiguration({ spaceKey: data.space.key, version: data.config.version });
      flagSuccess('Assigned configuration in effect', result.configuration?.sentence ?? 'The space settings below are no longer used.');
      onChanged(result);
    } catch (e) {
      flagError('Nothing changed', toResolverError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <SectionMessage appearance="information" title="Which configuration applies">
      <Stack space="space.100">
        <Text>{view.sentence}</Text>
        {view.source.kind !== 'own' ? (
          <Text>Saving the settings below gives this space its own settings, which then apply instead.</Text>
        ) : null}
        {view.canUseAssigned ? (
          <Button appearance="default" isDisabled={busy} onClick={() => void useAssigned()}>
            Use the assigned configuration
          </Button>
        ) : null}
      </Stack>
    </SectionMessage>
  );
};
