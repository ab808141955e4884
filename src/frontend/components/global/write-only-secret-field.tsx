import React from 'react';
import { Checkbox, Textfield } from '@forge/react';
import { Field } from '../field';
import type { SiteSectionProps } from './site-settings-form';

type Secrets = SiteSectionProps['secrets'];

export interface WriteOnlySecretFieldProps {
  /** Which secret of the save payload this field edits: a string replaces it, null removes it, absent keeps it. */
  secretKey: keyof Secrets;
  id: string;
  label: string;
  /** What the stored value is called in the helper and the remove checkbox ("key", "secret"). */
  noun: string;
  /** Helper shown while nothing is stored yet. */
  helperWhenEmpty: string;
  /** Whether the server holds a value (it never sends the value itself). */
  stored: boolean;
  secrets: Secrets;
  setSecrets: SiteSectionProps['setSecrets'];
  error?: string | undefined;
}

/**
 * A secret the admin can set, replace or remove but never read back: a password field that stays empty
 * unless a new value is typed, plus a "remove" checkbox once one is stored.
 */
export const WriteOnlySecretField = ({ secretKey, id, label, noun, helperWhenEmpty, stored, secrets, setSecrets, error }: WriteOnlySecretFieldProps) => {
  const { [secretKey]: _drop, ...withoutSecret } = secrets;
  const typed = secrets[secretKey];
  return (
    <>
      <Field id={id} label={label} helper={stored ? `A ${noun} is stored. It is never shown; type a new one to replace it.` : helperWhenEmpty} error={error}>
        <Textfield
          id={id}
          name={secretKey}
          type="password"
          placeholder={stored ? '•••••••• (stored)' : ''}
          value={typeof typed === 'string' ? typed : ''}
          onChange={(e) => {
            const value = String(e.target.value ?? '');
            setSecrets(value ? { ...secrets, [secretKey]: value } : withoutSecret);
          }}
        />
      </Field>
      {stored ? (
        <Checkbox
          name={`remove${secretKey.charAt(0).toUpperCase()}${secretKey.slice(1)}`}
          label={`Remove the stored ${noun}`}
          isChecked={secrets[secretKey] === null}
          onChange={(e) => setSecrets(e.target.checked ? { ...secrets, [secretKey]: null } : withoutSecret)}
        />
      ) : null}
    </>
  );
};
