import React from 'react';
import { Box, Heading, Inline, RadioGroup, Select, Stack, Textfield } from '@forge/react';
import { LabelledToggle } from './labelled-toggle';
import type { AccessLevel, ExpiryRule, PasswordRule } from '../../core/model';
import type { PolicySettingsInput } from '../../shared/contract';
import { Field, FieldNotes } from './field';
import { TagInput } from './tag-input';
import { ACCESS_LABEL, accessAtMost, formatList, parseList } from './labels';

/** An enforced upper level (the site policy for a space): the options above it are not offered. */
export interface PolicyCeiling {
  name: string;
  settings: PolicySettingsInput;
}

export interface PolicyFieldsProps {
  idPrefix: string;
  value: PolicySettingsInput;
  /** Free text of the selected-users box, kept apart so typing separators is not eaten. */
  selectedUsersText: string;
  onSelectedUsersTextChange: (text: string) => void;
  onChange: (next: PolicySettingsInput) => void;
  ceiling?: PolicyCeiling;
  fieldErrors?: Record<string, string>;
  /** The site settings edit selected users in their own tab. */
  showSelectedUsers?: boolean;
}

const expiryKinds = (ceiling?: PolicyCeiling): Array<ExpiryRule['kind']> => {
  const kind = ceiling?.settings.expiry.kind ?? 'optional';
  if (kind === 'custom') return ['custom'];
  if (kind === 'mandatory') return ['mandatory', 'custom'];
  return ['optional', 'mandatory', 'custom'];
};

const EXPIRY_LABEL: Record<ExpiryRule['kind'], string> = {
  optional: 'Optional',
  mandatory: 'Mandatory (every link needs an expiry date)',
  custom: 'Custom (mandatory, with a maximum lifetime)',
};

export const policySelectedUsers = (text: string): string[] => parseList(text);
/**
 * The selected-users text of a policy form: its tags, a new line, then what is typed in the field (which
 * may hold a comma-separated list after "Edit as text"). Saving reads every entry of it (parseList).
 */
export const policySelectedUsersText = (users: readonly string[]): string => `${formatList(users)}\n`;

const tagsOfText = (text: string): { entries: string[]; pending: string } => {
  const cut = text.lastIndexOf('\n');
  // Text without the new line (typed by older callers) is all tags but its last entry.
  if (cut === -1) {
    const parts = parseList(text);
    const pending = /[\s,;]$/.test(text) ? '' : (parts.pop() ?? '');
    return { entries: parts, pending };
  }
  return { entries: parseList(text.slice(0, cut)), pending: text.slice(cut + 1) };
};

