import React, { useState } from 'react';
import { Box, Button, Form, FormFooter, Heading, SectionMessage, Stack, Text, useProductContext } from '@forge/react';
import { SPACE_LINKS_FIRST_PAGE, type PolicySettingsInput, type SpaceConfigInput, type SpaceConfigResult } from '../../shared/contract';
import { policySettingsOf } from '../../core/policy-settings';
import { api } from '../api';
import { ConfigSwitches } from './config-switches';
import { ConfirmModal } from './confirm-modal';
import { EMPTY_LINK_FILTERS, LinkFilters, toLinkListFilter, withCreators, type LinkCreator, type LinkFilterValues } from './link-filters';
import { LinksExport } from './links-export';
import { LinksTable } from './links-table';
import { clampToCeiling, PolicyFields, policySelectedUsersText, type PolicyCeiling } from './policy-fields';
import { combineSelectedUsers } from '../../core/selected-users';
import { SelectedUsersPreview } from './selected-users-preview';
import { ShareSpacePanel } from './share-space-panel';
import { ErrorPanel, Loading } from './states';
import { useConfigSave } from './use-config-save';
import { ImpactModal } from './impact-modal';
import { SpaceConfigurationNotice } from './space-configuration-notice';
import { policyProblems } from './form-checks';
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

const toInput = ({ config }: SpaceConfigResult): SpaceConfigInput => ({
  sharingEnabled: config.sharingEnabled,
  applyOnSpaceLinks: config.applyOnSpaceLinks,
  ...policySettingsOf(config),
});

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
  const [creators, setCreators] = useState<readonly LinkCreator[]>([]);
  /** Bumped when "Share this space" creates a link, so the list below shows it. */
  const [linksCreated, setLinksCreated] = useState(0);
  /** Turning sharing off cuts every recipient of the space off at once: confirm first. */
  const { busy, error: saveError, fieldErrors, confirmingOff, save, confirmOff, cancelOff, impact, saveAnyway, cancelImpact } = useConfigSave({
    check: () => policyProblems(value),
    preview: () => api.previewPolicyImpact({ level: 'space', spaceKey, config: { ...value, ...clampToCeiling(value, ceiling) } }),
    turnsSharingOff: data.config.sharingEnabled && !value.sharingEnabled,
    write: () => api.setSpaceConfig({ spaceKey, version: data.config.version, config: { ...value, ...clampToCeiling(value, ceiling) } }),
    onSaved,
    savedFlag: { title: 'Space settings saved', description: `Secure Share settings for ${data.space.name} are in effect now.` },
    failedFlagTitle: 'Space settings not saved',
  });

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
        <SpaceConfigurationNotice data={data} onChanged={onSaved} />
        {saveError ? <ErrorPanel error={saveError} onRetry={saveError.code === 'version_conflict' ? onReload : undefined} /> : null}
        <Form onSubmit={save}>
          <Stack space="space.250">
            <ConfigSwitches
              sharing={{
                id: 'space-sharing-enabled',
                label: 'Sharing enabled in this space',
                note: 'Off: every link of this space stops opening at once and no new link can be created. Nothing is deleted; turning it back on restores them.',
                isChecked: value.sharingEnabled,
                onChange: (checked) => setValue((v) => ({ ...v, sharingEnabled: checked })),
              }}
              apply={{
                id: 'space-apply-on-links',
                label: 'Apply on space links',
                note: value.applyOnSpaceLinks
                  ? 'On: these settings are limits. Links may not exceed them; existing links that do are shown as non-compliant and stop opening.'
                  : 'Off: these settings are only the defaults new links start from.',
                isChecked: value.applyOnSpaceLinks,
                onChange: (checked) => setValue((v) => ({ ...v, applyOnSpaceLinks: checked })),
              }}
            />
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
              preview={sameList(value.selectedUsers, data.config.selectedUsers) ? data.selectedUsers : combineSelectedUsers(data.global.selectedUsers, value.selectedUsers)}
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
          <ShareSpacePanel space={data.space} onCreated={() => setLinksCreated((n) => n + 1)} />
          <LinkFilters idPrefix="space-links" withSpace={false} creators={creators} onApply={setLinkFilters} />
          <LinksTable
            spaceKey={spaceKey}
            queryKey={`${spaceKey}:${JSON.stringify(linkFilters)}:${linksCreated}`}
            fetchPage={(cursor) => api.listSpaceLinks({ limit: SPACE_LINKS_FIRST_PAGE, ...(cursor ? { cursor } : {}), ...toLinkListFilter(linkFilters), spaceKey })}
            initialPage={data.links}
            onItems={(items) => setCreators((known) => withCreators(known, items))}
            emptyText="Nobody has shared a page of this space yet."
          />
          <LinksExport filter={toLinkListFilter(linkFilters)} spaceKey={spaceKey} />
        </Stack>
      </Stack>
      {impact ? <ImpactModal impact={impact} busy={busy} onSave={saveAnyway} onCancel={cancelImpact} /> : null}
      {confirmingOff ? (
        <ConfirmModal
          title={`Turn sharing off in “${data.space.name}”?`}
          body="Every Secure Share link of this space stops opening at once and open sessions end. No new link can be created. Nothing is deleted: turning sharing back on restores the links."
          confirmLabel="Turn sharing off"
          appearance="warning"
          busy={busy}
          onConfirm={confirmOff}
          onCancel={cancelOff}
        />
      ) : null}
    </Box>
  );
};
