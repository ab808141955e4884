import React, { useCallback, useEffect, useState } from 'react';
import { Box, Button, DatePicker, DynamicTable, EmptyState, Form, Heading, Inline, Link, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '../../../core/model';
import type { AuditExportView, AuditLogFilter, AuditLogPage, SiteSettingsInput } from '../../../shared/contract';
import { api, toResolverError, type ResolverError } from '../../api';
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

type PageState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; page: AuditLogPage };

type ExportState =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'tracking'; view: AuditExportView }
  /** `exportId`: asking about a running export failed (check again); absent: starting failed. */
  | { state: 'error'; error: ResolverError; exportId?: string };

const count = (n: number): string => n.toLocaleString('en-US');
const sizeOf = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
const inProgress = (view: AuditExportView): boolean => view.status === 'queued' || view.status === 'running';

/** What the export is doing, in plain words: progress, the download links, or why it failed. */
const ExportPanel = ({ exp, onStart, onRefresh }: { exp: ExportState; onStart: () => void; onRefresh: (exportId: string) => void }) => {
  if (exp.state === 'idle') return null;
  if (exp.state === 'starting') return <Text>Starting the export…</Text>;
  if (exp.state === 'error') {
    const { exportId } = exp;
    return (
      <SectionMessage appearance="error" title={exportId ? 'Could not check the export' : 'Export not started'}>
        <Text>{exp.error.message}</Text>
        <Box>
          <Button onClick={() => (exportId ? onRefresh(exportId) : onStart())}>{exportId ? 'Check again' : 'Try again'}</Button>
        </Box>
      </SectionMessage>
    );
  }
  const { view } = exp;
  if (inProgress(view)) {
    const progress =
      view.rows > 0
        ? `Preparing export… ${count(view.rows)} entries so far${view.reachedAt !== null ? `, back to ${formatDateTime(view.reachedAt)}` : ''}.`
        : 'Preparing export… waiting for the first entries.';
    return (
      <SectionMessage appearance="information" title="Preparing export">
        <Text>{progress}</Text>
        <Text>The newest entries come first. The download link appears here when the file is ready; you can also close this tab and find the export under Recent exports.</Text>
      </SectionMessage>
    );
  }
  if (view.status === 'failed') {
    return (
      <SectionMessage appearance="error" title="Export failed">
        <Text>{view.message ?? 'The export failed.'}</Text>
        <Box>
          <Button onClick={onStart}>Start the export again</Button>
        </Box>
      </SectionMessage>
    );
  }
  const parts = view.downloads.length;
  return (
    <SectionMessage appearance="success" title="Export ready">
      <Text>{`${count(view.rows)} ${view.rows === 1 ? 'entry' : 'entries'}, newest first.`}</Text>
      {parts > 1 ? (
        <Text>{`The export is too large for one download, so it comes in ${parts} parts. Download every part; each one starts with the column names.`}</Text>
      ) : null}
      {view.truncated && view.reachedAt !== null ? (
        <Text>{`The export stops at ${count(view.rows)} entries, so entries older than ${formatDateTime(view.reachedAt)} are not in it. For those, export again with an earlier "To" date.`}</Text>
      ) : null}
      <Stack space="space.050">
        {view.downloads.map((d) => (
          <Link key={d.part} href={d.url} openNewTab>
            {parts > 1 ? `Download part ${d.part} of ${parts} (${count(d.rows)} entries, ${sizeOf(d.bytes)})` : `Download ${d.filename} (${sizeOf(d.bytes)})`}
          </Link>
        ))}
      </Stack>
      <Text>{`Download links work until ${view.urlsExpireAt !== null ? formatDateTime(view.urlsExpireAt) : 'shortly'}; the export itself is kept for 24 hours.`}</Text>
      <Box>
        <Button onClick={() => onRefresh(view.exportId)}>Get new download links</Button>
      </Box>
    </SectionMessage>
  );
};

type RecentState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; exports: AuditExportView[] };

const STATUS_WORDS: Record<AuditExportView['status'], string> = {
  queued: 'Waiting to start',
  running: 'Preparing',
  ready: 'Ready',
  failed: 'Failed',
};

/** The links of a ready export (one per part), or what is happening to it. */
const recentOutcome = (view: AuditExportView): React.ReactNode => {
  if (view.status === 'failed') return view.message ?? 'The export failed.';
  if (view.status !== 'ready') return view.rows > 0 ? `${count(view.rows)} entries so far` : '—';
  const parts = view.downloads.length;
  return (
    <Stack space="space.050">
      {view.downloads.map((d) => (
        <Link key={d.part} href={d.url} openNewTab>
          {parts > 1 ? `Part ${d.part} of ${parts} (${sizeOf(d.bytes)})` : `${d.filename} (${sizeOf(d.bytes)})`}
        </Link>
      ))}
    </Stack>
  );
};

/**
 * The caller's exports of the last 24 hours, newest first (at most 10): closing the tab loses nothing.
 * Download links are fresh with every load and work 15 minutes; "Refresh" asks for new ones.
 */
