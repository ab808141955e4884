import React, { useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, Button, ButtonGroup, Checkbox, DynamicTable, EmptyState, Inline, Link, Stack, Text, User, useProductContext } from '@forge/react';
import type { BulkLinkAction, BulkLinkResult, CursorPage, LinkListItem } from '../../shared/contract';
import { api, toResolverError, type ResolverError } from '../api';
import { ConfirmModal } from './confirm-modal';
import { CopyLinkModal } from './copy-link-modal';
import { EmailLinkModal } from './email-link-modal';
import { flagError, flagSuccess } from './flags';
import { plural } from './form-checks';
import { humanDate, joinReasons } from './labels';
import { LinkActivityModal } from './link-activity-modal';
import { narrowedNote } from './link-card';
import { LinkEditPanel } from './link-edit-panel';
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
  /**
   * Whose list this is, for bulk actions: a space's admins act on that space's links only (the backend
   * checks it again); without it the list is the site-wide one of Confluence admins.
   */
  spaceKey?: string;
  emptyText: string;
  /**
   * The first page for the first `queryKey`, when the screen's own call already brought it (space
   * settings: getSpaceConfig): shown without fetching it again (review rubric CST-01).
   */
  initialPage?: CursorPage<LinkListItem> | undefined;
  /** Every listed page, once shown (the site list collects its creators for the "Created by" filter). */
  onItems?: (items: readonly LinkListItem[]) => void;
}

type PageState = { state: 'loading' } | { state: 'error'; error: ResolverError } | { state: 'ready'; page: CursorPage<LinkListItem> };

type Pending =
  | { kind: 'disable' | 'rotate' | 'delete'; link: LinkListItem }
  | { kind: 'bulk'; action: BulkLinkAction; ids: string[] }
  | null;

const links = (n: number): string => `${n} ${plural(n, 'link', 'links')}`;

const BULK_WORDS: Record<BulkLinkAction, { verb: string; done: string; unchanged: string; body: string; appearance: 'danger' | 'warning' | 'primary' }> = {
  disable: {
    verb: 'Disable',
    done: 'disabled',
    unchanged: 'already disabled',
    body: 'Anyone opening them gets a not-found page until they are enabled again, and open sessions end. Their URLs stay the same.',
    appearance: 'warning',
  },
  enable: {
    verb: 'Enable',
    done: 'enabled',
    unchanged: 'already enabled',
    body: 'They open again for everyone who has their URL, as far as the sharing policy allows.',
    appearance: 'primary',
  },
  delete: {
    verb: 'Delete',
    done: 'deleted',
    unchanged: 'unchanged',
    body: 'They stop working at once and are removed with their subscribers. This cannot be undone.',
    appearance: 'danger',
  },
};

/** "3 links disabled" and, when some were skipped, "1 link was already disabled. 1 link was not found." */
export const bulkOutcome = (result: BulkLinkResult): { title: string; description: string } => {
  const words = BULK_WORDS[result.action];
  const notes: string[] = [];
  if (result.unchanged.length) notes.push(`${links(result.unchanged.length)} ${plural(result.unchanged.length, 'was', 'were')} ${words.unchanged}.`);
  if (result.notFound.length) notes.push(`${links(result.notFound.length)} ${plural(result.notFound.length, 'was', 'were')} not found (deleted meanwhile, or not yours to change).`);
  return { title: `${links(result.changed.length)} ${words.done}`, description: notes.join(' ') };
};

const SINGLE_CONFIRM: Record<'disable' | 'rotate' | 'delete', { title: (name: string) => string; body: string; confirm: string; appearance: 'danger' | 'warning' }> = {
  disable: {
    title: (name) => `Disable “${name}”?`,
    body: 'Everyone who has the link gets a not-found page until it is enabled again. Open sessions end. The URL stays the same.',
    confirm: 'Disable',
    appearance: 'warning',
  },
  rotate: {
    title: (name) => `Rotate the URL of “${name}”?`,
    body: 'The link gets a new URL. Everyone who holds the current URL loses access at once and open sessions end. Send the new URL to those who should keep access.',
    confirm: 'Rotate URL',
    appearance: 'warning',
  },
  delete: {
    title: (name) => `Delete “${name}”?`,
    body: 'The link stops working at once and is removed. This cannot be undone.',
    confirm: 'Delete',
    appearance: 'danger',
  },
};

/** Where Confluence shows the page (the site's own address; UI Kit opens it in a new tab). */
const pageUrl = (siteUrl: string | undefined, pageId: string): string =>
  `${(siteUrl ?? '').replace(/\/+$/, '')}/wiki/pages/viewpage.action?pageId=${encodeURIComponent(pageId)}`;

