import React, { useState } from 'react';
import { Box, Button, Checkbox, Form, Inline, Select, Stack, Textfield } from '@forge/react';
import type { LinkStatus } from '../../../core/model';
import { api } from '../../api';
import { Field } from '../field';
import { LinksTable } from '../links-table';

interface Filters {
  search: string;
  spaceKey: string;
  status: LinkStatus | 'any';
  nonCompliant: boolean;
}

const STATUS_OPTIONS = [
  { label: 'Any status', value: 'any' },
  { label: 'Active', value: 'active' },
  { label: 'Disabled', value: 'disabled' },
];

export const AllLinksTab = () => {
  const [draft, setDraft] = useState<Filters>({ search: '', spaceKey: '', status: 'any', nonCompliant: false });
  const [applied, setApplied] = useState<Filters>(draft);
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <Stack space="space.200">
      <Form onSubmit={() => setApplied(draft)}>
        <Inline space="space.150" alignBlock="end" shouldWrap>
          <Box xcss={{ minWidth: '240px' }}>
            <Field id="links-search" label="Search">
              <Textfield id="links-search" name="search" placeholder="Link name, page or creator" value={draft.search} onChange={(e) => set('search', String(e.target.value ?? ''))} />
            </Field>
          </Box>
          <Box xcss={{ minWidth: '120px' }}>
            <Field id="links-space" label="Space key">
              <Textfield id="links-space" name="spaceKey" placeholder="e.g. DEMO" value={draft.spaceKey} onChange={(e) => set('spaceKey', String(e.target.value ?? '').toUpperCase())} />
            </Field>
          </Box>
          <Box xcss={{ minWidth: '160px' }}>
            <Field id="links-status" label="Status">
              <Select
                id="links-status"
                name="status"
                options={STATUS_OPTIONS}
                value={STATUS_OPTIONS.find((o) => o.value === draft.status)}
                onChange={(o: { value: Filters['status'] }) => set('status', o.value)}
              />
            </Field>
          </Box>
          <Checkbox name="nonCompliant" label="Only non-compliant" isChecked={draft.nonCompliant} onChange={(e) => set('nonCompliant', Boolean(e.target.checked))} />
          <Button type="submit" appearance="primary">
            Search
          </Button>
        </Inline>
      </Form>
      <LinksTable
        bulk
        showSpace
        queryKey={JSON.stringify(applied)}
        fetchPage={(cursor) =>
          api.listAllLinks({
            limit: 25,
            ...(cursor ? { cursor } : {}),
            ...(applied.search.trim() ? { search: applied.search.trim() } : {}),
            ...(applied.spaceKey.trim() ? { spaceKey: applied.spaceKey.trim() } : {}),
            ...(applied.status !== 'any' ? { status: applied.status } : {}),
            ...(applied.nonCompliant ? { nonCompliant: true } : {}),
          })
        }
        emptyText="No link matches these filters."
      />
    </Stack>
  );
};
