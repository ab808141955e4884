import React, { useCallback, useEffect, useState } from 'react';
import { Box, Button, DynamicTable, Heading, Inline, Link, SectionMessage, Stack, Text } from '@forge/react';
import type { AuditExportView } from '../../shared/contract';
import { toResolverError, type ResolverError } from '../api';
import { localDateTime } from '../../core/audit-sentences';

/**
 * A CSV export that runs as a background job and ends in signed download links (15 minutes; the export
 * itself is kept 24 hours): start it, follow its progress, list the caller's recent exports. The audit
 * log and the All links section use it, each with its own words; one backend (app/audit-export.ts).
 */

export type CsvExportState =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'tracking'; view: AuditExportView }
  /** `exportId`: asking about a running export failed (check again); absent: starting failed. */
  | { state: 'error'; error: ResolverError; exportId?: string };

/** `idle`: not asked yet (a screen that opens with one call loads them on demand). */
export type RecentCsvExports = { state: 'idle' } | { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; exports: AuditExportView[] };

/** What one row of the file is called: ['link', 'links'], ['entry', 'entries']. */
export type RowNoun = readonly [one: string, many: string];

/** How an export speaks of its rows and times. */
export interface CsvExportWords {
  noun: RowNoun;
  /** A time as the screen shows it. */
  time: (epochMs: number) => string;
  /** After "Preparing export… N rows so far" (e.g. ", back to <time>" for a log read newest first). */
  progress?: (view: AuditExportView) => string;
  /** What to expect while the file is prepared. */
  preparingNote: string;
  /** After the row count once ready (e.g. ", newest first"). */
  order?: string;
  /** Why rows are missing when the export stopped at its limit. */
  truncated: (view: AuditExportView) => string | null;
}

const count = (n: number): string => n.toLocaleString('en-US');
const rowsOf = (n: number, noun: RowNoun): string => `${count(n)} ${n === 1 ? noun[0] : noun[1]}`;

/** The links export's words (the viewer's own dates). */
export const LINK_EXPORT_WORDS: CsvExportWords = {
  noun: ['link', 'links'],
  time: (at) => localDateTime(at),
  preparingNote: 'The download link appears here when the file is ready; you can also leave and find the export under Recent exports.',
  truncated: (view) => `The export stops at ${rowsOf(view.rows, ['link', 'links'])}. Narrow the filters to export the rest.`,
};
const sizeOf = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
export const isPreparing = (view: AuditExportView): boolean => view.status === 'queued' || view.status === 'running';

export interface CsvExportApi {
  start: () => Promise<AuditExportView>;
  get: (exportId: string) => Promise<AuditExportView>;
  list: () => Promise<{ exports: AuditExportView[] }>;
}

/**
 * The export's state: `start`, progress polled every `pollMs` while it is prepared, and the caller's
 * recent exports (on the first load, an export still being prepared is followed again). `recentOnOpen`
 * false: the recent exports load when asked (the screen opens with its own single call, rubric CST-01).
 */
