import React from 'react';
import { Button, Inline, Label, SectionMessage, Stack, Text, Textfield } from '@forge/react';

export interface RevealedUrlProps {
  linkName: string;
  url: string;
  reason: 'created' | 'rotated' | 'copy';
  onEmail: () => void;
  onDismiss: () => void;
}

/** The full share URL, shown once after create/rotate; UI Kit has no clipboard API, so it is selectable text. */
export const RevealedUrl = ({ linkName, url, reason, onEmail, onDismiss }: RevealedUrlProps) => (
  <SectionMessage appearance={reason === 'copy' ? 'information' : 'success'} title={reason === 'created' ? `Link “${linkName}” created — copy it now` : reason === 'rotated' ? `Link “${linkName}” rotated — copy the new URL now` : `Link “${linkName}”`}>
    <Stack space="space.100">
      <Text>
        Select the URL and copy it. For security the full link is shown only now: once you leave this dialog, it cannot be shown
        again (rotate the link to get a new one).
      </Text>
      <Label labelFor="revealed-url">Share URL</Label>
      <Textfield id="revealed-url" name="revealed-url" value={url} isReadOnly isMonospaced />
      <Inline space="space.100">
        <Button appearance="primary" onClick={onEmail}>
          Email this link
        </Button>
        <Button appearance="subtle" onClick={onDismiss}>
          Done
        </Button>
      </Inline>
    </Stack>
  </SectionMessage>
);
