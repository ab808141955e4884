import React, { useState } from 'react';
import { Button, Form, FormFooter, Stack, Text } from '@forge/react';
import type { GlobalConfig } from '../../../core/model';
import { api, toResolverError, type ResolverError } from '../../api';
import { flagError, flagSuccess } from '../flags';
import { parseList } from '../labels';
import { policySelectedUsersText, SelectedUsersField } from '../policy-fields';
import { ErrorPanel, Loading } from '../states';
import { globalInput, useGlobalConfig } from './use-global-config';

export const SelectedUsersTab = () => {
  const { resource, reload, replace } = useGlobalConfig();
  if (resource.state === 'loading') return <Loading label="Loading selected users…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  return <SelectedUsersForm key={resource.data.config.version} config={resource.data.config} onSaved={replace} />;
};

const SelectedUsersForm = ({ config, onSaved }: { config: GlobalConfig; onSaved: (r: Awaited<ReturnType<typeof api.getGlobalConfig>>) => void }) => {
  const [text, setText] = useState(() => policySelectedUsersText(config.selectedUsers));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ResolverError | null>(null);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.setGlobalConfig({ version: config.version, config: { ...globalInput(config), selectedUsers: parseList(text) } });
      flagSuccess('Selected users saved');
      onSaved(result);
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure);
      flagError('Selected users not saved', failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form onSubmit={save}>
      <Stack space="space.200">
        <Text>
          When this list is not empty, only these people (exact emails), anyone at these domains (@acme.com: that domain only, not
          eu.acme.com) or at any subdomain (@*.acme.com: eu.acme.com and deeper, not acme.com itself) can open links, after an email
          code check. Space lists narrow it further: a space list that does not fit this one is replaced by it.
        </Text>
        {error && !error.fieldMessages().selectedUsers ? <ErrorPanel error={error} /> : null}
        <SelectedUsersField id="global-selected-users" text={text} error={error?.fieldMessages().selectedUsers} onChange={setText} />
        <FormFooter>
          <Button appearance="primary" type="submit" isDisabled={busy}>
            Save selected users
          </Button>
        </FormFooter>
      </Stack>
    </Form>
  );
};
