import React, { useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, Button, Checkbox, DynamicTable, EmptyState, Inline, Stack, Text, User } from '@forge/react';
import type { LinkView } from '../../core/model';
import type { CursorPage, LinkListItem } from '../../shared/contract';
import { api, toResolverError, type ResolverError } from '../api';
import { ConfirmModal } from './confirm-modal';
import { CopyLinkModal } from './copy-link-modal';
import { EmailLinkModal } from './email-link-modal';
import { flagError, flagSuccess } from './flags';
import { humanDate, joinReasons } from './labels';
import { narrowedNote } from './link-card';
import { linkStatsLine, useLinkStats } from './link-stats';
import { PageNavigation, useCursorStack } from './page-navigation';
import { ErrorPanel } from './states';
import { StatusLozenge } from './status-lozenge';
import { SharedTarget } from './scope-marker';

export interface LinksTableProps {
  /** Fetches one page; called again whenever `queryKey` changes. */
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<LinkListItem>>;
  queryKey: string;
  /** Show the space column (site-wide lists). */
  showSpace?: boolean;
  /** Checkboxes and bulk revoke (site-wide lists). */
  bulk?: boolean;
  emptyText: string;
  /**
   * How to revoke: site admins disable in bulk (revokeLinks); space admins disable link by link
   * (setLinkStatus), which the backend allows for links of a space they administer.
   */
  revokeVia?: 'bulk' | 'status';
  /**
   * The first page for the first `queryKey`, when the screen's own call already brought it (space
   * settings: getSpaceConfig): shown without fetching it again (review rubric CST-01).
   */
  initialPage?: CursorPage<LinkListItem> | undefined;
}

const revokeOneByOne = async (links: LinkView[]): Promise<{ disabled: string[]; failed: string[] }> => {
  const disabled: string[] = [];
  const failed: string[] = [];
  for (const link of links) {
    try {
      await api.setLinkStatus({ linkId: link.id, status: 'disabled', version: link.version });
      disabled.push(link.id);
    } catch {
      failed.push(link.id);
    }
  }
  return { disabled, failed };
};

type PageState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; page: CursorPage<LinkListItem> };

