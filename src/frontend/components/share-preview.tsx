import React, { useState } from 'react';
import { Box, Button, SectionMessage, Stack, Text } from '@forge/react';
import type { LinkScope } from '../../core/model';
import type { LinkPreviewResult } from '../../shared/contract';
import { api, toResolverError } from '../api';
import { plural } from './form-checks';

export interface PreviewSettings {
  includeChildren: boolean;
  shareRestrictedChildren: boolean;
  withLabels: string[];
  withoutLabels: string[];
}

export interface SharePreviewProps {
  pageId: string;
  /** When editing: the view checks the link creator's rights, so the preview does too. */
  linkId?: string | undefined;
  /** 'space': the whole space from its home page (pageId). */
  scope?: LinkScope;
  settings: PreviewSettings;
}

const pages = (n: number) => plural(n, '1 page', `${n.toLocaleString()} pages`);

/** One plain sentence per reason pages are left out. */
export const hiddenLines = (preview: LinkPreviewResult): string[] => {
  const { labelFilter, restricted, notReadable, overCap } = preview.hidden;
  const lines: string[] = [];
  if (preview.childPagesNotAllowed) lines.push('Child pages are not shared: the sharing policy does not allow them.');
  else if (preview.childPagesOff) lines.push('Only this page is shared: child pages are off for this link.');
  if (labelFilter > 0) lines.push(`${pages(labelFilter)} hidden by the label filters.`);
  if (restricted > 0) lines.push(`${pages(restricted)} hidden because ${plural(restricted, 'it is', 'they are')} restricted in Confluence (or below a restricted page).`);
  if (notReadable > 0) lines.push(`${pages(notReadable)} hidden because the link’s creator cannot read ${plural(notReadable, 'it', 'them')}.`);
  if (overCap > 0 || preview.capped) lines.push(`${overCap > 0 ? `${pages(overCap)} hidden` : 'Some pages are hidden'}: a link shows at most 2,000 pages.`);
  return lines;
};

const sameSettings = (a: PreviewSettings, b: PreviewSettings): boolean => JSON.stringify(a) === JSON.stringify(b);

/** "What will be shared": asks the app which pages these settings show now, and why others are hidden. */
export const SharePreview = ({ pageId, linkId, scope = 'page', settings }: SharePreviewProps) => {
  const [shown, setShown] = useState<{ settings: PreviewSettings; scope: LinkScope; preview: LinkPreviewResult } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const preview = await api.previewLink({ pageId, ...(linkId ? { linkId } : {}), ...(scope === 'space' ? { scope } : {}), ...settings });
      setShown({ settings, scope, preview });
    } catch (e) {
      setError(toResolverError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const stale = shown !== null && (!sameSettings(shown.settings, settings) || shown.scope !== scope);
  return (
    <Stack space="space.100">
      <Box>
        <Button isDisabled={busy} onClick={load}>
          {shown ? 'Refresh preview' : 'Preview what will be shared'}
        </Button>
      </Box>
      {error ? (
        <SectionMessage appearance="error" title="The preview could not be made">
          <Text>{error}</Text>
        </SectionMessage>
      ) : null}
      {shown ? (
        <SectionMessage appearance={stale ? 'warning' : 'information'} title={`What will be shared: ${pages(shown.preview.shownCount)}`}>
          <Stack space="space.050">
            {stale ? <Text weight="bold">You changed the settings since this preview: refresh it.</Text> : null}
            {shown.preview.pages.map((page) => (
              <Text key={page.id}>{`${'— '.repeat(page.depth)}${page.title}`}</Text>
            ))}
            {shown.preview.shownCount > shown.preview.pages.length ? (
              <Text size="small">{`and ${pages(shown.preview.shownCount - shown.preview.pages.length)} more`}</Text>
            ) : null}
            {hiddenLines(shown.preview).map((line) => (
              <Text key={line} size="small" color="color.text.subtle">
                {line}
              </Text>
            ))}
          </Stack>
        </SectionMessage>
      ) : null}
    </Stack>
  );
};
