import React, { useState } from 'react';
import { Box, Button, Checkbox, Form, Inline, Select, Textfield } from '@forge/react';
import type { LinkStatus } from '../../core/model';
import type { LinkListFilter } from '../../shared/contract';
import { Field } from './field';

export interface LinkFilterValues {
  search: string;
  spaceKey: string;
  status: LinkStatus | 'any';
  nonCompliant: boolean;
}

export const EMPTY_LINK_FILTERS: LinkFilterValues = { search: '', spaceKey: '', status: 'any', nonCompliant: false };

const STATUS_OPTIONS = [
  { label: 'Any status', value: 'any' },
  { label: 'Active', value: 'active' },
  { label: 'Disabled', value: 'disabled' },
];

/** The resolver filter for the applied values (empty fields are left out). */
export const toLinkListFilter = (values: LinkFilterValues): LinkListFilter & { spaceKey?: string } => ({
  ...(values.search.trim() ? { search: values.search.trim() } : {}),
  ...(values.spaceKey.trim() ? { spaceKey: values.spaceKey.trim() } : {}),
  ...(values.status !== 'any' ? { status: values.status } : {}),
  ...(values.nonCompliant ? { nonCompliant: true } : {}),
});

/** Search and filter bar of a links table; `onApply` runs on Search (or Enter). */
export const LinkFilters = ({ idPrefix, withSpace, onApply }: { idPrefix: string; withSpace: boolean; onApply: (values: LinkFilterValues) => void }) => {
  const [draft, setDraft] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  const set = <K extends keyof LinkFilterValues>(key: K, value: LinkFilterValues[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <Form onSubmit={() => onApply(draft)}>
      <Inline space="space.150" alignBlock="end" shouldWrap>
        <Box xcss={{ minWidth: '240px' }}>
          <Field id={id('search')} label="Search">
            <Textfield id={id('search')} name="search" placeholder="Link name, page or creator" value={draft.search} onChange={(e) => set('search', String(e.target.value ?? ''))} />
          </Field>
        </Box>
        {withSpace ? (
          <Box xcss={{ minWidth: '120px' }}>
            <Field id={id('space')} label="Space key">
              <Textfield id={id('space')} name="spaceKey" placeholder="e.g. DEMO" value={draft.spaceKey} onChange={(e) => set('spaceKey', String(e.target.value ?? '').toUpperCase())} />
            </Field>
          </Box>
        ) : null}
        <Box xcss={{ minWidth: '160px' }}>
          <Field id={id('status')} label="Status">
            <Select
              id={id('status')}
              name="status"
              options={STATUS_OPTIONS}
              value={STATUS_OPTIONS.find((o) => o.value === draft.status)}
              onChange={(o: { value: LinkFilterValues['status'] }) => set('status', o.value)}
            />
          </Field>
        </Box>
        <Checkbox name="nonCompliant" label="Only non-compliant" isChecked={draft.nonCompliant} onChange={(e) => set('nonCompliant', Boolean(e.target.checked))} />
        <Button type="submit" appearance="primary">
          Search
        </Button>
      </Inline>
    </Form>
  );
};
