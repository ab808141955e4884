import React from 'react';
import { Text, Tooltip } from '@forge/react';
import { auditEntryIds, describeAuditEntry, localDate, localDateTime, type AuditNames } from '../../core/audit-sentences';
import type { AuditEntry } from '../../core/model';
import { AUDIT_ACTION_LABEL, formatDateTime } from './labels';

/** The columns of an audit table: when, the kind of action, and what happened as a sentence. */
export const AUDIT_ROW_HEAD = {
  cells: [
    { key: 'at', content: 'When' },
    { key: 'action', content: 'Action' },
    { key: 'what', content: 'What happened' },
  ],
};

/**
 * One entry as an audit table shows it: the time in the viewer's locale (UTC behind it, in a tooltip), the
 * action, and what happened as a sentence with names (the ids behind it, in a tooltip).
 */
export const auditRow = (entry: AuditEntry, names: AuditNames) => {
  const ids = auditEntryIds(entry);
  const sentence = describeAuditEntry(entry, names, { formatDate: (at) => localDate(at) });
  return {
    key: entry.id,
    cells: [
      {
        key: 'at',
        content: (
          <Tooltip content={formatDateTime(entry.at)}>
            <Text>{localDateTime(entry.at)}</Text>
          </Tooltip>
        ),
      },
      { key: 'action', content: entry.count > 1 ? `${AUDIT_ACTION_LABEL[entry.action]} ×${entry.count}` : AUDIT_ACTION_LABEL[entry.action] },
      {
        key: 'what',
        content: ids ? (
          <Tooltip content={ids}>
            <Text>{sentence}</Text>
          </Tooltip>
        ) : (
          <Text>{sentence}</Text>
        ),
      },
    ],
  };
};

/** The names of pages loaded one after another ("Load more"), together. */
export const mergeAuditNames = (a: AuditNames, b: AuditNames = {}): AuditNames => ({
  users: { ...a.users, ...b.users },
  pages: { ...a.pages, ...b.pages },
  spaces: { ...a.spaces, ...b.spaces },
  links: { ...a.links, ...b.links },
});
