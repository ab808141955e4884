import React, { useEffect, useState } from 'react';
import { Box, Button, DatePicker, DynamicTable, EmptyState, Form, Heading, Inline, Select, Stack, Text, Textfield } from '@forge/react';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../core/model';
import type { AuditLogFilter, AuditLogPage, SiteSettingsInput } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
import { CsvExportPanel, RecentCsvExportsList, useCsvExport, type CsvExportWords } from '../csv-export';
import { Field } from '../field';
import { PageNavigation, useCursorStack } from '../page-navigation';
import { AUDIT_ROW_HEAD, auditRow } from '../audit-row';
import { AUDIT_ACTION_LABEL, formatDateTime } from '../labels';
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

/** The first or last millisecond of a picked day (YYYY-MM-DD) in the viewer's time zone, as the log shows its times. */
export const localDayBound = (day: string, bound: 'start' | 'end'): number => {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  return bound === 'start' ? new Date(year, month - 1, date).getTime() : new Date(year, month - 1, date, 23, 59, 59, 999).getTime();
};

const toFilter = (d: Draft): AuditLogFilter => ({
  ...(d.action ? { action: d.action as AuditAction } : {}),
  ...(d.spaceKey.trim() ? { spaceKey: d.spaceKey.trim() } : {}),
  ...(d.linkId.trim() ? { linkId: d.linkId.trim() } : {}),
  ...(d.since ? { since: localDayBound(d.since, 'start') } : {}),
  ...(d.until ? { until: localDayBound(d.until, 'end') } : {}),
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

type PageState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; page: AuditLogPage };

/** The audit export's words: UTC times, as the log's date filters; the log is read newest first. */
const AUDIT_EXPORT_WORDS: CsvExportWords = {
  noun: ['entry', 'entries'],
  time: formatDateTime,
  progress: (view) => (view.reachedAt !== null ? `, back to ${formatDateTime(view.reachedAt)}` : ''),
  preparingNote: 'The newest entries come first. The download link appears here when the file is ready; you can also close this tab and find the export under Recent exports.',
  order: ', newest first',
  truncated: (view) =>
    view.reachedAt !== null
      ? `The export stops at ${view.rows.toLocaleString('en-US')} entries, so entries older than ${formatDateTime(view.reachedAt)} are not in it. For those, export again with an earlier "To" date.`
      : null,
};

/** `pollMs`: how long to wait between progress checks while the export is prepared (tests pass 0). */
export const AuditTab = ({ pollMs = 2000 }: { pollMs?: number } = {}) => {
  const [draft, setDraft] = useState<Draft>({ action: '', spaceKey: '', linkId: '', since: '', until: '' });
  const [filter, setFilter] = useState<AuditLogFilter>({});
  const pages = useCursorStack();
  const [page, setPage] = useState<PageState>({ state: 'loading' });
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

  const csv = useCsvExport(
    { start: () => api.startAuditExport(filter), get: (exportId) => api.getAuditExport({ exportId }), list: () => api.listAuditExports() },
    pollMs,
  );

  const items = page.state === 'ready' ? page.page.items : [];
  const nextCursor = page.state === 'ready' ? page.page.nextCursor : undefined;
  const names = page.state === 'ready' ? (page.page.names ?? {}) : {};

  return (
    <Stack space="space.200">
      <Form
        onSubmit={() => {
          setFilter(toFilter(draft));
          pages.toFirst();
          csv.clear();
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
            <DatePicker id="audit-since" placeholder="Any date" name="since" value={draft.since || undefined} onChange={(v: string) => set('since', v ?? '')} />
          </Field>
          <Field id="audit-until" label="To">
            <DatePicker id="audit-until" placeholder="Any date" name="until" value={draft.until || undefined} onChange={(v: string) => set('until', v ?? '')} />
          </Field>
          <Button type="submit" appearance="primary">
            Filter
          </Button>
          <Button isDisabled={csv.busy} onClick={() => void csv.start()}>
            Export CSV
          </Button>
        </Inline>
      </Form>
      <CsvExportPanel exp={csv.exp} words={AUDIT_EXPORT_WORDS} onStart={() => void csv.start()} onRefresh={(id) => void csv.refresh(id)} />
      {page.state === 'error' ? (
        <ErrorPanel error={page.error} onRetry={() => setFilter({ ...filter })} />
      ) : page.state === 'ready' && items.length === 0 ? (
        <EmptyState header="No audit entries" description="Nothing matches these filters yet." />
      ) : (
        <DynamicTable
          caption="Audit log"
          isLoading={page.state === 'loading'}
          head={AUDIT_ROW_HEAD}
          rows={items.map((entry) => auditRow(entry, names))}
        />
      )}
      <PageNavigation pages={pages} nextCursor={nextCursor} />
      <RecentCsvExportsList recent={csv.recent} words={AUDIT_EXPORT_WORDS} onRefresh={() => void csv.loadRecent(false)} />
      <RetentionSettings />
    </Stack>
  );
};
