import React, { useState } from 'react';
import { Box, SectionMessage, Stack, Text, useProductContext } from '@forge/react';
import type { LinkView } from '../../core/model';
import { api } from '../api';
import { flagSuccess } from './flags';
import { LinkForm, linkSettingsOf, type LinkFormSubmit } from './link-form';
import { reportNotified, useLinkFormErrors } from './link-form-errors';
import { ErrorPanel, Loading } from './states';
import { useResource } from './use-resource';

export interface LinkEditPanelProps {
  linkId: string;
  onSaved: (link: LinkView) => void;
  onCancel: () => void;
}

/**
 * The console's edit form for one link (site and space lists): the share dialog's form, under the link's
 * own space policy. An admin editing someone else's link is told that the link stays its creator's and
 * that the change is audited under their own name; the backend checks the rights and the policy again.
 */
export const LinkEditPanel = ({ linkId, onSaved, onCancel }: LinkEditPanelProps) => {
  const context = useProductContext();
  const { resource, reload } = useResource(() => api.getLinkForEdit({ linkId }), [linkId]);
  const formState = useLinkFormErrors('The link was not saved', 'You cannot change this link');
  const [busy, setBusy] = useState(false);

  if (resource.state === 'loading') return <Loading label="Loading the link…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  const { link, policy, passwordSuggested, pageEditable } = resource.data;
  const someoneElses = link.createdBy !== (context?.accountId ?? null);
  const creator = link.createdByName ?? 'another user';

  const submit = async (values: LinkFormSubmit) => {
    setBusy(true);
    try {
      const { link: saved, notified } = await api.updateLink({
        linkId: link.id,
        version: link.version,
        settings: values.settings,
        ...(values.passwordChange && values.passwordChange.action !== 'keep' ? { password: values.passwordChange } : {}),
        ...(values.notifyNewUsers ? { notifyNewUsers: {} } : {}),
      });
      flagSuccess('Link saved', saved.name);
      reportNotified(notified);
      onSaved(saved);
    } catch (error) {
      formState.show(error, 'Link not saved');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack space="space.150">
      {someoneElses ? (
        <SectionMessage appearance="information" title={`You are editing a link created by ${creator}`}>
          <Text>
            {`The link stays ${creator}’s. Your change is recorded in the audit log under your name, and the link must still meet the sharing policy of its space.`}
          </Text>
        </SectionMessage>
      ) : null}
      <Box>
        <LinkForm
          key={`${link.id}:${link.version}`}
          mode="edit"
          policy={policy}
          initial={linkSettingsOf(link)}
          link={link}
          // The "what will be shared" preview reads the page tree: page editors only.
          {...(pageEditable ? { pageId: link.pageId } : {})}
          passwordSuggested={passwordSuggested}
          busy={busy}
          fieldErrors={formState.fieldErrors}
          formErrors={formState.formErrors}
          formErrorTitle={formState.formErrorTitle}
          onSubmit={(values) => void submit(values)}
          onCancel={onCancel}
        />
      </Box>
    </Stack>
  );
};
