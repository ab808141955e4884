import React, { useState } from 'react';
import { Box, Button, ButtonGroup, Inline, Stack, Text } from '@forge/react';
import type { LinkView } from '../../core/model';
import type { LinkListItem } from '../../shared/contract';
import { ACCESS_LABEL, humanDate, joinReasons } from './labels';
import { ScopeMarker, isWholeSpace } from './scope-marker';
import { StatusLozenge } from './status-lozenge';

export type LinkAction = 'copy' | 'email' | 'edit' | 'toggle' | 'rotate' | 'delete' | 'activity';

const summary = (link: LinkView): string => {
  const parts = [`Comments: ${ACCESS_LABEL[link.comments]}`, `Attachments: ${ACCESS_LABEL[link.attachments]}`];
  if (link.includeChildren && !isWholeSpace(link)) parts.push('with child pages');
  if (link.hasPassword) parts.push('password');
  if (link.expiresAt !== null) parts.push(`expires ${humanDate(link.expiresAt)}`);
  if (link.selectedUsers.length > 0) {
    const narrowed = link.selectedUsersNarrowedTo !== null ? ' (narrowed by policy)' : '';
    parts.push(`${link.selectedUsers.length} selected user${link.selectedUsers.length === 1 ? '' : 's'}${narrowed}`);
  }
  if (link.allowedIps.length > 0) parts.push('IP allow-list');
  if (link.requireSso) parts.push('SSO');
  return parts.join(' · ');
};

/** "Selected users narrowed by policy to ann@acme.com, bob@acme.com": who the link still admits by email. */
export const narrowedNote = (link: LinkView): string | null => {
  const kept = link.selectedUsersNarrowedTo;
  if (kept === null) return null;
  const shown = kept.slice(0, 3).join(', ');
  return `Selected users narrowed by policy to ${shown}${kept.length > 3 ? ` and ${kept.length - 3} more` : ''}: the link's other entries no longer apply.`;
};

/** Why a link does not open, and what the editor can do about it. */
const statusNote = (link: LinkView): string | null => {
  switch (link.effectiveStatus) {
    case 'non_compliant':
      return `Not compliant: ${joinReasons(link.violations)} Edit the link to bring it within the policy.`;
    case 'expired':
      return `Expired${link.expiresAt !== null ? ` on ${humanDate(link.expiresAt)}` : ''}. Edit the link to extend it.`;
    case 'page_removed':
      return 'The page was trashed or deleted: the link does not open.';
    case 'sharing_disabled':
      return 'Sharing is turned off: the link does not open until it is turned back on.';
    default:
      return null;
  }
};

/** "Created by Erin Editor · 1 Nov 2026"; a link the viewer just created has no resolved name yet. */
export const createdLine = (link: LinkListItem, currentAccountId: string | null): string => {
  const who = link.createdByName ?? (link.createdBy === currentAccountId ? 'you' : null);
  return who ? `Created by ${who} · ${humanDate(link.createdAt)}` : `Created ${humanDate(link.createdAt)}`;
};

export interface LinkCardProps {
  link: LinkListItem;
  currentAccountId: string | null;
  /** "3 views · last opened 2 hours ago", "Not opened yet", or "—" when the statistics could not be loaded. */
  statsLine: string;
  busy: boolean;
  onAction: (action: LinkAction, link: LinkView) => void;
}

/** Copy and Email up front; the rest behind ••• (UI Kit has no menu: the button discloses a second row). */
export const LinkCard = ({ link, currentAccountId, statsLine, busy, onAction }: LinkCardProps) => {
  const [moreOpen, setMoreOpen] = useState(false);
  return (
    <Box padding="space.150" backgroundColor="elevation.surface.raised" xcss={{ borderRadius: 'radius.medium', boxShadow: 'elevation.shadow.raised' }}>
      <Stack space="space.100">
        <Inline space="space.100" alignBlock="center" spread="space-between">
          <Inline space="space.100" alignBlock="center">
            <Text weight="bold">{link.name}</Text>
            <ScopeMarker link={link} />
            <StatusLozenge status={link.effectiveStatus} />
          </Inline>
          <Text size="small" color="color.text.subtle">
            {createdLine(link, currentAccountId)}
          </Text>
        </Inline>
        {link.description ? <Text>{link.description}</Text> : null}
        <Text size="small" color="color.text.subtle">
          {summary(link)}
        </Text>
        <Text size="small" color="color.text.subtle">
          {statsLine}
        </Text>
        {statusNote(link) ? (
          <Text size="small" color={link.effectiveStatus === 'non_compliant' ? 'color.text.danger' : 'color.text.subtle'}>
            {statusNote(link)}
          </Text>
        ) : null}
        {narrowedNote(link) ? (
          <Text size="small" color="color.text.subtle">
            {narrowedNote(link)}
          </Text>
        ) : null}
        {/* In an Inline, so the group keeps its buttons' own width instead of stretching across the card. */}
        <Inline>
          <ButtonGroup label={`Actions for ${link.name}`}>
            <Button spacing="compact" appearance="primary" onClick={() => onAction('copy', link)}>
              Copy
            </Button>
            <Button spacing="compact" isDisabled={busy} onClick={() => onAction('email', link)}>
              Email
            </Button>
            <Button spacing="compact" appearance="subtle" isSelected={moreOpen} onClick={() => setMoreOpen((open) => !open)}>
              {moreOpen ? 'Fewer actions' : '••• More'}
            </Button>
          </ButtonGroup>
        </Inline>
        {moreOpen ? (
          <Inline>
            <ButtonGroup label={`More actions for ${link.name}`}>
              <Button spacing="compact" isDisabled={busy} onClick={() => onAction('edit', link)}>
                Edit
              </Button>
              <Button spacing="compact" onClick={() => onAction('activity', link)}>
                Activity
              </Button>
              <Button spacing="compact" isDisabled={busy} onClick={() => onAction('toggle', link)}>
                {link.status === 'active' ? 'Disable' : 'Enable'}
              </Button>
              <Button spacing="compact" isDisabled={busy} onClick={() => onAction('rotate', link)}>
                Rotate URL…
              </Button>
              <Button spacing="compact" appearance="danger" isDisabled={busy} onClick={() => onAction('delete', link)}>
                Delete
              </Button>
            </ButtonGroup>
          </Inline>
        ) : null}
      </Stack>
    </Box>
  );
};
