import React, { useState } from 'react';
import { Box, Button, Heading, SectionMessage, Stack, Text } from '@forge/react';
import { RESET_CONFIRMATION } from '../../../shared/contract';
import type { ResetCount, ResetPreview } from '../../../app/reset';
import { api } from '../../api';
import { ConfirmModal } from '../confirm-modal';
import { flagError, flagSuccess } from '../flags';
import { ErrorPanel, Loading } from '../states';
import { useResource } from '../use-resource';

type Mode = keyof typeof RESET_CONFIRMATION;

const COPY: Record<Mode, { title: string; body: string; button: string }> = {
  links: {
    title: 'Delete all secure links',
    body: 'Every secure link of every space is deleted and stops working at once. Settings and the audit log are kept.',
    button: 'Delete all links',
  },
  full: {
    title: 'Reset Secure Share',
    body: 'Deletes everything Secure Share stored: links, site and space settings, secrets, subscriptions and the audit log. Settings return to their defaults. This cannot be undone.',
    button: 'Reset everything',
  },
};

const counted = (c: ResetCount, one: string, many: string): string =>
  `${c.atLeast ? 'more than ' : ''}${c.count.toLocaleString('en-US')} ${c.count === 1 && !c.atLeast ? one : many}`;

/** What each reset deletes, in numbers counted when the tab opened. */
export const resetCounts = (mode: Mode, p: ResetPreview): string => {
  const links = counted(p.links, 'link', 'links');
  if (mode === 'links') return `Deletes ${links}.`;
  const parts = [
    links,
    counted(p.spaceConfigs, 'space configuration', 'space configurations'),
    counted(p.auditEntries, 'audit entry', 'audit entries'),
    `${p.secrets} stored ${p.secrets === 1 ? 'secret' : 'secrets'}`,
  ];
  const settings = p.siteSettingsSaved || p.globalConfigSaved ? ', and returns the saved site settings and default link configuration to their defaults' : '';
  return `Deletes ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}${settings}.`;
};

export const ResetTab = () => {
  const [confirming, setConfirming] = useState<Mode | null>(null);
  const [busy, setBusy] = useState(false);
  const { resource, reload } = useResource(() => api.previewReset(), []);

  const run = async (mode: Mode) => {
    setBusy(true);
    try {
      const result = await api.resetApp({ mode, confirmation: RESET_CONFIRMATION[mode] });
      const deleted = `${result.deletedLinks} link${result.deletedLinks === 1 ? '' : 's'} deleted`;
      if (result.continuing) {
        flagSuccess('Reset continues in the background', `${deleted} so far. The rest is deleted in the background; the audit log records when it is done.`);
      } else {
        flagSuccess(mode === 'links' ? 'All links deleted' : 'Secure Share reset', `${deleted}.`);
      }
    } catch (error) {
      flagError('Reset failed', error);
    } finally {
      setBusy(false);
      setConfirming(null);
      void reload();
    }
  };
  const counts = (mode: Mode): string | null => (resource.state === 'ready' ? resetCounts(mode, resource.data) : null);

  return (
    <Stack space="space.300">
      <SectionMessage appearance="warning" title="These actions cannot be undone">
        <Text>Both ask you to type a confirmation phrase.</Text>
      </SectionMessage>
      {resource.state === 'loading' ? <Loading label="Counting what would be deleted…" /> : null}
      {resource.state === 'error' ? <ErrorPanel error={resource.error} onRetry={reload} /> : null}
      {(Object.keys(COPY) as Mode[]).map((mode) => (
        <Box key={mode} padding="space.200" backgroundColor="color.background.neutral.subtle" xcss={{ borderRadius: 'radius.medium' }}>
          <Stack space="space.100">
            <Heading as="h3" size="xsmall">
              {COPY[mode].title}
            </Heading>
            <Text>{COPY[mode].body}</Text>
            {counts(mode) ? <Text weight="bold">{counts(mode)}</Text> : null}
            <Box>
              <Button appearance="danger" isDisabled={busy} onClick={() => setConfirming(mode)}>
                {COPY[mode].button}
              </Button>
            </Box>
          </Stack>
        </Box>
      ))}
      {confirming ? (
        <ConfirmModal
          title={`${COPY[confirming].title}?`}
          body={counts(confirming) ? `${COPY[confirming].body} ${counts(confirming)}` : COPY[confirming].body}
          confirmLabel={COPY[confirming].button}
          typedConfirmation={RESET_CONFIRMATION[confirming]}
          busy={busy}
          onConfirm={() => void run(confirming)}
          onCancel={() => setConfirming(null)}
        />
      ) : null}
    </Stack>
  );
};
