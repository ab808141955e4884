import React, { useState } from 'react';
import { Box, Button, SectionMessage, Stack, Text } from '@forge/react';
import type { LinkView } from '../../core/model';
import { api } from '../api';
import { EmailLinkModal } from './email-link-modal';
import { flagSuccess } from './flags';
import { LinkForm, type LinkFormSubmit } from './link-form';
import { reportNotified, useLinkFormErrors } from './link-form-errors';
import { RevealedUrl } from './revealed-url';
import { ErrorPanel, Loading } from './states';
import { useResource } from './use-resource';

export interface ShareSpacePanelProps {
  space: { key: string; name: string; homepageId?: string | null | undefined };
  /** A link was created: the space's links list shows it. */
  onCreated: (link: LinkView) => void;
}

/**
 * "Share this space" on the space settings page: the same link form as the page dialog, starting with
 * the whole space (anchored on the space's home page), under the same policy, checks and preview.
 */
export const ShareSpacePanel = ({ space, onCreated }: ShareSpacePanelProps) => {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ link: LinkView; url: string } | null>(null);
  const [emailFor, setEmailFor] = useState<LinkView | null>(null);
  const homepageId = space.homepageId ?? null;
  if (homepageId === null) {
    return <Text color="color.text.subtle">This space has no home page, so it cannot be shared as a whole.</Text>;
  }
  return (
    <Stack space="space.150">
      {created ? (
        <RevealedUrl
          linkName={created.link.name}
          url={created.url}
          reason="created"
          onEmail={() => setEmailFor(created.link)}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      {open ? (
        <ShareSpaceForm
          homepageId={homepageId}
          spaceName={space.name}
          onCancel={() => setOpen(false)}
          onCreated={(link, url) => {
            setOpen(false);
            setCreated({ link, url });
            onCreated(link);
          }}
        />
      ) : (
        <Box>
          <Button appearance="primary" onClick={() => setOpen(true)}>
            Share this space
          </Button>
        </Box>
      )}
      {emailFor ? <EmailLinkModal link={emailFor} url={null} onClose={() => setEmailFor(null)} /> : null}
    </Stack>
  );
};

const ShareSpaceForm = ({
  homepageId,
  spaceName,
  onCancel,
  onCreated,
}: {
  homepageId: string;
  spaceName: string;
  onCancel: () => void;
  onCreated: (link: LinkView, url: string) => void;
}) => {
  // The home page's sharing data: its policy and the new-link defaults (page editors of the home page only).
  const { resource, reload } = useResource(() => api.getPageSharing({ pageId: homepageId }), [homepageId]);
  const [busy, setBusy] = useState(false);
  const formState = useLinkFormErrors('The link was not created', 'You cannot share this space');
  if (resource.state === 'loading') return <Loading label="Loading the link form…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  const data = resource.data;
  if (!data.canCreate) {
    return (
      <SectionMessage appearance="warning" title="The space cannot be shared now">
        <Text>Sharing is turned off for this space or site. Turn it on before sharing the space.</Text>
      </SectionMessage>
    );
  }

  const submit = async (values: LinkFormSubmit) => {
    setBusy(true);
    try {
      const result = await api.createLink({
        pageId: homepageId,
        ...(values.scope === 'space' ? { scope: 'space' as const } : {}),
        settings: values.settings,
        ...(values.password ? { password: values.password } : {}),
        ...(values.notifyNewUsers ? { notifyNewUsers: {} } : {}),
      });
      flagSuccess('Secure link created', 'Copy or email its URL now, or later from the space’s links list.');
      reportNotified(result.notified);
      onCreated(result.link, result.url);
    } catch (error) {
      formState.show(error, 'Link not created');
    } finally {
      setBusy(false);
    }
  };

  return (
    <LinkForm
      mode="create"
      policy={data.policy}
      initial={{ ...data.defaults, name: data.defaults.name || `Whole space: ${spaceName}` }}
      pageId={homepageId}
      spaceHome={data.page.spaceHome ?? { name: spaceName }}
      initialScope="space"
      offerScopeChoice={false}
      passwordSuggested={data.passwordSuggested}
      busy={busy}
      fieldErrors={formState.fieldErrors}
      formErrors={formState.formErrors}
      formErrorTitle={formState.formErrorTitle}
      onSubmit={submit}
      onCancel={onCancel}
    />
  );
};