const RecentExports = ({ recent, onRefresh }: { recent: RecentState; onRefresh: () => void }) => {
  const expiresAt = recent.state === 'ready' ? recent.exports.find((v) => v.urlsExpireAt !== null)?.urlsExpireAt ?? null : null;
  return (
    <Stack space="space.100">
      <Inline space="space.150" alignBlock="center">
        <Heading as="h3" size="xsmall">
          Recent exports
        </Heading>
        <Button appearance="subtle" onClick={onRefresh}>
          Refresh
        </Button>
      </Inline>
      {recent.state === 'loading' ? (
        <Text>Loading your recent exports…</Text>
      ) : recent.state === 'error' ? (
        <SectionMessage appearance="warning" title="Could not load your recent exports">
          <Text>{recent.error.message}</Text>
        </SectionMessage>
      ) : recent.exports.length === 0 ? (
        <Text>No exports in the last 24 hours. Exports you start are kept here for 24 hours.</Text>
      ) : (
        <Stack space="space.100">
          <DynamicTable
            caption="Your exports of the last 24 hours"
            head={{
              cells: [
                { key: 'created', content: 'Started' },
                { key: 'status', content: 'Status' },
                { key: 'rows', content: 'Entries' },
                { key: 'download', content: 'Download' },
              ],
            }}
            rows={recent.exports.map((v) => ({
              key: v.exportId,
              cells: [
                { key: 'created', content: formatDateTime(v.createdAt) },
                { key: 'status', content: STATUS_WORDS[v.status] },
                { key: 'rows', content: v.status === 'ready' ? count(v.rows) : '—' },
                { key: 'download', content: recentOutcome(v) },
              ],
            }))}
          />
          {expiresAt !== null ? <Text>{`Download links work until ${formatDateTime(expiresAt)}; Refresh for new ones.`}</Text> : null}
        </Stack>
      )}
    </Stack>
  );
};

/** `pollMs`: how long to wait between progress checks while the export is prepared (tests pass 0). */
export const AuditTab = ({ pollMs = 2000 }: { pollMs?: number } = {}) => {
  const [draft, setDraft] = useState<Draft>({ action: '', spaceKey: '', linkId: '', since: '', until: '' });
  const [filter, setFilter] = useState<AuditLogFilter>({});
  const pages = useCursorStack();
  const [page, setPage] = useState<PageState>({ state: 'loading' });
  const [exp, setExp] = useState<ExportState>({ state: 'idle' });
  const [recent, setRecent] = useState<RecentState>({ state: 'loading' });
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

  /** Loads the caller's recent exports; on the first load, follows the newest one still being prepared. */
  const loadRecent = useCallback(async (resume: boolean) => {
    try {
      const { exports } = await api.listAuditExports();
      setRecent({ state: 'ready', exports });
      const preparing = resume ? exports.find(inProgress) : undefined;
      if (preparing) setExp((current) => (current.state === 'idle' ? { state: 'tracking', view: preparing } : current));
    } catch (error) {
      setRecent({ state: 'error', error: toResolverError(error) });
    }
  }, []);

  useEffect(() => {
    void loadRecent(true);
  }, [loadRecent]);

  // When the export shown finishes (ready or failed), the list shows it so too.
  const finishedId = exp.state === 'tracking' && !inProgress(exp.view) ? exp.view.exportId : null;
  useEffect(() => {
    if (finishedId) void loadRecent(false);
  }, [finishedId, loadRecent]);

  // While the export is prepared, ask again `pollMs` after each answer (`answers` counts them).
  const [answers, setAnswers] = useState(0);
  const trackedId = exp.state === 'tracking' && inProgress(exp.view) ? exp.view.exportId : null;
  useEffect(() => {
    if (!trackedId) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      api.getAuditExport({ exportId: trackedId }).then(
        (view) => {
          if (!live) return;
          setExp({ state: 'tracking', view });
          setAnswers((n) => n + 1);
        },
        (error) => live && setExp({ state: 'error', error: toResolverError(error), exportId: trackedId }),
      );
    }, pollMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [trackedId, answers, pollMs]);

  const exportCsv = async () => {
    setExp({ state: 'starting' });
    try {
      const view = await api.startAuditExport(filter);
      setExp({ state: 'tracking', view });
      if (inProgress(view)) void loadRecent(false);
    } catch (error) {
      setExp({ state: 'error', error: toResolverError(error) });
    }
  };

  const refreshExport = async (exportId: string) => {
    try {
      setExp({ state: 'tracking', view: await api.getAuditExport({ exportId }) });
    } catch (error) {
      setExp({ state: 'error', error: toResolverError(error), exportId });
    }
  };

  const items = page.state === 'ready' ? page.page.items : [];
  const nextCursor = page.state === 'ready' ? page.page.nextCursor : undefined;
  const names = page.state === 'ready' ? (page.page.names ?? {}) : {};

  return (
    <Stack space="space.200">
      <Form
        onSubmit={() => {
          setFilter(toFilter(draft));
          pages.toFirst();
          setExp({ state: 'idle' });
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
          <Button isDisabled={exp.state === 'starting' || (exp.state === 'tracking' && inProgress(exp.view))} onClick={() => void exportCsv()}>
            Export CSV
          </Button>
        </Inline>
      </Form>
      <ExportPanel exp={exp} onStart={() => void exportCsv()} onRefresh={(id) => void refreshExport(id)} />
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
      <RecentExports recent={recent} onRefresh={() => void loadRecent(false)} />
      <RetentionSettings />
    </Stack>
  );
};
