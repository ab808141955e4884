import React, { useState } from 'react';
import { Box, Button, EmptyState, Heading, Inline, SectionMessage, Stack, Text, useProductContext } from '@forge/react';
import type { LinkView } from '../../core/model';
import type { LinkListItem, PageSharingResult } from '../../shared/contract';
import { api } from '../api';
import { ConfirmModal } from './confirm-modal';
import { EmailLinkModal } from './email-link-modal';
import { flagError, flagSuccess } from './flags';
import { LinkActivityModal } from './link-activity-modal';
import { LinkCard, type LinkAction } from './link-card';
import { linkStatsLine, useLinkStats } from './link-stats';
import { LinkForm, linkSettingsOf, type LinkFormSubmit } from './link-form';
import { reportNotified, useLinkFormErrors } from './link-form-errors';
import { RevealedUrl } from './revealed-url';
import { ErrorPanel, Loading } from './states';
import { useResource } from './use-resource';

type Mode = { kind: 'list' } | { kind: 'create' } | { kind: 'edit'; link: LinkView };
type Pending = { kind: 'rotate' | 'delete' | 'disable'; link: LinkView; thenEmail?: boolean } | null;

const CONFIRM_COPY: Record<NonNullable<Pending>['kind'], { title: (name: string) => string; body: string; confirm: string }> = {
  rotate: {
    title: (name) => `Rotate the URL of “${name}”?`,
    body:
      'The link gets a new URL. Everyone who holds the current URL loses access at once, including people you sent it to, and open sessions end. ' +
      'Send the new URL to those who should keep access. To give the link to someone else, use Copy or Email instead: they send the same URL.',
    confirm: 'Rotate URL',
  },
  delete: {
    title: (name) => `Delete “${name}”?`,
    body: 'The link stops working at once and is removed. This cannot be undone.',
    confirm: 'Delete',
  },
  disable: {
    title: (name) => `Disable “${name}”?`,
    body: 'Everyone who has the link gets a not-found page until you enable it again. Open sessions end. The URL stays the same.',
    confirm: 'Disable',
  },
};

/** Why a URL just shown would not open yet (a rotated disabled link stays disabled), or null. */
const notOpeningReason = (link: LinkView): string | null => {
  switch (link.effectiveStatus) {
    case 'active':
      return null;
    case 'disabled':
      return 'This link is disabled: the URL opens only after you enable it.';
    case 'expired':
      return 'This link has expired: edit its expiry date before sending the URL.';
    case 'non_compliant':
      return 'This link breaks the sharing policy and does not open: edit it first.';
    case 'page_removed':
      return 'The page was trashed or deleted: the URL does not open.';
    case 'sharing_disabled':
      return 'Sharing is turned off: the URL opens only once it is turned back on.';
  }
};

/** One order whatever happened in this session (created, edited, reloaded): newest first, ties by id. */
const newestFirst = (links: readonly LinkListItem[]): LinkListItem[] =>
  [...links].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const pageIdFrom = (context: ReturnType<typeof useProductContext>): string | null => {
  const content = (context?.extension as { content?: { id?: unknown } } | undefined)?.content;
  return content?.id === undefined || content.id === null ? null : String(content.id);
};

export const ShareDialogApp = () => {
  const context = useProductContext();
  const pageId = pageIdFrom(context);
  if (!context) return <Loading label="Loading Secure Share…" />;
  if (!pageId) {
    return (
      <SectionMessage appearance="warning" title="No page here">
        <Text>Open Secure Share from a Confluence page.</Text>
      </SectionMessage>
    );
  }
  return <PageSharing pageId={pageId} accountId={context.accountId ?? null} />;
};

