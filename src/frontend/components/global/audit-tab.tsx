import React, { useEffect, useState } from 'react';
import { Box, Button, CodeBlock, DatePicker, DynamicTable, EmptyState, Form, Heading, Inline, Select, Stack, Text, Textfield, User } from '@forge/react';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../core/model';
import type { AuditLogFilter, CursorPage, SiteSettingsInput } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { Field } from '../field';
import { flagError } from '../flags';
import { PageNavigation, useCursorStack } from '../page-navigation';
import { AUDIT_ACTION_LABEL, formatDateTime, isAccountActor } from '../labels';
import { ErrorPanel } from '../states';
import { SiteSettingsForm, type SiteSectionProps } from './site-settings-form';

const ACTION_OPTIONS = [{ label: 'Any action', value: '' }, ...AUDIT_ACTIONS.map((a) => ({ label: AUDIT_ACTION_LABEL[a], value: a }))];

interface Draft {
  action: string;
  spaceKey: string;
  linkId: string;
  since: string;
  until: string;
}

const toFilter = (d: Draft): AuditLogFilter => ({
  ...(d.action ? { action: d.action as AuditAction } : {}),
  ...(d.spaceKey.trim() ? { spaceKey: d.spaceKey.trim() } : {}),
  ...(d.linkId.trim() ? { linkId: d.linkId.trim() } : {}),
  ...(d.since ? { since: Date.parse(`${d.since}T00:00:00.000Z`) } : {}),
  ...(d.until ? { until: Date.parse(`${d.until}T23:59:59.999Z`) } : {}),
});

export const RETENTION_LIMITS = { min: 1, max: 3650 } as const;

const RetentionSection = ({ draft, setDraft, fieldErrors }: SiteSectionProps) => {
  // The typed text is kept as typed so "" or "12x" stay visible until validation names the problem.
  const [text, setText] = useState(String(draft.auditRetentionDays));
  return (
    <Box>
      <Field
        id="audit-retention-days"
        label="Keep audit entries for (days)"
        required
        helper={`${RETENTION_LIMITS.min} to ${RETENTION_LIMITS.max} days (10 years). The daily clean-up deletes older entries for good; export them first if you must keep them.`}
        error={fieldErrors.auditRetentionDays}
      >
        <Textfield
          id="audit-retention-days"
          name="auditRetentionDays"
          type="number"
          min={RETENTION_LIMITS.min}
          max={RETENTION_LIMITS.max}
          value={text}
          onChange={(e) => {
            const value = String(e.target.value ?? '').trim();
            setText(value);
            setDraft((d) => ({ ...d, auditRetentionDays: /^\d+$/.test(value) ? Number(value) : Number.NaN }));
          }}
        />
      </Field>
    </Box>
  );
};

const validateRetention = (draft: SiteSettingsInput): Record<string, string> => {
  const days = draft.auditRetentionDays;
  return Number.isInteger(days) && days >= RETENTION_LIMITS.min && days <= RETENTION_LIMITS.max
    ? {}
    : { auditRetentionDays: `Enter a whole number of days from ${RETENTION_LIMITS.min} to ${RETENTION_LIMITS.max}.` };
};

// Narrow, so the form's Save button sits next to its one field rather than at the far edge of the tab.
const RetentionSettings = () => (
  <Box xcss={{ maxWidth: '480px' }}>
    <Stack space="space.100">
      <Heading as="h3" size="xsmall">
        Retention
      </Heading>
      <SiteSettingsForm title="Audit retention" section={RetentionSection} validate={validateRetention} />
    </Stack>
  </Box>
);

type PageState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; page: CursorPage<AuditEntry> };

