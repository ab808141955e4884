import React, { useState } from 'react';
import { Stack } from '@forge/react';
import { api } from '../../api';
import { EMPTY_LINK_FILTERS, LinkFilters, toLinkListFilter, withCreators, type LinkCreator, type LinkFilterValues } from '../link-filters';
import { LinksExport } from '../links-export';
import { LinksTable } from '../links-table';

/**
 * The site's links console (Confluence admins): filters, the links table with per-link and bulk actions,
 * and a CSV of the filtered links as a download. `pollMs`: wait between export progress checks (tests 0).
 */
export const AllLinksTab = ({ pollMs = 2000 }: { pollMs?: number } = {}) => {
  const [applied, setApplied] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  const [creators, setCreators] = useState<readonly LinkCreator[]>([]);
  const filter = toLinkListFilter(applied);
  return (
    <Stack space="space.200">
      <LinkFilters idPrefix="links" withSpace creators={creators} onApply={setApplied} />
      <LinksTable
        showSpace
        queryKey={JSON.stringify(applied)}
        fetchPage={(cursor) => api.listAllLinks({ limit: 25, ...(cursor ? { cursor } : {}), ...filter })}
        onItems={(items) => setCreators((known) => withCreators(known, items))}
        emptyText="No link matches these filters."
      />
      <LinksExport filter={filter} pollMs={pollMs} />
    </Stack>
  );
};