export const LinksTable = ({ fetchPage, queryKey, showSpace = false, bulk = false, emptyText, revokeVia = 'bulk', initialPage }: LinksTableProps) => {
  const pages = useCursorStack();
  const [page, setPage] = useState<PageState>({ state: 'loading' });
  const [selected, setSelected] = useState<string[]>([]);
  const [confirm, setConfirm] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [copyFor, setCopyFor] = useState<LinkListItem | null>(null);
  const [emailFor, setEmailFor] = useState<LinkListItem | null>(null);
  const [refresh, setRefresh] = useState(0);
  const { cursor } = pages;
  const stats = useLinkStats(page.state === 'ready' ? page.page.items.map((l) => l.id) : [], page.state === 'ready' ? page.page.items : []);
  /** The query the preloaded first page answers; used once. */
  const preloadedFor = useRef<string | null>(initialPage ? queryKey : null);

  useEffect(() => {
    pages.toFirst();
    setSelected([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey]);

  useEffect(() => {
    if (initialPage && preloadedFor.current === queryKey && cursor === undefined && refresh === 0) {
      preloadedFor.current = null;
      setPage({ state: 'ready', page: initialPage });
      return;
    }
    preloadedFor.current = null;
    let live = true;
    setPage({ state: 'loading' });
    fetchPage(cursor).then(
      (result) => live && setPage({ state: 'ready', page: result }),
      (error) => live && setPage({ state: 'error', error: toResolverError(error) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, cursor, refresh]);

  const revoke = async (ids: string[]) => {
    setBusy(true);
    try {
      const parts: string[] = [];
      if (revokeVia === 'status') {
        const targets = (page.state === 'ready' ? page.page.items : []).filter((l) => ids.includes(l.id));
        const result = await revokeOneByOne(targets);
        if (result.disabled.length === 0 && result.failed.length > 0) throw new Error('The link could not be disabled. Reload and try again.');
        parts.push(`${result.disabled.length} disabled`);
        if (result.failed.length) parts.push(`${result.failed.length} failed`);
      } else {
        const result = await api.revokeLinks({ linkIds: ids });
        parts.push(`${result.disabled.length} disabled`);
        if (result.alreadyDisabled.length) parts.push(`${result.alreadyDisabled.length} already disabled`);
        if (result.notFound.length) parts.push(`${result.notFound.length} not found`);
      }
      flagSuccess(ids.length === 1 ? 'Link revoked' : 'Links revoked', parts.join(', '));
      setSelected([]);
      setRefresh((n) => n + 1);
    } catch (error) {
      flagError('Could not revoke', error);
    } finally {
      setBusy(false);
      setConfirm(null);
    }
  };

  if (page.state === 'error') return <ErrorPanel error={page.error} onRetry={() => setRefresh((n) => n + 1)} />;
  const items = page.state === 'ready' ? page.page.items : [];
  const nextCursor = page.state === 'ready' ? page.page.nextCursor : undefined;
  const allOnPage = items.length > 0 && items.every((l) => selected.includes(l.id));

  const now = Date.now();
  // One list of columns so the header and every row keep the same cells in the same order.
  const columns: Array<{ key: string; header: ReactNode; cell: (link: LinkListItem) => ReactNode }> = [
    ...(bulk
      ? [
          {
            key: 'select',
            header: <Checkbox label="Link" isChecked={allOnPage} onChange={(e) => setSelected(e.target.checked ? items.map((l) => l.id) : [])} />,
            // With bulk selection the checkbox label is the link name.
            cell: (link: LinkListItem) => (
              <Checkbox
                label={link.name}
                isChecked={selected.includes(link.id)}
                onChange={(e) => setSelected((s) => (e.target.checked ? [...s, link.id] : s.filter((id) => id !== link.id)))}
              />
            ),
          },
        ]
      : [{ key: 'name', header: 'Link', cell: (link: LinkListItem) => link.name }]),
    // A whole-space link shows the "Whole space" marker instead of its home page's title.
    { key: 'page', header: 'Page', cell: (link) => <SharedTarget link={link} /> },
    ...(showSpace ? [{ key: 'space', header: 'Space', cell: (link: LinkListItem) => link.spaceKey }] : []),
    // The resolved name is plain text (sortable, searchable); the User card is the fallback when it is unknown.
    { key: 'creator', header: 'Created by', cell: (link) => link.createdByName ?? <User accountId={link.createdBy} /> },
    {
      key: 'status',
      header: 'Status',
      cell: (link) => (
        <Stack space="space.050">
          <StatusLozenge status={link.effectiveStatus} />
          {link.effectiveStatus === 'non_compliant' && link.violations.length > 0 ? <Text size="small">{joinReasons(link.violations)}</Text> : null}
          {narrowedNote(link) ? <Text size="small">{narrowedNote(link)}</Text> : null}
        </Stack>
      ),
    },
    { key: 'expires', header: 'Expires', cell: (link) => (link.expiresAt === null ? 'Never' : humanDate(link.expiresAt)) },
    { key: 'views', header: 'Views', cell: (link) => linkStatsLine(stats, link.id, now) },
    {
      key: 'actions',
      header: '',
      cell: (link) => (
        <Inline space="space.050">
          <Button spacing="compact" onClick={() => setCopyFor(link)}>
            Copy
          </Button>
          <Button spacing="compact" onClick={() => setEmailFor(link)}>
            Email
          </Button>
          <Button spacing="compact" appearance="subtle" isDisabled={busy || link.status === 'disabled'} onClick={() => setConfirm([link.id])}>
            Revoke
          </Button>
        </Inline>
      ),
    },
  ];
  const head = { cells: columns.map(({ key, header }) => ({ key, content: header })) };
  const rows = items.map((link) => ({ key: link.id, cells: columns.map(({ key, cell }) => ({ key, content: cell(link) })) }));

  return (
    <Stack space="space.150">
      {bulk ? (
        <Inline space="space.100" alignBlock="center">
          <Button appearance="danger" isDisabled={selected.length === 0 || busy} onClick={() => setConfirm(selected)}>
            {`Revoke selected (${selected.length})`}
          </Button>
        </Inline>
      ) : null}
      {page.state === 'ready' && items.length === 0 ? (
        <EmptyState header="No links" description={emptyText} />
      ) : (
        // No emptyView: a React element in a prop cannot cross the bridge; the empty state is rendered above instead.
        <DynamicTable caption="Secure links" head={head} rows={rows} isLoading={page.state === 'loading'} />
      )}
      <Box>
        <PageNavigation pages={pages} nextCursor={nextCursor} />
      </Box>
      {copyFor ? (
        <CopyLinkModal
          link={copyFor}
          onEmail={() => {
            setEmailFor(copyFor);
            setCopyFor(null);
          }}
          onClose={() => setCopyFor(null)}
        />
      ) : null}
      {emailFor ? <EmailLinkModal link={emailFor} url={null} onClose={() => setEmailFor(null)} /> : null}
      {confirm ? (
        <ConfirmModal
          title={confirm.length === 1 ? 'Revoke this link?' : `Revoke ${confirm.length} links?`}
          body="Revoked links are disabled at once: anyone opening them gets a not-found page. Their owners can see them and enable them again."
          confirmLabel="Revoke"
          busy={busy}
          onConfirm={() => void revoke(confirm)}
          onCancel={() => setConfirm(null)}
        />
      ) : null}
    </Stack>
  );
};
