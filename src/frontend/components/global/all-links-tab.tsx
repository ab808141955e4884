import React, { useState } from 'react';
import { Button, Inline, Stack, Text } from '@forge/react';
import type { LinkListItem } from '../../../shared/contract';
import { api } from '../../api';
import { CsvExportPanel, LINK_EXPORT_WORDS, RecentCsvExportsList, useCsvExport } from '../csv-export';
import { EMPTY_LINK_FILTERS, LinkFilters, toLinkListFilter, type LinkCreator, type LinkFilterValues } from '../link-filters';
import { LinksTable } from '../links-table';

/** Everyone met as a creator in the lists so far (by name), for the "Created by" filter. */
const withCreators = (known: readonly LinkCreator[], items: readonly LinkListItem[]): readonly LinkCreator[] => {
  const fresh = items.filter((l) => l.createdByName && !known.some((c) => c.accountId === l.createdBy));
  if (fresh.length === 0) return known;
  const added = new Map(fresh.map((l) => [l.createdBy, { accountId: l.createdBy, name: l.createdByName! }]));
  return [...known, ...added.values()];
};

/**
 * The site's links console (Confluence admins): filters, the links table with per-link and bulk actions,
 * and a CSV of the filtered links as a download. `pollMs`: wait between export progress checks (tests 0).
 */
export const AllLinksTab = ({ pollMs = 2000 }: { pollMs?: number } = {}) => {
  const [applied, setApplied] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  const [creators, setCreators] = useState<readonly LinkCreator[]>([]);
  const filter = toLinkListFilter(applied);
  const csv = useCsvExport(
    { start: () => api.startLinksExport(filter), get: (exportId) => api.getAuditExport({ exportId }), list: () => api.listLinksExports() },
    pollMs,
    false,
  );
  return (
    <Stack space="space.200">
      <LinkFilters
        idPrefix="links"
        withSpace
        creators={creators}
        onApply={(values) => {
          setApplied(values);
          csv.clear();
        }}
      />
      <Inline space="space.100" alignBlock="center">
        <Button isDisabled={csv.busy} onClick={() => void csv.start()}>
          Export CSV
        </Button>
        <Text size="small" color="color.text.subtle">
          Exports every link that matches the filters above, not only this page.
        </Text>
      </Inline>
      <CsvExportPanel exp={csv.exp} words={LINK_EXPORT_WORDS} onStart={() => void csv.start()} onRefresh={(id) => void csv.refresh(id)} />
      <LinksTable
        showSpace
        queryKey={JSON.stringify(applied)}
        fetchPage={(cursor) => api.listAllLinks({ limit: 25, ...(cursor ? { cursor } : {}), ...filter })}
        onItems={(items) => setCreators((known) => withCreators(known, items))}
        emptyText="No link matches these filters."
      />
      <RecentCsvExportsList recent={csv.recent} words={LINK_EXPORT_WORDS} onRefresh={() => void csv.loadRecent(false)} />
    </Stack>
  );
};