/** Caps, security rules and selected users of a policy level; shared by space and global settings. */
export const PolicyFields = ({ idPrefix, value, selectedUsersText, onSelectedUsersTextChange, onChange, ceiling, fieldErrors = {}, showSelectedUsers = true }: PolicyFieldsProps) => {
  const set = <K extends keyof PolicySettingsInput>(key: K, next: PolicySettingsInput[K]) => onChange({ ...value, [key]: next });
  const limitNote = (what: string) => (ceiling ? `${what} limited by ${ceiling.name}.` : undefined);
  const id = (name: string) => `${idPrefix}-${name}`;

  const accessField = (key: 'comments' | 'attachments', label: string) => {
    const cap: AccessLevel = ceiling?.settings[key] ?? 'view_add';
    const options = accessAtMost(cap).map((level) => ({ label: ACCESS_LABEL[level], value: level }));
    return (
      <Box xcss={{ minWidth: '200px' }}>
        <Field id={id(key)} label={label} helper={cap !== 'view_add' ? limitNote(`Up to ${ACCESS_LABEL[cap]}:`) : undefined} error={fieldErrors[key]}>
          <Select
            id={id(key)}
            name={key}
            options={options}
            value={options.find((o) => o.value === value[key])}
            isDisabled={options.length === 1}
            onChange={(option: { value: AccessLevel }) => set(key, option.value)}
          />
        </Field>
      </Box>
    );
  };

  const childPagesAllowed = ceiling ? ceiling.settings.childPages : true;
  const restrictedAllowed = ceiling ? ceiling.settings.restrictedChildPages : true;
  const passwordLocked = ceiling?.settings.password === 'mandatory';
  const ssoLocked = ceiling?.settings.enforceSso === true;
  const kinds = expiryKinds(ceiling);
  const ceilingMaxDays = ceiling?.settings.expiry.kind === 'custom' ? ceiling.settings.expiry.maxDays : null;
  const expiry = value.expiry;

  const setExpiryKind = (kind: ExpiryRule['kind']) => {
    if (kind === 'custom') set('expiry', { kind: 'custom', maxDays: expiry.kind === 'custom' ? expiry.maxDays : Math.min(30, ceilingMaxDays ?? 30) });
    else set('expiry', { kind });
  };

  return (
    <Stack space="space.200">
      <Heading as="h4" size="xsmall">
        Permissions
      </Heading>
      <Inline space="space.200" shouldWrap>
        {accessField('comments', 'Comments')}
        {accessField('attachments', 'Attachments')}
      </Inline>
      <Stack space="space.050">
        <LabelledToggle
          id={id('child-pages')}
          label="Allow sharing child pages"
          isChecked={childPagesAllowed && value.childPages}
          isDisabled={!childPagesAllowed}
          onChange={(e) => set('childPages', Boolean(e.target.checked))}
        />
        <FieldNotes
          helper={childPagesAllowed ? 'Links may include the pages below the shared page.' : limitNote('Turned off:')}
          error={fieldErrors.childPages}
        />
      </Stack>
      <Stack space="space.050">
        <LabelledToggle
          id={id('child-pages-default')}
          label="New links include child pages"
          isChecked={childPagesAllowed && value.childPages && value.childPagesOnByDefault === true}
          isDisabled={!childPagesAllowed || !value.childPages}
          onChange={(e) => set('childPagesOnByDefault', Boolean(e.target.checked))}
        />
        <FieldNotes
          helper="Off: editors switch child pages on link by link, so nothing below the page is shared unless they choose it."
          error={fieldErrors.childPagesOnByDefault}
        />
      </Stack>
      <Stack space="space.050">
        <LabelledToggle
          id={id('restricted-children')}
          label="Allow sharing restricted child pages"
          isChecked={restrictedAllowed && value.restrictedChildPages}
          isDisabled={!restrictedAllowed || !value.childPages}
          onChange={(e) => set('restrictedChildPages', Boolean(e.target.checked))}
        />
        <FieldNotes
          helper={!restrictedAllowed ? limitNote('Turned off:') : 'Links may opt in to show child pages whose view is restricted in Confluence.'}
          error={fieldErrors.restrictedChildPages}
        />
      </Stack>
      <Stack space="space.050">
        <LabelledToggle
          id={id('restricted-children-default')}
          label="New links include restricted child pages"
          isChecked={restrictedAllowed && value.restrictedChildPages && value.childPagesOnByDefault === true && value.restrictedChildPagesOnByDefault === true}
          isDisabled={!restrictedAllowed || !value.restrictedChildPages || value.childPagesOnByDefault !== true}
          onChange={(e) => set('restrictedChildPagesOnByDefault', Boolean(e.target.checked))}
        />
        <FieldNotes
          helper="Off (recommended): restricted pages are shared only by links whose editor turns them on."
          error={fieldErrors.restrictedChildPagesOnByDefault}
        />
      </Stack>

      <Heading as="h4" size="xsmall">
        Security
      </Heading>
      <Field id={id('password')} label="Password protection" helper={passwordLocked ? limitNote('Mandatory:') : undefined} error={fieldErrors.password}>
        <RadioGroup
          name={id('password')}
          value={passwordLocked ? 'mandatory' : value.password}
          options={[
            ...(passwordLocked ? [] : [{ name: id('password'), value: 'optional', label: 'Optional' }]),
            { name: id('password'), value: 'mandatory', label: 'Mandatory (every link needs a password)' },
          ]}
          onChange={(e) => set('password', e.target.value as PasswordRule)}
        />
      </Field>
      <Field id={id('expiry')} label="Link expiry" helper={ceiling && kinds.length < 3 ? limitNote('Options') : undefined} error={fieldErrors.expiry}>
        <RadioGroup
          name={id('expiry')}
          value={kinds.includes(expiry.kind) ? expiry.kind : kinds[0]}
          options={kinds.map((kind) => ({ name: id('expiry'), value: kind, label: EXPIRY_LABEL[kind] }))}
          onChange={(e) => setExpiryKind(e.target.value as ExpiryRule['kind'])}
        />
      </Field>
      {expiry.kind === 'custom' ? (
        <Field
          id={id('max-days')}
          label="Maximum lifetime (days)"
          required
          helper={ceilingMaxDays !== null ? `At most ${ceilingMaxDays} days: limited by ${ceiling?.name}.` : '1 to 3650 days.'}
          error={fieldErrors['expiry.maxDays'] ?? fieldErrors.maxDays}
        >
          <Textfield
            id={id('max-days')}
            name="maxDays"
            type="number"
            min={1}
            max={ceilingMaxDays ?? 3650}
            value={String(expiry.maxDays)}
            onChange={(e) => set('expiry', { kind: 'custom', maxDays: Number.parseInt(String(e.target.value ?? ''), 10) || 0 })}
          />
        </Field>
      ) : null}
      <Stack space="space.050">
        <LabelledToggle
          id={id('sso')}
          label="Enforce single sign-on"
          isChecked={ssoLocked || value.enforceSso}
          isDisabled={ssoLocked}
          onChange={(e) => set('enforceSso', Boolean(e.target.checked))}
        />
        <FieldNotes helper={ssoLocked ? limitNote('Required:') : 'Recipients must sign in with the configured identity provider.'} error={fieldErrors.enforceSso} />
      </Stack>

      {showSelectedUsers ? (
        <SelectedUsersField id={id('selected-users')} text={selectedUsersText} error={fieldErrors.selectedUsers} onChange={(text) => {
          onSelectedUsersTextChange(text);
          onChange({ ...value, selectedUsers: parseList(text) });
        }} />
      ) : null}
    </Stack>
  );
};

