import React from 'react';
import { Button, Inline, Label, SectionMessage, Stack, Text, Textfield } from '@forge/react';

export interface RevealedUrlProps {
  linkName: string;
  url: string;
  reason: 'created' | 'rotated' | 'copy';
  /** Set when the link does not open at the moment (e.g. rotated while disabled). */
  notOpening?: string | null;
  onEmail: () => void;
  onDismiss: () => void;
}

/** The full share URL, shown once after create/rotate; UI Kit has no clipboard API, so it is selectable text. */
export const RevealedUrl = ({ linkName, url, reason, notOpening = null, onEmail, onDismiss }: RevealedUrlProps) => (
  <SectionMessage appearance={reason === 'copy' ? 'information' : 'success'} title={reason === 'created' ? `Link “${linkName}” created — copy it now` : reason === 'rotated' ? `Link “${linkName}” rotated — copy the new URL now` : `Link “${linkName}”`}>
    <Stack space="space.100">
      {reason === 'copy' ? (
        <Text>Select the URL and copy it. It stays available only until you leave this dialog.</Text>
      ) : (
        <Text>
          Copy it now — it will not be shown again. Only a fingerprint of the link is stored, so once you leave this dialog the
          only way to get a working URL is to rotate the link (the old URL then stops working).
        </Text>
      )}
      {notOpening ? (
        <Text weight="bold" color="color.text.warning">
          {notOpening}
        </Text>
      ) : null}
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