export const AuditTab = () => {
  const [draft, setDraft] = useState<Draft>({ action: '', spaceKey: '', linkId: '', since: '', until: '' });
  const [filter, setFilter] = useState<AuditLogFilter>({});
  const pages = useCursorStack();
  const [page, setPage] = useState<PageState>({ state: 'loading' });
  const [csv, setCsv] = useState<{ filename: string; csv: string } | null>(null);
  const [exporting, setExporting] = useState(false);
  const { cursor } = pages;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  useEffect(() => {
    let live = true;
    setPage({ state: 'loading' });
    api.getAuditLog({ ...filter, limit: 25, ...(cursor ? { cursor } : {}) }).then(
      (result) => live && setPage({ state: 'ready', page: result }),
      (error) => live && setPage({ state: 'error', error: toResolverError(error) }),
    );
    return () => {
      live = false;
    };
  }, [filter, cursor]);

  const exportCsv = async () => {
    setExporting(true);
    try {
      setCsv(await api.exportAuditCsv(filter));
    } catch (error) {
      flagError('Export failed', error);
    } finally {
      setExporting(false);
    }
  };

  const items = page.state === 'ready' ? page.page.items : [];
  const nextCursor = page.state === 'ready' ? page.page.nextCursor : undefined;

  return (
    <Stack space="space.200">
      <Form
        onSubmit={() => {
          setFilter(toFilter(draft));
          pages.toFirst();
          setCsv(null);
        }}
      >
        <Inline space="space.150" alignBlock="end" shouldWrap>
          <Box xcss={{ minWidth: '200px' }}>
            <Field id="audit-action" label="Action">
              <Select
                id="audit-action"
                name="action"
                options={ACTION_OPTIONS}
                value={ACTION_OPTIONS.find((o) => o.value === draft.action)}
                onChange={(o: { value: string }) => set('action', o.value)}
              />
            </Field>
          </Box>
          <Field id="audit-space" label="Space key">
            <Textfield id="audit-space" name="spaceKey" value={draft.spaceKey} onChange={(e) => set('spaceKey', String(e.target.value ?? '').toUpperCase())} />
          </Field>
          <Field id="audit-link" label="Link ID">
            <Textfield id="audit-link" name="linkId" value={draft.linkId} onChange={(e) => set('linkId', String(e.target.value ?? ''))} />
          </Field>
          <Field id="audit-since" label="From">
            <DatePicker id="audit-since" name="since" value={draft.since || undefined} onChange={(v: string) => set('since', v ?? '')} />
          </Field>
          <Field id="audit-until" label="To">
            <DatePicker id="audit-until" name="until" value={draft.until || undefined} onChange={(v: string) => set('until', v ?? '')} />
          </Field>
          <Button type="submit" appearance="primary">
            Filter
          </Button>
          <Button isDisabled={exporting} onClick={exportCsv}>
            Export CSV
          </Button>
        </Inline>
      </Form>
      {csv ? (
        <Stack space="space.100">
          <Text weight="bold">{`${csv.filename} — select and copy, or save as a .csv file`}</Text>
          <CodeBlock language="text" text={csv.csv} />
        </Stack>
      ) : null}
      {page.state === 'error' ? (
        <ErrorPanel error={page.error} onRetry={() => setFilter({ ...filter })} />
      ) : page.state === 'ready' && items.length === 0 ? (
        <EmptyState header="No audit entries" description="Nothing matches these filters yet." />
      ) : (
        <DynamicTable
          caption="Audit log"
          isLoading={page.state === 'loading'}
          head={{
            cells: [
              { key: 'at', content: 'When' },
              { key: 'action', content: 'Action' },
              { key: 'actor', content: 'Who' },
              { key: 'where', content: 'Space / page / link' },
              { key: 'detail', content: 'Detail' },
            ],
          }}
          rows={items.map((entry) => ({
            key: entry.id,
            cells: [
              { key: 'at', content: formatDateTime(entry.at) },
              { key: 'action', content: entry.count > 1 ? `${AUDIT_ACTION_LABEL[entry.action]} ×${entry.count}` : AUDIT_ACTION_LABEL[entry.action] },
              { key: 'actor', content: isAccountActor(entry.actor) ? <User accountId={entry.actor} /> : entry.actor },
              { key: 'where', content: [entry.spaceKey, entry.pageId, entry.linkId].filter(Boolean).join(' / ') || '—' },
              { key: 'detail', content: entry.detail },
            ],
          }))}
        />
      )}
      <PageNavigation pages={pages} nextCursor={nextCursor} />
      <RetentionSettings />
    </Stack>
  );
};