/** The policy list as tags (TagInput), kept as one text so the forms save exactly what they show. */
export const SelectedUsersField = ({ id, text, error, onChange }: { id: string; text: string; error?: string; onChange: (text: string) => void }) => {
  const { entries, pending } = tagsOfText(text);
  return (
    <Stack space="space.100">
      <Heading as="h4" size="xsmall">
        Selected users
      </Heading>
      <TagInput
        id={id}
        label="Allowed emails and domains"
        helper="e.g. ann@acme.com, @partner.com (that domain only), @*.partner.com (all its subdomains). Only these recipients can pass a link's email check. None = no restriction at this level."
        error={error}
        entries={entries}
        pending={pending}
        onChange={(next) => onChange(`${formatList(next.entries)}\n${next.pending}`)}
      />
    </Stack>
  );
};

const minAccess = (a: AccessLevel, b: AccessLevel): AccessLevel => (accessAtMost(b).includes(a) ? a : b);

/** What will be saved: the form values pulled inside an enforced upper level. */
export const clampToCeiling = (value: PolicySettingsInput, ceiling?: PolicyCeiling): PolicySettingsInput => {
  if (!ceiling) return value;
  const top = ceiling.settings;
  let expiry = value.expiry;
  if (top.expiry.kind === 'mandatory' && expiry.kind === 'optional') expiry = { kind: 'mandatory' };
  if (top.expiry.kind === 'custom') {
    expiry = { kind: 'custom', maxDays: Math.min(expiry.kind === 'custom' ? expiry.maxDays : top.expiry.maxDays, top.expiry.maxDays) };
  }
  return {
    ...value,
    comments: minAccess(value.comments, top.comments),
    attachments: minAccess(value.attachments, top.attachments),
    childPages: value.childPages && top.childPages,
    childPagesOnByDefault: value.childPages && top.childPages && value.childPagesOnByDefault === true,
    restrictedChildPages: value.restrictedChildPages && top.restrictedChildPages,
    restrictedChildPagesOnByDefault: value.restrictedChildPages && top.restrictedChildPages && value.restrictedChildPagesOnByDefault === true,
    password: top.password === 'mandatory' ? 'mandatory' : value.password,
    expiry,
    enforceSso: value.enforceSso || top.enforceSso,
  };
};
