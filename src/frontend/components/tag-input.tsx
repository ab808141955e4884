import React from 'react';
import { Box, Button, Inline, Stack, Tag, TagGroup, Textfield } from '@forge/react';
import { parseSelectedUser, splitSelectedUsersInput } from '../../core/selected-users';
import { Field } from './field';

export interface TagInputProps {
  id: string;
  label: string;
  helper: string;
  error: string | undefined;
  entries: readonly string[];
  /** Text typed but not yet turned into an entry (the form counts it on save). */
  pending: string;
  onChange: (next: { entries: string[]; pending: string }) => void;
}

const dedupe = (entries: readonly string[]): string[] => {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = entry.trim().toLowerCase();
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** Every entry of the list, typed-but-not-added text included. */
export const entriesWithPending = (entries: readonly string[], pending: string): string[] =>
  dedupe([...entries, ...splitSelectedUsersInput(pending)]);

/**
 * Selected users as tags. Typing a comma, space or semicolon (or pasting a list) adds the entries before
 * it; "Add" and leaving the field add the rest. UI Kit gives apps no key events, so Enter saves the form,
 * which counts the text still in the field. Tags are removed with their ×; "Edit as text" puts them back
 * into the field. Entries that are not an address or @domain show red.
 */
export const TagInput = ({ id, label, helper, error, entries, pending, onChange }: TagInputProps) => {
  const commit = (text: string, keepTail: boolean) => {
    const parts = text.split(/[\s,;]+/);
    const tail = keepTail ? (parts.pop() ?? '') : '';
    onChange({ entries: dedupe([...entries, ...parts.filter((p) => p.trim() !== '')]), pending: tail });
  };
  return (
    <Stack space="space.100">
      <Field id={id} label={label} helper={helper} error={error}>
        <Inline space="space.100" alignBlock="center">
          <Box xcss={{ flexGrow: 1 }}>
            <Textfield
              id={id}
              name={id}
              value={pending}
              placeholder="ann@acme.com, @partner.com"
              onChange={(e) => {
                const text = String(e.target.value ?? '');
                if (/[\s,;]/.test(text)) commit(text, true);
                else onChange({ entries: [...entries], pending: text });
              }}
              onBlur={() => {
                if (pending.trim() !== '') commit(pending, false);
              }}
            />
          </Box>
          <Button isDisabled={pending.trim() === ''} onClick={() => commit(pending, false)}>
            Add
          </Button>
        </Inline>
      </Field>
      {entries.length > 0 ? (
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <TagGroup>
            {entries.map((entry) => (
              <Tag
                key={entry}
                text={entry}
                color={parseSelectedUser(entry).ok ? 'standard' : 'redLight'}
                isRemovable
                removeButtonLabel={`Remove ${entry}`}
                onAfterRemoveAction={() => onChange({ entries: entries.filter((e) => e !== entry), pending })}
              />
            ))}
          </TagGroup>
          <Button
            appearance="subtle"
            spacing="compact"
            onClick={() => onChange({ entries: [], pending: [...entries, ...splitSelectedUsersInput(pending)].join(', ') })}
          >
            Edit as text
          </Button>
        </Inline>
      ) : null}
    </Stack>
  );
};
