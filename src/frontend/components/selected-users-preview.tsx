import React from 'react';
import { SectionMessage, Stack, Text } from '@forge/react';
import type { SelectedUsersPreview as Preview } from '../../shared/contract';
import { formatList } from './labels';

const MODE_TEXT: Record<Preview['mode'], { title: string; appearance: 'information' | 'warning' | 'success' }> = {
  none: { title: 'No selected-users restriction', appearance: 'information' },
  space: { title: 'The space list applies as saved', appearance: 'success' },
  intersection: { title: 'Only the part of the space list the site allows applies', appearance: 'warning' },
  global: { title: 'The space list does not fit the site list: the site list applies', appearance: 'warning' },
};

/** How the space list combines with the site list (External Share rule), as saved. */
export const SelectedUsersPreview = ({ preview }: { preview: Preview }) => {
  const mode = MODE_TEXT[preview.mode];
  return (
    <SectionMessage appearance={mode.appearance} title={mode.title}>
      <Stack space="space.050">
        <Text>{`Site list: ${preview.global.length ? formatList(preview.global) : 'anyone'}`}</Text>
        <Text>{`Space list: ${preview.space.length ? formatList(preview.space) : 'anyone'}`}</Text>
        <Text weight="bold">{`Effective for links in this space: ${preview.effective.length ? formatList(preview.effective) : 'anyone with the link'}`}</Text>
      </Stack>
    </SectionMessage>
  );
};
