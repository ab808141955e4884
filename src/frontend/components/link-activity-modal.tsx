import React, { useEffect, useRef, useState } from 'react';
import { Button, DynamicTable, EmptyState, Inline, Stack, Text } from '@forge/react';
import type { AuditNames } from '../../core/audit-sentences';
import type { AuditEntry, LinkView } from '../../core/model';
import { api, toResolverError, type ResolverError } from '../api';
import { AUDIT_ROW_HEAD, auditRow, mergeAuditNames } from './audit-row';
import { ModalFrame } from './modal-frame';
import { ErrorPanel, Loading } from './states';

export const ACTIVITY_PAGE_SIZE = 20;

/** Views and failed checks are audited in one-minute batches (app/audit.ts), written by the next sweep. */
export const BATCHED_NOTE = 'Views and failed checks are counted in batches and appear here a few minutes after they happen.';

type Activity =
  | { state: 'loading' }
  | { state: 'error'; error: ResolverError }
  | { state: 'ready'; entries: AuditEntry[]; names: AuditNames; nextCursor?: string; loadingMore: boolean; moreError?: ResolverError };

export interface LinkActivityModalProps {
  link: Pick<LinkView, 'id' | 'name'>;
  onClose: () => void;
}

/** One link's audit trail, newest first, a page at a time ("Load more" appends the next page). */
export const LinkActivityModal = ({ link, onClose }: LinkActivityModalProps) => {
  const [activity, setActivity] = useState<Activity>({ state: 'loading' });
  const generation = useRef(0);

  const loadFirst = async () => {
    const mine = ++generation.current;
    setActivity({ state: 'loading' });
    try {
      const page = await api.getAuditLog({ linkId: link.id, limit: ACTIVITY_PAGE_SIZE });
      if (mine === generation.current) {
        setActivity({ state: 'ready', entries: page.items, names: page.names ?? {}, loadingMore: false, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) });
      }
    } catch (error) {
      if (mine === generation.current) setActivity({ state: 'error', error: toResolverError(error) });
    }
  };

  const loadMore = async () => {
    if (activity.state !== 'ready' || !activity.nextCursor || activity.loadingMore) return;
    const { entries, names, nextCursor } = activity;
    const mine = generation.current;
    setActivity({ state: 'ready', entries, names, nextCursor, loadingMore: true });
    try {
      const page = await api.getAuditLog({ linkId: link.id, limit: ACTIVITY_PAGE_SIZE, cursor: nextCursor });
      if (mine !== generation.current) return;
      const seen = new Set(entries.map((e) => e.id));
      setActivity({
        state: 'ready',
        entries: [...entries, ...page.items.filter((e) => !seen.has(e.id))],
        names: mergeAuditNames(names, page.names),
        loadingMore: false,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      });
    } catch (error) {
      // The entries already shown stay; the same page can be asked for again.
      if (mine === generation.current) setActivity({ state: 'ready', entries, names, nextCursor, loadingMore: false, moreError: toResolverError(error) });
    }
  };

  useEffect(() => {
    void loadFirst();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [link.id]);

  return (
    <ModalFrame title={`Activity of “${link.name}”`} width="large" closeLabel="Close" onClose={onClose}>
      {activity.state === 'loading' ? (
        <Loading label="Loading activity…" />
      ) : activity.state === 'error' ? (
        <ErrorPanel error={activity.error} onRetry={() => void loadFirst()} />
      ) : activity.entries.length === 0 ? (
        <EmptyState header="No activity yet" description={`Views, checks, comments and changes to this link appear here. ${BATCHED_NOTE}`} />
      ) : (
        <Stack space="space.150">
          <DynamicTable
            caption="Newest first"
            head={AUDIT_ROW_HEAD}
            rows={activity.entries.map((entry) => auditRow(entry, activity.names))}
          />
          {activity.moreError ? <ErrorPanel error={activity.moreError} /> : null}
          {activity.nextCursor ? (
            <Inline>
              <Button isDisabled={activity.loadingMore} onClick={() => void loadMore()}>
                {activity.loadingMore ? 'Loading…' : 'Load more'}
              </Button>
            </Inline>
          ) : (
            <Text size="small" color="color.text.subtle">
              {`${activity.entries.length} entr${activity.entries.length === 1 ? 'y' : 'ies'} · that is all`}
            </Text>
          )}
          <Text size="small" color="color.text.subtle">
            {BATCHED_NOTE}
          </Text>
        </Stack>
      )}
    </ModalFrame>
  );
};
