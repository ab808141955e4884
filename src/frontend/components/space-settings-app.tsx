import React, { useState } from 'react';
import { Box, Button, Form, FormFooter, Heading, SectionMessage, Stack, Text, Toggle, useProductContext } from '@forge/react';
import type { PolicySettingsInput, SpaceConfigInput, SpaceConfigResult } from '../../shared/contract';
import { api, toResolverError } from '../api';
import { FieldNotes } from './field';
import { ConfirmModal } from './confirm-modal';
import { flagError, flagSuccess } from './flags';
import { EMPTY_LINK_FILTERS, LinkFilters, toLinkListFilter, type LinkFilterValues } from './link-filters';
import { LinksTable } from './links-table';
import { clampToCeiling, PolicyFields, policySelectedUsersText, type PolicyCeiling } from './policy-fields';
import { previewSelectedUsers, SelectedUsersPreview } from './selected-users-preview';
import { ErrorPanel, Loading } from './states';
import { useResource } from './use-resource';

const spaceKeyFrom = (context: ReturnType<typeof useProductContext>): string | null => {
  const space = (context?.extension as { space?: { key?: unknown } } | undefined)?.space;
  return typeof space?.key === 'string' && space.key ? space.key : null;
};

export const SpaceSettingsApp = () => {
  const context = useProductContext();
  if (!context) return <Loading label="Loading Secure Share…" />;
  const spaceKey = spaceKeyFrom(context);
  if (!spaceKey) {
    return (
      <SectionMessage appearance="warning" title="No space here">
        <Text>Open Secure Share from a space's settings.</Text>
      </SectionMessage>
    );
  }
  return <SpaceSettings spaceKey={spaceKey} />;
};

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((entry, i) => entry === b[i]);

const toInput = (result: SpaceConfigResult): SpaceConfigInput => {
  const { config } = result;
  return {
    sharingEnabled: config.sharingEnabled,
    applyOnSpaceLinks: config.applyOnSpaceLinks,
    comments: config.comments,
    attachments: config.attachments,
    childPages: config.childPages,
    restrictedChildPages: config.restrictedChildPages,
    password: config.password,
    expiry: config.expiry,
    enforceSso: config.enforceSso,
    selectedUsers: config.selectedUsers,
  };
};

const SpaceSettings = ({ spaceKey }: { spaceKey: string }) => {
  const { resource, reload, replace } = useResource(() => api.getSpaceConfig({ spaceKey }), [spaceKey]);
  if (resource.state === 'loading') return <Loading label="Loading space settings…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  return <SpaceSettingsForm key={resource.data.config.version} data={resource.data} onSaved={replace} onReload={reload} />;
};

