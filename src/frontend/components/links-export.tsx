import React, { useEffect } from 'react';
import { Button, Inline, Stack, Text } from '@forge/react';
import type { LinkListFilter } from '../../shared/contract';
import { api } from '../api';
import { CsvExportPanel, LINK_EXPORT_WORDS, RecentCsvExportsList, useCsvExport } from './csv-export';

export interface LinksExportProps {
  /** The list's applied filter (without paging); a new one clears the export shown. */
  filter: Omit<LinkListFilter, 'cursor' | 'limit'> & { spaceKey?: string };
  /** A space's links (its admins): the export and the recent list are of this space. */
  spaceKey?: string;
  /** Wait between progress checks (tests 0). */
  pollMs?: number;
}

/**
 * "Export CSV" for a links list: every link matching the filter, as a file downloaded through a signed
 * short-lived URL; the caller's recent exports load on demand (the list opens with its own single call).
 */
export const LinksExport = ({ filter, spaceKey, pollMs = 2000 }: LinksExportProps) => {
  const scoped = spaceKey ? { ...filter, spaceKey } : filter;
  const csv = useCsvExport(
    {
      start: () => api.startLinksExport(scoped),
      get: (exportId) => api.getAuditExport({ exportId }),
      list: () => api.listLinksExports(spaceKey ? { spaceKey } : {}),
    },
    pollMs,
    false,
  );
  const filterKey = JSON.stringify(scoped);
  useEffect(() => {
    csv.clear();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);
  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center">
        <Button isDisabled={csv.busy} onClick={() => void csv.start()}>
          Export CSV
        </Button>
        <Text size="small" color="color.text.subtle">
          Exports every link that matches the filters, not only this page.
        </Text>
      </Inline>
      <CsvExportPanel exp={csv.exp} words={LINK_EXPORT_WORDS} onStart={() => void csv.start()} onRefresh={(id) => void csv.refresh(id)} />
      <RecentCsvExportsList recent={csv.recent} words={LINK_EXPORT_WORDS} onRefresh={() => void csv.loadRecent(false)} />
    </Stack>
  );
};