export const useCsvExport = (calls: CsvExportApi, pollMs: number, recentOnOpen = true) => {
  const [exp, setExp] = useState<CsvExportState>({ state: 'idle' });
  const [recent, setRecent] = useState<RecentCsvExports>({ state: recentOnOpen ? 'loading' : 'idle' });
  const [recentWanted, setRecentWanted] = useState(recentOnOpen);

  const loadRecent = useCallback(async (resume: boolean) => {
    setRecentWanted(true);
    setRecent((current) => (current.state === 'idle' ? { state: 'loading' } : current));
    try {
      const { exports } = await calls.list();
      setRecent({ state: 'ready', exports });
      const preparing = resume ? exports.find(isPreparing) : undefined;
      if (preparing) setExp((current) => (current.state === 'idle' ? { state: 'tracking', view: preparing } : current));
    } catch (error) {
      setRecent({ state: 'error', error: toResolverError(error) });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (recentOnOpen) void loadRecent(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadRecent]);

  const finishedId = exp.state === 'tracking' && !isPreparing(exp.view) ? exp.view.exportId : null;
  useEffect(() => {
    if (finishedId && recentWanted) void loadRecent(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finishedId, loadRecent]);

  // While the export is prepared, ask again `pollMs` after each answer (`answers` counts them).
  const [answers, setAnswers] = useState(0);
  const trackedId = exp.state === 'tracking' && isPreparing(exp.view) ? exp.view.exportId : null;
  useEffect(() => {
    if (!trackedId) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      calls.get(trackedId).then(
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
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [trackedId, answers, pollMs]);

  const start = async () => {
    setExp({ state: 'starting' });
    try {
      const view = await calls.start();
      setExp({ state: 'tracking', view });
      if (isPreparing(view) && recentWanted) void loadRecent(false);
    } catch (error) {
      setExp({ state: 'error', error: toResolverError(error) });
    }
  };

  const refresh = async (exportId: string) => {
    try {
      setExp({ state: 'tracking', view: await calls.get(exportId) });
    } catch (error) {
      setExp({ state: 'error', error: toResolverError(error), exportId });
    }
  };

  const busy = exp.state === 'starting' || (exp.state === 'tracking' && isPreparing(exp.view));
  /** Forgets the export shown (a new filter: the file shown no longer matches it). */
  const clear = () => setExp({ state: 'idle' });
  return { exp, recent, busy, start, refresh, loadRecent, clear };
};

/** What the export is doing, in plain words: progress, the download links, or why it failed. */
export const CsvExportPanel = ({
  exp,
  words,
  onStart,
  onRefresh,
}: {
  exp: CsvExportState;
  words: CsvExportWords;
  onStart: () => void;
  onRefresh: (exportId: string) => void;
}) => {
  const { noun } = words;
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
  if (isPreparing(view)) {
    return (
      <SectionMessage appearance="information" title="Preparing export">
        <Text>
          {view.rows > 0 ? `Preparing export… ${rowsOf(view.rows, noun)} so far${words.progress?.(view) ?? ''}.` : `Preparing export… waiting for the first ${noun[1]}.`}
        </Text>
        <Text>{words.preparingNote}</Text>
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
      <Text>{`${rowsOf(view.rows, noun)}${words.order ?? ''}.`}</Text>
      {parts > 1 ? (
        <Text>{`The export is too large for one download, so it comes in ${parts} parts. Download every part; each one starts with the column names.`}</Text>
      ) : null}
      {view.truncated && words.truncated(view) ? <Text>{words.truncated(view)}</Text> : null}
      <Stack space="space.050">
        {view.downloads.map((d) => (
          <Link key={d.part} href={d.url} openNewTab>
            {parts > 1 ? `Download part ${d.part} of ${parts} (${rowsOf(d.rows, noun)}, ${sizeOf(d.bytes)})` : `Download ${d.filename} (${sizeOf(d.bytes)})`}
          </Link>
        ))}
      </Stack>
      <Text>{`Download links work until ${view.urlsExpireAt !== null ? words.time(view.urlsExpireAt) : 'shortly'}; the export itself is kept for 24 hours.`}</Text>
      <Box>
        <Button onClick={() => onRefresh(view.exportId)}>Get new download links</Button>
      </Box>
    </SectionMessage>
  );
};

const STATUS_WORDS: Record<AuditExportView['status'], string> = {
  queued: 'Waiting to start',
  running: 'Preparing',
  ready: 'Ready',
  failed: 'Failed',
};

const recentOutcome = (view: AuditExportView, noun: RowNoun): React.ReactNode => {
  if (view.status === 'failed') return view.message ?? 'The export failed.';
  if (view.status !== 'ready') return view.rows > 0 ? `${rowsOf(view.rows, noun)} so far` : '—';
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

/** The caller's exports of the last 24 hours, newest first (at most 10), with fresh download links. */
export const RecentCsvExportsList = ({ recent, words, onRefresh }: { recent: RecentCsvExports; words: CsvExportWords; onRefresh: () => void }) => {
  const { noun } = words;
  const expiresAt = recent.state === 'ready' ? (recent.exports.find((v) => v.urlsExpireAt !== null)?.urlsExpireAt ?? null) : null;
  const label = noun[1].charAt(0).toUpperCase() + noun[1].slice(1);
  return (
    <Stack space="space.100">
      <Inline space="space.150" alignBlock="center">
        <Heading as="h3" size="xsmall">
          Recent exports
        </Heading>
        <Button appearance="subtle" onClick={onRefresh}>
          {recent.state === 'idle' ? 'Show' : 'Refresh'}
        </Button>
      </Inline>
      {recent.state === 'idle' ? (
        <Text>Your exports of the last 24 hours, with fresh download links.</Text>
      ) : recent.state === 'loading' ? (
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
                { key: 'rows', content: label },
                { key: 'download', content: 'Download' },
              ],
            }}
            rows={recent.exports.map((v) => ({
              key: v.exportId,
              cells: [
                { key: 'created', content: words.time(v.createdAt) },
                { key: 'status', content: STATUS_WORDS[v.status] },
                { key: 'rows', content: v.status === 'ready' ? count(v.rows) : '—' },
                { key: 'download', content: recentOutcome(v, noun) },
              ],
            }))}
          />
          {expiresAt !== null ? <Text>{`Download links work until ${words.time(expiresAt)}; Refresh for new ones.`}</Text> : null}
        </Stack>
      )}
    </Stack>
  );
};