const SpaceSettingsForm = ({ data, onSaved, onReload }: { data: SpaceConfigResult; onSaved: (r: SpaceConfigResult) => void; onReload: () => void }) => {
  const spaceKey = data.space.key;
  const ceiling: PolicyCeiling | undefined = data.global.applyOnAllLinks ? { name: 'the site policy', settings: data.global } : undefined;
  // The form starts inside the enforced site policy so what is shown is what will be saved.
  const [value, setValue] = useState<SpaceConfigInput>(() => {
    const input = toInput(data);
    return { ...input, ...clampToCeiling(input, ceiling) };
  });
  const [usersText, setUsersText] = useState(() => policySelectedUsersText(data.config.selectedUsers));
  const [linkFilters, setLinkFilters] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  const [busy, setBusy] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<ReturnType<typeof toResolverError> | null>(null);

  const [confirmOff, setConfirmOff] = useState(false);

  /** Turning sharing off cuts every recipient of the space off at once: confirm first. */
  const save = async () => {
    if (data.config.sharingEnabled && !value.sharingEnabled) return setConfirmOff(true);
    return persist();
  };

  const persist = async () => {
    setConfirmOff(false);
    setBusy(true);
    setSaveError(null);
    setFieldErrors({});
    try {
      const policy = clampToCeiling(value, ceiling);
      const result = await api.setSpaceConfig({ spaceKey, version: data.config.version, config: { ...value, ...policy } });
      flagSuccess('Space settings saved', `Secure Share settings for ${data.space.name} are in effect now.`);
      onSaved(result);
    } catch (error) {
      const failure = toResolverError(error);
      setFieldErrors(failure.fieldMessages());
      setSaveError(failure);
      flagError('Space settings not saved', failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box padding="space.200">
      <Stack space="space.300">
        <Stack space="space.050">
          <Heading as="h1" size="medium">
            Secure Share
          </Heading>
          <Text color="color.text.subtle">{`Sharing settings for the space “${data.space.name}” (${spaceKey})`}</Text>
        </Stack>
        {!data.global.sharingEnabled ? (
          <SectionMessage appearance="warning" title="Sharing is turned off for the whole site">
            <Text>A Confluence admin turned off Secure Share. Links in this space do not open whatever is set here.</Text>
          </SectionMessage>
        ) : null}
        {saveError ? <ErrorPanel error={saveError} onRetry={saveError.code === 'version_conflict' ? onReload : undefined} /> : null}
        <Form onSubmit={save}>
          <Stack space="space.250">
            <Stack space="space.100">
              <Toggle
                id="space-sharing-enabled"
                label="Sharing enabled in this space"
                isChecked={value.sharingEnabled}
                onChange={(e) => setValue((v) => ({ ...v, sharingEnabled: Boolean(e.target.checked) }))}
              />
              <FieldNotes helper="Off: every link of this space stops opening at once and no new link can be created. Nothing is deleted; turning it back on restores them." />
              <Toggle
                id="space-apply-on-links"
                label="Apply on space links"
                isChecked={value.applyOnSpaceLinks}
                onChange={(e) => setValue((v) => ({ ...v, applyOnSpaceLinks: Boolean(e.target.checked) }))}
              />
              <FieldNotes
                helper={
                  value.applyOnSpaceLinks
                    ? 'On: these settings are limits. Links may not exceed them; existing links that do are shown as non-compliant and stop opening.'
                    : 'Off: these settings are only the defaults new links start from.'
                }
              />
            </Stack>
            {ceiling ? (
              <SectionMessage appearance="information" title="The site policy is enforced">
                <Text>Options above the site policy are not offered here.</Text>
              </SectionMessage>
            ) : null}
            <PolicyFields
              idPrefix="space"
              value={value}
              selectedUsersText={usersText}
              onSelectedUsersTextChange={setUsersText}
              onChange={(next: PolicySettingsInput) => setValue((v) => ({ ...v, ...next }))}
              ceiling={ceiling}
              fieldErrors={fieldErrors}
            />
            <SelectedUsersPreview
              preview={sameList(value.selectedUsers, data.config.selectedUsers) ? data.selectedUsers : previewSelectedUsers(data.global.selectedUsers, value.selectedUsers)}
            />
            <FormFooter>
              <Button appearance="primary" type="submit" isDisabled={busy}>
                Save space settings
              </Button>
            </FormFooter>
          </Stack>
        </Form>
        <Stack space="space.150">
          <Heading as="h2" size="small">
            Links in this space
          </Heading>
          <LinkFilters idPrefix="space-links" withSpace={false} onApply={setLinkFilters} />
          <LinksTable
            revokeVia="status"
            queryKey={`${spaceKey}:${JSON.stringify(linkFilters)}`}
            fetchPage={(cursor) => api.listSpaceLinks({ limit: 20, ...(cursor ? { cursor } : {}), ...toLinkListFilter(linkFilters), spaceKey })}
            emptyText="Nobody has shared a page of this space yet."
          />
        </Stack>
      </Stack>
      {confirmOff ? (
        <ConfirmModal
          title={`Turn sharing off in “${data.space.name}”?`}
          body="Every Secure Share link of this space stops opening at once and open sessions end. No new link can be created. Nothing is deleted: turning sharing back on restores the links."
          confirmLabel="Turn sharing off"
          appearance="warning"
          busy={busy}
          onConfirm={() => void persist()}
          onCancel={() => setConfirmOff(false)}
        />
      ) : null}
    </Box>
  );
};
