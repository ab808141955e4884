import React, { useState } from 'react';
import { Box, Button, Checkbox, DatePicker, Form, Inline, Select, Textfield } from '@forge/react';
import type { LinkStatus } from '../../core/model';
import type { LinkListFilter, LinkListItem } from '../../shared/contract';
import { Field } from './field';

export interface LinkFilterValues {
  search: string;
  spaceKey: string;
  status: LinkStatus | 'any';
  nonCompliant: boolean;
  /** Account id of the creator; '' for anyone. */
  createdBy: string;
  /** Local dates (YYYY-MM-DD) bounding the expiry, inclusive; '' for open. */
  expiresFrom: string;
  expiresUntil: string;
}

export const EMPTY_LINK_FILTERS: LinkFilterValues = { search: '', spaceKey: '', status: 'any', nonCompliant: false, createdBy: '', expiresFrom: '', expiresUntil: '' };

/** Someone who created links in the lists seen so far (the "Created by" choices). */
export interface LinkCreator {
  accountId: string;
  name: string;
}

/** Everyone met as a creator in the lists so far (by name), for the "Created by" filter. */
export const withCreators = (known: readonly LinkCreator[], items: readonly LinkListItem[]): readonly LinkCreator[] => {
  const fresh = items.filter((l) => l.createdByName && !known.some((c) => c.accountId === l.createdBy));
  if (fresh.length === 0) return known;
  const added = new Map(fresh.map((l) => [l.createdBy, { accountId: l.createdBy, name: l.createdByName! }]));
  return [...known, ...added.values()];
};

/** Start or end of a local calendar day, as epoch ms (the date pickers speak the viewer's own days). */
const localDayBound = (date: string, end: boolean): number | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const at = new Date(`${date}T${end ? '23:59:59.999' : '00:00:00.000'}`).getTime();
  return Number.isNaN(at) ? undefined : at;
};

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
  ...(values.createdBy ? { createdBy: values.createdBy } : {}),
  ...(localDayBound(values.expiresFrom, false) !== undefined ? { expiresFrom: localDayBound(values.expiresFrom, false) } : {}),
  ...(localDayBound(values.expiresUntil, true) !== undefined ? { expiresUntil: localDayBound(values.expiresUntil, true) } : {}),
});

/**
 * Search and filter bar of a links table; `onApply` runs on Search (or Enter). `creators`: the people
 * "Created by" offers (those met in the lists so far, by name).
 */
export const LinkFilters = ({
  idPrefix,
  withSpace,
  onApply,
  creators = [],
}: {
  idPrefix: string;
  withSpace: boolean;
  onApply: (values: LinkFilterValues) => void;
  creators?: readonly LinkCreator[];
}) => {
  const [draft, setDraft] = useState<LinkFilterValues>(EMPTY_LINK_FILTERS);
  const set = <K extends keyof LinkFilterValues>(key: K, value: LinkFilterValues[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const id = (name: string) => `${idPrefix}-${name}`;
  const creatorOptions = [
    { label: 'Anyone', value: '' },
    ...[...creators].sort((a, b) => a.name.localeCompare(b.name)).map((c) => ({ label: c.name, value: c.accountId })),
  ];
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
        <Box xcss={{ minWidth: '180px' }}>
          <Field id={id('creator')} label="Created by">
            <Select
              id={id('creator')}
              name="createdBy"
              options={creatorOptions}
              value={creatorOptions.find((o) => o.value === draft.createdBy)}
              onChange={(o: { value: string } | null) => set('createdBy', o?.value ?? '')}
            />
          </Field>
        </Box>
        <Field id={id('expires-from')} label="Expires from">
          <DatePicker id={id('expires-from')} placeholder="Any date" name="expiresFrom" value={draft.expiresFrom || undefined} onChange={(v: string) => set('expiresFrom', v ?? '')} />
        </Field>
        <Field id={id('expires-until')} label="Expires until">
          <DatePicker id={id('expires-until')} placeholder="Any date" name="expiresUntil" value={draft.expiresUntil || undefined} onChange={(v: string) => set('expiresUntil', v ?? '')} />
        </Field>
        <Checkbox name="nonCompliant" label="Only non-compliant" isChecked={draft.nonCompliant} onChange={(e) => set('nonCompliant', Boolean(e.target.checked))} />
        <Button type="submit" appearance="primary">
          Search
        </Button>
      </Inline>
    </Form>
  );
};
