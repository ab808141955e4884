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

const TITLES: Record<RevealedUrlProps['reason'], (name: string) => string> = {
  created: (name) => `Link “${name}” created`,
  rotated: (name) => `Link “${name}” has a new URL`,
  copy: (name) => `Link “${name}”`,
};

/**
 * The share URL in a read-only field. UI Kit offers no clipboard access to apps (no copy component or
 * API), so the field is the one-click path: click it, then Ctrl+C / ⌘C.
 */
export const RevealedUrl = ({ linkName, url, reason, notOpening = null, onEmail, onDismiss }: RevealedUrlProps) => (
  <SectionMessage appearance={reason === 'copy' ? 'information' : 'success'} title={TITLES[reason](linkName)}>
    <Stack space="space.100">
      <Text>
        {reason === 'rotated'
          ? 'The old URL no longer works. Send this one to the people who should keep access. '
          : ''}
        Select the URL and copy it (Ctrl+C or ⌘C). You can copy or email this same URL again at any time from the link’s Copy and
        Email buttons.
      </Text>
      {notOpening ? (
        <Text weight="bold" color="color.text.warning">
          {notOpening}
        </Text>
      ) : null}
      <Label labelFor="revealed-url">Share URL</Label>
      <Textfield id="revealed-url" name="revealed-url" value={url} isReadOnly isMonospaced autoFocus />
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