const PageSharing = ({ pageId, accountId }: { pageId: string; accountId: string | null }) => {
  const { resource, reload, replace } = useResource(() => api.getPageSharing({ pageId }), [pageId]);
  const [mode, setMode] = useState<Mode>({ kind: 'list' });
  const [urls, setUrls] = useState<Record<string, string>>({});
  const [revealed, setRevealed] = useState<{ link: LinkView; reason: 'created' | 'rotated' | 'copy' } | null>(null);
  const [notKept, setNotKept] = useState<{ link: LinkView; reason: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [emailFor, setEmailFor] = useState<LinkView | null>(null);
  const [activityFor, setActivityFor] = useState<LinkView | null>(null);
  const stats = useLinkStats(resource.state === 'ready' ? resource.data.links.map((l) => l.id) : [], resource.state === 'ready' ? resource.data.links : []);
  const [busy, setBusy] = useState(false);
  const formState = useLinkFormErrors('The link was not saved', 'You cannot change this link');

  if (resource.state === 'loading') return <Loading label="Loading links…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  const data: PageSharingResult = resource.data;

  /** Single-link answers carry no creator name: keep the one the list resolved (the creator never changes). */
  const upsert = (link: LinkView) => {
    const known = data.links.find((l) => l.id === link.id);
    const item: LinkListItem = { ...link, createdByName: known?.createdByName ?? null };
    replace({ ...data, links: known ? data.links.map((l) => (l.id === link.id ? item : l)) : [item, ...data.links] });
  };
  const remember = (linkId: string, url: string) => setUrls((known) => ({ ...known, [linkId]: url }));

  const openForm = (next: Mode) => {
    formState.clear();
    setMode(next);
  };

  const showFormError = (error: unknown) => formState.show(error, mode.kind === 'create' ? 'Link not created' : 'Link not saved');

  const submitForm = async (values: LinkFormSubmit) => {
    setBusy(true);
    try {
      if (mode.kind === 'create') {
        const created = await api.createLink({
          pageId,
          ...(values.scope === 'space' ? { scope: 'space' as const } : {}),
          settings: values.settings,
          ...(values.password ? { password: values.password } : {}),
          ...(values.notifyNewUsers ? { notifyNewUsers: {} } : {}),
        });
        remember(created.link.id, created.url);
        upsert(created.link);
        setRevealed({ link: created.link, reason: 'created' });
        flagSuccess('Secure link created', 'Copy or email its URL now, or later from the link’s Copy and Email buttons.');
        reportNotified(created.notified);
      } else if (mode.kind === 'edit') {
        const { link, notified } = await api.updateLink({
          linkId: mode.link.id,
          version: mode.link.version,
          settings: values.settings,
          ...(values.passwordChange && values.passwordChange.action !== 'keep' ? { password: values.passwordChange } : {}),
          ...(values.notifyNewUsers ? { notifyNewUsers: {} } : {}),
        });
        upsert(link);
        flagSuccess('Link saved', link.name);
        reportNotified(notified);
      }
      setMode({ kind: 'list' });
    } catch (error) {
      showFormError(error);
    } finally {
      setBusy(false);
    }
  };

  const setStatus = async (link: LinkView, next: LinkView['status']) => {
    setBusy(true);
    try {
      const { link: updated } = await api.setLinkStatus({ linkId: link.id, status: next, version: link.version });
      upsert(updated);
      flagSuccess(next === 'active' ? 'Link enabled' : 'Link disabled', updated.name);
    } catch (error) {
      flagError(next === 'active' ? 'Could not enable the link' : 'Could not disable the link', error);
    } finally {
      setBusy(false);
    }
  };

  const confirmPending = async () => {
    if (!pending) return;
    const { kind, link, thenEmail } = pending;
    if (kind === 'disable') {
      setPending(null);
      return setStatus(link, 'disabled');
    }
    setBusy(true);
    try {
      if (kind === 'rotate') {
        const rotated = await api.rotateLink({ linkId: link.id, version: link.version });
        remember(rotated.link.id, rotated.url);
        upsert(rotated.link);
        setRevealed({ link: rotated.link, reason: 'rotated' });
        if (thenEmail) setEmailFor(rotated.link);
        setNotKept(null);
        flagSuccess('Link rotated', 'The old URL no longer works. Send the new one to those who should keep access.');
      } else {
        await api.deleteLink({ linkId: link.id });
        replace({ ...data, links: data.links.filter((l) => l.id !== link.id) });
        if (revealed?.link.id === link.id) setRevealed(null);
        flagSuccess('Link deleted', link.name);
      }
      setPending(null);
    } catch (error) {
      flagError(kind === 'rotate' ? 'Could not rotate the link' : 'Could not delete the link', error);
      setPending(null);
    } finally {
      setBusy(false);
    }
  };

  /** The same URL again: from this session when known, else from the app (it keeps links sealed). */
  const copy = async (link: LinkView) => {
    if (urls[link.id] !== undefined) return setRevealed({ link, reason: 'copy' });
    setBusy(true);
    try {
      const answer = await api.getLinkUrl({ linkId: link.id });
      if (answer.url !== null) {
        remember(link.id, answer.url);
        setNotKept(null);
        setRevealed({ link, reason: 'copy' });
      } else {
        setRevealed(null);
        setNotKept({ link, reason: answer.unavailableReason ?? 'The URL of this link cannot be shown again.' });
      }
    } catch (error) {
      flagError('Could not get the link’s URL', error);
    } finally {
      setBusy(false);
    }
  };

  const onAction = (action: LinkAction, link: LinkView) => {
    switch (action) {
      case 'copy':
        return void copy(link);
      case 'email':
        return setEmailFor(link);
      case 'activity':
        return setActivityFor(link);
      case 'edit':
        return openForm({ kind: 'edit', link });
      case 'toggle':
        // Enabling restores access and needs no confirmation; disabling cuts every recipient off.
        return link.status === 'active' ? setPending({ kind: 'disable', link }) : void setStatus(link, 'active');
      case 'rotate':
      case 'delete':
        return setPending({ kind: action, link });
    }
  };

  if (mode.kind !== 'list') {
    return (
      <Box padding="space.100">
        <LinkForm
          key={mode.kind === 'edit' ? mode.link.id : 'create'}
          mode={mode.kind}
          policy={data.policy}
          initial={mode.kind === 'edit' ? linkSettingsOf(mode.link) : data.defaults}
          link={mode.kind === 'edit' ? mode.link : undefined}
          pageId={pageId}
          spaceHome={data.page.spaceHome}
          passwordSuggested={data.passwordSuggested}
          busy={busy}
          fieldErrors={formState.fieldErrors}
          formErrors={formState.formErrors}
          formErrorTitle={formState.formErrorTitle}
          onSubmit={submitForm}
          onCancel={() => setMode({ kind: 'list' })}
        />
      </Box>
    );
  }

  const revealedUrl = revealed ? urls[revealed.link.id] : undefined;
  return (
    <Box padding="space.100">
      <Stack space="space.200">
        <Inline spread="space-between" alignBlock="center">
          <Stack space="space.025">
            <Heading as="h2" size="small">
              Secure Share links
            </Heading>
            <Text size="small" color="color.text.subtle">
              {data.page.title} · {data.page.spaceKey}
            </Text>
          </Stack>
          {data.canCreate ? (
            <Button appearance="primary" onClick={() => openForm({ kind: 'create' })}>
              Create & share secure link
            </Button>
          ) : null}
        </Inline>
        {!data.policy.sharingEnabled ? (
          <SectionMessage appearance="warning" title="Sharing is turned off">
            <Text>
              {data.policy.sharingDisabledBy === 'space'
                ? 'A space admin turned off Secure Share in this space. Existing links do not open until it is turned back on.'
                : 'A Confluence admin turned off Secure Share for the site. Existing links do not open until it is turned back on.'}
            </Text>
          </SectionMessage>
        ) : null}
        {revealed && revealedUrl ? (
          <RevealedUrl
            linkName={revealed.link.name}
            url={revealedUrl}
            reason={revealed.reason}
            notOpening={notOpeningReason(data.links.find((l) => l.id === revealed.link.id) ?? revealed.link)}
            onEmail={() => setEmailFor(revealed.link)}
            onDismiss={() => setRevealed(null)}
          />
        ) : null}
        {notKept ? (
          <SectionMessage appearance="warning" title={`The URL of “${notKept.link.name}” cannot be shown again`}>
            <Stack space="space.100">
              <Text>{notKept.reason}</Text>
              <Inline space="space.100">
                <Button appearance="warning" onClick={() => setPending({ kind: 'rotate', link: notKept.link })}>
                  Rotate URL…
                </Button>
                <Button appearance="subtle" onClick={() => setNotKept(null)}>
                  Close
                </Button>
              </Inline>
            </Stack>
          </SectionMessage>
        ) : null}
        {data.links.length === 0 ? (
          <EmptyState
            header="No secure links yet"
            description={
              data.canCreate
                ? 'Create a link to share this page with people outside Confluence. You choose what they can see and do.'
                : 'Links cannot be created while sharing is turned off.'
            }
          />
        ) : (
          <Stack space="space.150">
            {newestFirst(data.links).map((link) => (
              <LinkCard
                key={link.id}
                link={link}
                currentAccountId={accountId}
                statsLine={linkStatsLine(stats, link.id, Date.now())}
                busy={busy}
                onAction={onAction}
              />
            ))}
          </Stack>
        )}
      </Stack>
      {pending ? (
        <ConfirmModal
          title={CONFIRM_COPY[pending.kind].title(pending.link.name)}
          body={CONFIRM_COPY[pending.kind].body}
          confirmLabel={CONFIRM_COPY[pending.kind].confirm}
          appearance={pending.kind === 'delete' ? 'danger' : 'warning'}
          busy={busy}
          onConfirm={confirmPending}
          onCancel={() => setPending(null)}
        />
      ) : null}
      {emailFor && !pending ? (
        <EmailLinkModal
          link={emailFor}
          // The app sends its kept URL; a URL from this session only serves links it did not keep.
          url={emailFor.urlAvailable ? null : (urls[emailFor.id] ?? null)}
          onRotateForEmail={() => {
            setPending({ kind: 'rotate', link: emailFor, thenEmail: true });
            setEmailFor(null);
          }}
          onClose={() => setEmailFor(null)}
        />
      ) : null}
      {activityFor ? <LinkActivityModal link={activityFor} onClose={() => setActivityFor(null)} /> : null}
    </Box>
  );
};
