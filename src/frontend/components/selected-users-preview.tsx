import React from 'react';
import { SectionMessage, Stack, Text } from '@forge/react';
import type { SelectedUsersPreview as Preview } from '../../shared/contract';
import { formatList } from './labels';

const titleFor = (preview: Preview): { title: string; appearance: 'information' | 'warning' | 'success' } => {
  switch (preview.mode) {
    case 'none':
      return { title: 'No selected-users restriction', appearance: 'information' };
    case 'space':
      return { title: 'The space list applies as entered', appearance: 'success' };
    case 'intersection':
      return { title: 'Only the part of the space list the site allows applies', appearance: 'warning' };
    case 'global':
      return preview.space.length === 0
        ? { title: 'The site list applies', appearance: 'information' }
        : { title: 'The space list does not fit the site list: the site list applies', appearance: 'warning' };
  }
};

/** How the space list combines with the site list. */
export const SelectedUsersPreview = ({ preview }: { preview: Preview }) => {
  const { title, appearance } = titleFor(preview);
  return (
    <SectionMessage appearance={appearance} title={title}>
      <Stack space="space.050">
        <Text>{`Site list: ${preview.global.length ? formatList(preview.global) : 'anyone'}`}</Text>
        <Text>{`Space list: ${preview.space.length ? formatList(preview.space) : 'anyone'}`}</Text>
        <Text weight="bold">{`Effective for links in this space: ${preview.effective.length ? formatList(preview.effective) : 'anyone with the link'}`}</Text>
      </Stack>
    </SectionMessage>
  );
};
