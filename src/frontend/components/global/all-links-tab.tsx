import React, { useState } from 'react';
import { Stack } from '@forge/react';
import { api } from '../../api';
import { EMPTY_LINK_FILTERS, LinkFilters, toLinkListFilter, type LinkFilterValues } from '../link-filters';
import { LinksTable } from '../links-table';

export const AllLinksTab = () => {
  const [applied, setApplied] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  return (
    <Stack space="space.200">
      <LinkFilters idPrefix="links" withSpace onApply={setApplied} />
      <LinksTable
        bulk
        showSpace
        queryKey={JSON.stringify(applied)}
        fetchPage={(cursor) => api.listAllLinks({ limit: 25, ...(cursor ? { cursor } : {}), ...toLinkListFilter(applied) })}
        emptyText="No link matches these filters."
      />
    </Stack>
  );
};
