import React, { useEffect, useState } from 'react';
import { Button, Label, SectionMessage, Stack, Text, Textfield } from '@forge/react';
import type { LinkView } from '../../core/model';
import type { LinkUrlResult } from '../../shared/contract';
import { api, toResolverError, type ResolverError } from '../api';
import { ModalFrame } from './modal-frame';
import { ErrorPanel, Loading } from './states';

export interface CopyLinkModalProps {
  link: Pick<LinkView, 'id' | 'name'>;
  onEmail: () => void;
  onClose: () => void;
}

type State = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; answer: LinkUrlResult };

/**
 * The link's URL for the space and site lists (the page dialog shows it inline). UI Kit gives apps no
 * clipboard access, so the URL sits in a read-only field ready to select and copy.
 */
export const CopyLinkModal = ({ link, onEmail, onClose }: CopyLinkModalProps) => {
  const [state, setState] = useState<State>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    api.getLinkUrl({ linkId: link.id }).then(
      (answer) => live && setState({ state: 'ready', answer }),
      (error) => live && setState({ state: 'error', error: toResolverError(error) }),
    );
    return () => {
      live = false;
    };
  }, [link.id]);

  const url = state.state === 'ready' ? state.answer.url : null;
  return (
    <ModalFrame
      title={`Copy “${link.name}”`}
      closeLabel="Close"
      onClose={onClose}
      actions={
        url ? (
          <Button appearance="primary" onClick={onEmail}>
            Email this link
          </Button>
        ) : null
      }
    >
      {state.state === 'loading' ? <Loading label="Getting the URL…" /> : null}
      {state.state === 'error' ? <ErrorPanel error={state.error} /> : null}
      {state.state === 'ready' && url ? (
        <Stack space="space.100">
          <Label labelFor="copy-link-url">Share URL</Label>
          <Textfield id="copy-link-url" name="copy-link-url" value={url} isReadOnly isMonospaced autoFocus />
          <Text size="small" color="color.text.subtle">
            Select the URL and copy it (Ctrl+C or ⌘C). This is the link’s current URL: everyone you give it to reaches the same link.
          </Text>
        </Stack>
      ) : null}
      {state.state === 'ready' && !url ? (
        <SectionMessage appearance="warning" title="This link’s URL cannot be shown again">
          <Text>{state.answer.unavailableReason ?? 'The URL of this link cannot be shown again.'}</Text>
        </SectionMessage>
      ) : null}
    </ModalFrame>
  );
};