/**
 * The links console shared by the site's All links and a space's links: per link copy, email, edit,
 * activity, enable or disable, rotate, delete and open the page; bulk disable, enable and delete with a
 * count in the confirmation. Every action goes to a resolver that checks the caller's rights again.
 */
export const LinksTable = ({ fetchPage, queryKey, showSpace = false, spaceKey, emptyText, initialPage, onItems }: LinksTableProps) => {
  const context = useProductContext();
  const pages = useCursorStack();
  const [page, setPage] = useState<PageState>({ state: 'loading' });
  const [selected, setSelected] = useState<string[]>([]);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [moreFor, setMoreFor] = useState<string | null>(null);
  const [editing, setEditing] = useState<LinkListItem | null>(null);
  const [copyFor, setCopyFor] = useState<LinkListItem | null>(null);
  const [emailFor, setEmailFor] = useState<LinkListItem | null>(null);
  const [activityFor, setActivityFor] = useState<LinkListItem | null>(null);
  const [refresh, setRefresh] = useState(0);
  const { cursor } = pages;
  const stats = useLinkStats(page.state === 'ready' ? page.page.items.map((l) => l.id) : [], page.state === 'ready' ? page.page.items : []);
  /** The query the preloaded first page answers; used once. */
  const preloadedFor = useRef<string | null>(initialPage ? queryKey : null);
  const lastRefresh = useRef(0);

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
    // After an action the rows stay on screen while the list is read again; a new query or page shows loading.
    const reloading = lastRefresh.current !== refresh;
    lastRefresh.current = refresh;
    setPage((current) => (current.state === 'ready' && reloading ? current : { state: 'loading' }));
    fetchPage(cursor).then(
      (result) => live && setPage({ state: 'ready', page: result }),
      (error) => live && setPage({ state: 'error', error: toResolverError(error) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, cursor, refresh]);

  const listed = page.state === 'ready' ? page.page.items : undefined;
  useEffect(() => {
    if (listed) onItems?.(listed);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [listed]);

  const reload = () => setRefresh((n) => n + 1);

  /** Runs one action with the busy state; failures become an error flag titled `failed`. */
  const run = async (failed: string, action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      flagError(failed, error);
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  const setStatus = (link: LinkListItem, status: LinkListItem['status']) =>
    run(status === 'active' ? 'Could not enable the link' : 'Could not disable the link', async () => {
      const { link: updated } = await api.setLinkStatus({ linkId: link.id, status, version: link.version });
      flagSuccess(status === 'active' ? 'Link enabled' : 'Link disabled', updated.name);
      reload();
    });

  const confirmPending = () => {
    if (!pending) return;
    if (pending.kind === 'bulk') {
      const { action, ids } = pending;
      return void run(`Could not ${action} the links`, async () => {
        const result = await api.bulkLinks({ action, linkIds: ids, ...(spaceKey ? { spaceKey } : {}) });
        const outcome = bulkOutcome(result);
        flagSuccess(outcome.title, outcome.description || undefined);
        setSelected([]);
        reload();
      });
    }
    const { kind, link } = pending;
    if (kind === 'disable') return void setStatus(link, 'disabled');
    if (kind === 'rotate') {
      return void run('Could not rotate the link', async () => {
        await api.rotateLink({ linkId: link.id, version: link.version });
        flagSuccess('Link rotated', 'The old URL no longer works. Copy or email the new one to those who should keep access.');
        reload();
        setCopyFor(link);
      });
    }
    return void run('Could not delete the link', async () => {
      await api.deleteLink({ linkId: link.id });
      flagSuccess('Link deleted', link.name);
      setSelected((s) => s.filter((id) => id !== link.id));
      reload();
    });
  };

  if (editing) {
    return (
      <LinkEditPanel
        linkId={editing.id}
        onSaved={() => {
          setEditing(null);
          reload();
        }}
        onCancel={() => setEditing(null)}
      />
    );
  }
  if (page.state === 'error') return <ErrorPanel error={page.error} onRetry={reload} />;
  const items = page.state === 'ready' ? page.page.items : [];
  const nextCursor = page.state === 'ready' ? page.page.nextCursor : undefined;
  const allOnPage = items.length > 0 && items.every((l) => selected.includes(l.id));

  const now = Date.now();
  const actions = (link: LinkListItem) => (
    <Stack space="space.050">
      <ButtonGroup label={`Actions for ${link.name}`}>
        <Button spacing="compact" onClick={() => setCopyFor(link)}>
          Copy
        </Button>
        <Button spacing="compact" onClick={() => setEmailFor(link)}>
          Email
        </Button>
        <Button spacing="compact" isDisabled={busy} onClick={() => setEditing(link)}>
          Edit
        </Button>
        <Button
          spacing="compact"
          isDisabled={busy}
          onClick={() => (link.status === 'active' ? setPending({ kind: 'disable', link }) : void setStatus(link, 'active'))}
        >
          {link.status === 'active' ? 'Disable' : 'Enable'}
        </Button>
        <Button spacing="compact" appearance="subtle" isSelected={moreFor === link.id} onClick={() => setMoreFor((id) => (id === link.id ? null : link.id))}>
          {moreFor === link.id ? 'Fewer' : '••• More'}
        </Button>
      </ButtonGroup>
      {moreFor === link.id ? (
        <Inline space="space.050" alignBlock="center" shouldWrap>
          <Button spacing="compact" onClick={() => setActivityFor(link)}>
            Activity
          </Button>
          <Button spacing="compact" isDisabled={busy} onClick={() => setPending({ kind: 'rotate', link })}>
            Rotate URL…
          </Button>
          <Button spacing="compact" appearance="danger" isDisabled={busy} onClick={() => setPending({ kind: 'delete', link })}>
            Delete
          </Button>
          <Link href={pageUrl(context?.siteUrl, link.pageId)} openNewTab>
            Open page
          </Link>
        </Inline>
      ) : null}
    </Stack>
  );

  // One list of columns so the header and every row keep the same cells in the same order.
  const columns: Array<{ key: string; header: ReactNode; cell: (link: LinkListItem) => ReactNode }> = [
    {
      key: 'select',
      header: <Checkbox label="Link" isChecked={allOnPage} onChange={(e) => setSelected(e.target.checked ? items.map((l) => l.id) : [])} />,
      // The checkbox label is the link name.
      cell: (link: LinkListItem) => (
        <Checkbox
          label={link.name}
          isChecked={selected.includes(link.id)}
          onChange={(e) => setSelected((s) => (e.target.checked ? [...s, link.id] : s.filter((id) => id !== link.id)))}
        />
      ),
    },
    // A whole-space link shows the "Whole space" marker instead of its home page's title.
    { key: 'page', header: 'Page', cell: (link) => <SharedTarget link={link} /> },
    ...(showSpace ? [{ key: 'space', header: 'Space', cell: (link: LinkListItem) => link.spaceName ?? link.spaceKey }] : []),
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
    { key: 'actions', header: 'Actions', cell: actions },
  ];
  const head = { cells: columns.map(({ key, header }) => ({ key, content: header })) };
  const rows = items.map((link) => ({ key: link.id, cells: columns.map(({ key, cell }) => ({ key, content: cell(link) })) }));
  const bulkButton = (action: BulkLinkAction) => (
    <Button
      appearance={action === 'delete' ? 'danger' : 'default'}
      isDisabled={selected.length === 0 || busy}
      onClick={() => setPending({ kind: 'bulk', action, ids: selected })}
    >
      {`${BULK_WORDS[action].verb} selected (${selected.length})`}
    </Button>
  );
  const confirmCopy =
    pending === null
      ? null
      : pending.kind === 'bulk'
        ? {
            title: `${BULK_WORDS[pending.action].verb} ${links(pending.ids.length)}?`,
            body: BULK_WORDS[pending.action].body,
            confirm: `${BULK_WORDS[pending.action].verb} ${links(pending.ids.length)}`,
            appearance: BULK_WORDS[pending.action].appearance,
          }
        : { ...SINGLE_CONFIRM[pending.kind], title: SINGLE_CONFIRM[pending.kind].title(pending.link.name) };

  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {bulkButton('disable')}
        {bulkButton('enable')}
        {bulkButton('delete')}
        {selected.length > 0 ? (
          <Button appearance="subtle" onClick={() => setSelected([])}>
            Clear selection
          </Button>
        ) : null}
      </Inline>
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
      {activityFor ? <LinkActivityModal link={activityFor} onClose={() => setActivityFor(null)} /> : null}
      {pending && confirmCopy ? (
        <ConfirmModal
          title={confirmCopy.title}
          body={confirmCopy.body}
          confirmLabel={confirmCopy.confirm}
          appearance={confirmCopy.appearance}
          busy={busy}
          onConfirm={confirmPending}
          onCancel={() => setPending(null)}
        />
      ) : null}
    </Stack>
  );
};
