import React, { useState } from 'react';
import { Box, Button, Heading, SectionMessage, Stack, Text } from '@forge/react';
import { RESET_CONFIRMATION } from '../../../shared/contract';
import { api } from '../../api';
import { ConfirmModal } from '../confirm-modal';
import { flagError, flagSuccess } from '../flags';

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

export const ResetTab = () => {
  const [confirming, setConfirming] = useState<Mode | null>(null);
  const [busy, setBusy] = useState(false);

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
    }
  };

  return (
    <Stack space="space.300">
      <SectionMessage appearance="warning" title="These actions cannot be undone">
        <Text>Both ask you to type a confirmation phrase.</Text>
      </SectionMessage>
      {(Object.keys(COPY) as Mode[]).map((mode) => (
        <Box key={mode} padding="space.200" backgroundColor="color.background.neutral.subtle" xcss={{ borderRadius: 'radius.medium' }}>
          <Stack space="space.100">
            <Heading as="h3" size="xsmall">
              {COPY[mode].title}
            </Heading>
            <Text>{COPY[mode].body}</Text>
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
          body={COPY[confirming].body}
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
