import React, { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  DatePicker,
  Form,
  FormFooter,
  FormSection,
  Heading,
  Inline,
  RadioGroup,
  SectionMessage,
  Select,
  Stack,
  Text,
  TextArea,
  Textfield,
} from '@forge/react';
import type { AccessLevel, LinkScope, LinkSettings, LinkView } from '../../core/model';
import type { EffectivePolicyView, LinkSettingsInput, PasswordChange } from '../../shared/contract';
import { Field, FieldNotes } from './field';
import { ipProblem, passwordProblem, plural, selectedUsersProblem } from './form-checks';
import { SharePreview } from './share-preview';
import { entriesWithPending, TagInput } from './tag-input';
import { ACCESS_LABEL, accessAtMost, formatDate, formatList, parseList, policySource } from './labels';

const DAY_MS = 86_400_000;

export interface LinkFormSubmit {
  settings: LinkSettingsInput;
  /** Create: the new password, if any. */
  password?: string;
  /** Edit: what to do with the stored password. */
  passwordChange?: PasswordChange;
  /** Email the link to the addresses this save adds to the selected users. */
  notifyNewUsers: boolean;
  /** What the link shares: this page (and maybe its tree) or the whole space (create only; a link keeps its scope). */
  scope: LinkScope;
}

export interface LinkFormProps {
  mode: 'create' | 'edit';
  policy: EffectivePolicyView;
  initial: LinkSettings;
  /** The link being edited (edit mode). */
  link?: LinkView;
  /** The page the link shares (for the "what will be shared" preview); no preview without it. */
  pageId?: string;
  /** Create: the page is its space's home page, so the whole space may be shared instead. */
  spaceHome?: { name: string } | undefined;
  /** Create: what the form starts sharing (the space settings page starts with the whole space). */
  initialScope?: LinkScope;
  /** Create with spaceHome: offer "This page" / "Share the whole space" (the space settings page shares the space only). */
  offerScopeChoice?: boolean;
  /** The policy suggests a password (shown as a recommendation when not required). */
  passwordSuggested?: boolean;
  busy: boolean;
  /** Inline messages by field name (from a policy_violation / invalid_input answer). */
  fieldErrors: Record<string, string>;
  /** Messages not tied to one field. */
  formErrors: string[];
  /** The heading over formErrors, naming what went wrong (a policy rule, a mistyped entry, a conflict). */
  formErrorTitle?: string;
  onSubmit: (values: LinkFormSubmit) => void;
  onCancel: () => void;
}

interface FormState {
  name: string;
  description: string;
  comments: AccessLevel;
  attachments: AccessLevel;
  includeChildren: boolean;
  withLabels: string;
  withoutLabels: string;
  shareRestrictedChildren: boolean;
  showCreator: boolean;
  allowSubscribe: boolean;
  expiryDate: string;
  password: string;
  passwordAction: PasswordChange['action'];
  allowedIps: string;
  selectedUsers: string[];
  /** Typed in the selected-users field but not yet a tag: counted on save. */
  selectedUsersPending: string;
  notifyNewUsers: boolean;
  requireSso: boolean;
}

/** The settings of a stored link, as the edit form starts from them. */
export const linkSettingsOf = (link: LinkView): LinkSettings => ({
  name: link.name,
  description: link.description,
  comments: link.comments,
  attachments: link.attachments,
  includeChildren: link.includeChildren,
  withLabels: link.withLabels,
  withoutLabels: link.withoutLabels,
  shareRestrictedChildren: link.shareRestrictedChildren,
  showCreator: link.showCreator,
  allowSubscribe: link.allowSubscribe,
  expiresAt: link.expiresAt,
  allowedIps: link.allowedIps,
  selectedUsers: link.selectedUsers,
  requireSso: link.requireSso,
});

const clampAccess = (level: AccessLevel, cap: AccessLevel): AccessLevel => {
  const allowed = accessAtMost(cap);
  return allowed.includes(level) ? level : cap;
};

const initialState = (initial: LinkSettings, policy: EffectivePolicyView): FormState => ({
  name: initial.name,
  description: initial.description,
  comments: clampAccess(initial.comments, policy.comments),
  attachments: clampAccess(initial.attachments, policy.attachments),
  includeChildren: policy.childPages && initial.includeChildren,
  withLabels: formatList(initial.withLabels),
  withoutLabels: formatList(initial.withoutLabels),
  shareRestrictedChildren: policy.childPages && policy.restrictedChildPages && initial.shareRestrictedChildren,
  showCreator: initial.showCreator,
  allowSubscribe: initial.allowSubscribe,
  expiryDate: initial.expiresAt === null ? '' : formatDate(initial.expiresAt),
  password: '',
  passwordAction: 'keep',
  allowedIps: formatList(initial.allowedIps),
  selectedUsers: [...initial.selectedUsers],
  selectedUsersPending: '',
  notifyNewUsers: true,
  requireSso: policy.ssoRequired || initial.requireSso,
});

const maxExpiryDays = (policy: EffectivePolicyView): number | null =>
  policy.expiry.kind === 'custom' ? policy.expiry.maxDays : null;

/** End of the chosen UTC day, pulled back inside the policy's maximum lifetime when one applies. */
const expiryInstant = (date: string, policy: EffectivePolicyView, now: number): number | null => {
  if (!date) return null;
  const endOfDay = Date.parse(`${date}T23:59:59.000Z`);
  if (Number.isNaN(endOfDay)) return null;
  const maxDays = maxExpiryDays(policy);
  return maxDays === null ? endOfDay : Math.min(endOfDay, now + maxDays * DAY_MS - 60_000);
};

const accessOptions = (cap: AccessLevel) => accessAtMost(cap).map((level) => ({ label: ACCESS_LABEL[level], value: level }));

interface AccessFieldProps {
  kind: 'comments' | 'attachments';
  label: string;
  /** The effective policy's cap: options above it are not offered. */
  cap: AccessLevel;
  source: string;
  value: AccessLevel;
  error: string | undefined;
  onChange: (level: AccessLevel) => void;
}

/** What recipients may do with comments or attachments, offering nothing above the policy's cap. */
const AccessField = ({ kind, label, cap, source, value, error, onChange }: AccessFieldProps) => {
  const options = accessOptions(cap);
  return (
    <Box xcss={{ minWidth: '200px' }}>
      <Field
        id={`link-${kind}`}
        label={label}
        helper={cap !== 'view_add' ? `Limited to ${ACCESS_LABEL[cap]} by ${source}.` : undefined}
        error={error}
      >
        <Select
          id={`link-${kind}`}
          name={kind}
          options={options}
          value={options.find((o) => o.value === value)}
          isDisabled={options.length === 1}
          onChange={(option: { value: AccessLevel }) => onChange(option.value)}
        />
      </Field>
    </Box>
  );
};

export const LinkForm = ({
  mode,
  policy,
  initial,
  link,
  passwordSuggested = false,
  busy,
  fieldErrors,
  formErrors,
  formErrorTitle = 'The link was not saved',
  pageId,
  spaceHome,
  initialScope = 'page',
  offerScopeChoice = true,
  onSubmit,
  onCancel,
}: LinkFormProps) => {
  const [state, setState] = useState<FormState>(() => initialState(initial, policy));
  const [scope, setScope] = useState<LinkScope>(() => (mode === 'edit' ? (link?.scope ?? 'page') : spaceHome ? initialScope : 'page'));
  const wholeSpace = scope === 'space';
  /** A whole space is a page tree: child pages are implied. */
  const withChildren = wholeSpace || state.includeChildren;
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setState((s) => ({ ...s, [key]: value }));
  const errors = { ...fieldErrors, ...localErrors };
  const source = policySource(policy);
  const now = Date.now();
  const maxDays = maxExpiryDays(policy);
  const expiryRequired = policy.expiry.kind !== 'optional';
  const hasStoredPassword = mode === 'edit' && link?.hasPassword === true;
  const passwordFieldShown = mode === 'create' || state.passwordAction === 'set';

  const submit = () => {
    const problems: Record<string, string> = {};
    if (!state.name.trim()) problems.name = 'Give the link a name.';
    if (expiryRequired && !state.expiryDate) problems.expiresAt = `An expiry date is required by ${source}.`;
    const needsNewPassword = mode === 'create' ? policy.passwordRequired : state.passwordAction === 'set';
    if (needsNewPassword && !state.password) problems.password = mode === 'create' ? `A password is required by ${source}.` : 'Enter the new password.';
    if (mode === 'edit' && policy.passwordRequired && state.passwordAction === 'clear') problems.password = `A password is required by ${source}.`;
    if (state.password && (mode === 'create' || state.passwordAction === 'set')) {
      const weak = passwordProblem(state.password);
      if (weak) problems.password = weak;
    }
    const ips = ipProblem(parseList(state.allowedIps));
    if (ips) problems.allowedIps = ips;
    const selectedUsers = entriesWithPending(state.selectedUsers, state.selectedUsersPending);
    const users = selectedUsersProblem(selectedUsers);
    if (users) problems.selectedUsers = users;
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;

    const settings: LinkSettingsInput = {
      name: state.name.trim(),
      description: state.description.trim(),
      comments: state.comments,
      attachments: state.attachments,
      includeChildren: withChildren,
      withLabels: withChildren ? parseList(state.withLabels) : [],
      withoutLabels: withChildren ? parseList(state.withoutLabels) : [],
      shareRestrictedChildren: withChildren && state.shareRestrictedChildren,
      showCreator: state.showCreator,
      allowSubscribe: state.allowSubscribe,
      expiresAt: expiryInstant(state.expiryDate, policy, now),
      allowedIps: parseList(state.allowedIps),
      selectedUsers,
      requireSso: policy.ssoRequired || state.requireSso,
    };
    if (mode === 'create') {
      onSubmit({ settings, scope, notifyNewUsers: state.notifyNewUsers, ...(state.password ? { password: state.password } : {}) });
    } else {
      const passwordChange: PasswordChange =
        state.passwordAction === 'set' ? { action: 'set', password: state.password } : { action: state.passwordAction };
      onSubmit({ settings, scope, passwordChange, notifyNewUsers: state.notifyNewUsers });
    }
  };


  return (
    <Form onSubmit={submit}>
      <Stack space="space.200">
        <Heading as="h3" size="small">
          {mode === 'create' ? (wholeSpace ? 'Share the whole space' : 'Create & share secure link') : `Edit “${link?.name ?? ''}”`}
        </Heading>
        {mode === 'create' && spaceHome && offerScopeChoice ? (
          <Field id="link-scope" label="What to share">
            <RadioGroup
              name="scope"
              value={scope}
              options={[
                { name: 'scope', value: 'page', label: 'This page' },
                { name: 'scope', value: 'space', label: `Share the whole space “${spaceHome.name}”` },
              ]}
              onChange={(e) => {
                const next = e.target.value === 'space' ? 'space' : 'page';
                setScope(next);
                // An empty name gets the space's: lists and emails then say what the link shares.
                if (next === 'space' && state.name.trim() === '') set('name', `Whole space: ${spaceHome.name}`);
              }}
            />
          </Field>
        ) : null}
        {mode === 'edit' && wholeSpace ? <Text color="color.text.subtle">This link shares the whole space.</Text> : null}
        {Object.keys(localErrors).length > 0 ? (
          <SectionMessage appearance="error" title="Some entries need a change">
            <Text>
              {plural(Object.keys(localErrors).length, 'One field needs a change: it is marked below.', `${Object.keys(localErrors).length} fields need a change: each is marked below.`)}
            </Text>
          </SectionMessage>
        ) : formErrors.length > 0 ? (
          <SectionMessage appearance="error" title={formErrorTitle}>
            <Stack space="space.050">
              {formErrors.map((message, i) => (
                <Text key={i}>{message}</Text>
              ))}
            </Stack>
          </SectionMessage>
        ) : null}

        <FormSection>
          <Stack space="space.150">
            <Field id="link-name" label="Name" required error={errors.name}>
              <Textfield id="link-name" name="name" value={state.name} maxLength={120} onChange={(e) => set('name', String(e.target.value ?? ''))} />
            </Field>
            <Field id="link-description" label="Description" error={errors.description}>
              <TextArea
                id="link-description"
                name="description"
                value={state.description}
                onChange={(e) => set('description', String(e.target.value ?? ''))}
              />
            </Field>
          </Stack>
        </FormSection>

        <FormSection>
          <Stack space="space.150">
            <Heading as="h4" size="xsmall">
              What recipients can do
            </Heading>
            <Inline space="space.200" shouldWrap>
              <AccessField
                kind="comments"
                label="Comments"
                cap={policy.comments}
                source={source}
                value={state.comments}
                error={errors.comments}
                onChange={(level) => set('comments', level)}
              />
              <AccessField
                kind="attachments"
                label="Attachments"
                cap={policy.attachments}
                source={source}
                value={state.attachments}
                error={errors.attachments}
                onChange={(level) => set('attachments', level)}
              />
            </Inline>

            {policy.childPages ? (
              <Stack space="space.100">
                {wholeSpace ? (
                  <Text>Whole space: the home page, the space’s other top-level pages and all their child pages.</Text>
                ) : (
                  <Checkbox
                    name="includeChildren"
                    label="Include child pages"
                    isChecked={state.includeChildren}
                    onChange={(e) => set('includeChildren', Boolean(e.target.checked))}
                  />
                )}
                {withChildren ? (
                  <Box paddingInlineStart="space.300">
                    <Stack space="space.100">
                      <Field id="link-with-labels" label="Only child pages with labels" helper="Comma-separated; empty = all child pages." error={errors.withLabels}>
                        <Textfield id="link-with-labels" name="withLabels" value={state.withLabels} onChange={(e) => set('withLabels', String(e.target.value ?? ''))} />
                      </Field>
                      <Field id="link-without-labels" label="Exclude child pages with labels" error={errors.withoutLabels}>
                        <Textfield
                          id="link-without-labels"
                          name="withoutLabels"
                          value={state.withoutLabels}
                          onChange={(e) => set('withoutLabels', String(e.target.value ?? ''))}
                        />
                      </Field>
                      {policy.restrictedChildPages ? (
                        <Checkbox
                          name="shareRestrictedChildren"
                          label="Share restricted child pages"
                          isChecked={state.shareRestrictedChildren}
                          onChange={(e) => set('shareRestrictedChildren', Boolean(e.target.checked))}
                        />
                      ) : (
                        <FieldNotes helper={`Restricted child pages stay hidden: not allowed by ${source}.`} />
                      )}
                    </Stack>
                  </Box>
                ) : null}
                <FieldNotes error={errors.includeChildren ?? errors.shareRestrictedChildren} />
              </Stack>
            ) : (
              <FieldNotes
                helper={
                  wholeSpace
                    ? `The whole space cannot be shared: child pages are turned off by ${source}.`
                    : `Child pages cannot be shared: turned off by ${source}.`
                }
                error={errors.includeChildren}
              />
            )}
            {pageId ? (
              <SharePreview
                pageId={pageId}
                linkId={mode === 'edit' ? link?.id : undefined}
                scope={scope}
                settings={{
                  includeChildren: policy.childPages && withChildren,
                  shareRestrictedChildren: policy.childPages && withChildren && state.shareRestrictedChildren,
                  withLabels: withChildren ? parseList(state.withLabels) : [],
                  withoutLabels: withChildren ? parseList(state.withoutLabels) : [],
                }}
              />
            ) : null}
            <Checkbox name="showCreator" label="Show who shared the page" isChecked={state.showCreator} onChange={(e) => set('showCreator', Boolean(e.target.checked))} />
            <Checkbox
              name="allowSubscribe"
              label="Let recipients subscribe to updates by email"
              isChecked={state.allowSubscribe}
              onChange={(e) => set('allowSubscribe', Boolean(e.target.checked))}
            />
          </Stack>
        </FormSection>

        <FormSection>
          <Stack space="space.150">
            <Heading as="h4" size="xsmall">
              Security
            </Heading>
            <Field
              id="link-expiry"
              label="Expires on"
              required={expiryRequired}
              helper={
                maxDays !== null
                  ? `Required by ${source}: at most ${maxDays} day${maxDays === 1 ? '' : 's'} from today.`
                  : expiryRequired
                    ? `Required by ${source}.`
                    : 'Leave empty for a link that does not expire.'
              }
              error={errors.expiresAt}
            >
              <DatePicker
                id="link-expiry"
                placeholder="No expiry date"
                name="expiresAt"
                value={state.expiryDate || undefined}
                minDate={formatDate(now)}
                maxDate={maxDays !== null ? formatDate(now + maxDays * DAY_MS) : undefined}
                onChange={(value: string) => set('expiryDate', value ?? '')}
              />
            </Field>

            {hasStoredPassword ? (
              <Field id="link-password-action" label="Password" error={undefined}>
                <RadioGroup
                  name="link-password-action"
                  value={state.passwordAction}
                  options={[
                    { name: 'link-password-action', value: 'keep', label: 'Keep the current password' },
                    { name: 'link-password-action', value: 'set', label: 'Set a new password' },
                    ...(policy.passwordRequired ? [] : [{ name: 'link-password-action', value: 'clear', label: 'Remove the password' }]),
                  ]}
                  onChange={(e) => set('passwordAction', e.target.value as PasswordChange['action'])}
                />
              </Field>
            ) : null}
            {passwordFieldShown || (mode === 'edit' && !hasStoredPassword) ? (
              <Field
                id="link-password"
                label={hasStoredPassword ? 'New password' : 'Password'}
                required={policy.passwordRequired}
                helper={
                  policy.passwordRequired
                    ? `Required by ${source}. Up to 72 bytes.`
                    : passwordSuggested
                      ? 'Recommended by the sharing policy. Up to 72 bytes; share it separately.'
                      : 'Optional. Up to 72 bytes. Share it separately.'
                }
                error={errors.password}
              >
                <Textfield
                  id="link-password"
                  name="password"
                  type="password"
                  value={state.password}
                  onChange={(e) => {
                    const value = String(e.target.value ?? '');
                    setState((s) => ({ ...s, password: value, passwordAction: mode === 'edit' && value ? 'set' : s.passwordAction }));
                  }}
                />
              </Field>
            ) : null}

            <Field id="link-ips" label="Allowed IP addresses" helper="IPv4/IPv6 addresses or CIDR ranges, comma-separated. Empty = any network." error={errors.allowedIps}>
              <TextArea id="link-ips" name="allowedIps" value={state.allowedIps} onChange={(e) => set('allowedIps', String(e.target.value ?? ''))} />
            </Field>
            <TagInput
              id="link-selected-users"
              label="Selected users"
              helper={
                policy.selectedUsers.length > 0
                  ? `Emails, @domains or @*.domains within ${formatList(policy.selectedUsers)} (the sharing policy). None = everyone that list allows.`
                  : 'Emails, @domains or @*.domains (e.g. ann@acme.com, @partner.com). @partner.com is that domain only; add @*.partner.com for its subdomains. None = anyone with the link.'
              }
              error={errors.selectedUsers}
              entries={state.selectedUsers}
              pending={state.selectedUsersPending}
              onChange={({ entries, pending }) => setState((s) => ({ ...s, selectedUsers: entries, selectedUsersPending: pending }))}
            />
            <Checkbox
              name="notifyNewUsers"
              label="Notify newly added users"
              isChecked={state.notifyNewUsers}
              onChange={(e) => set('notifyNewUsers', Boolean(e.target.checked))}
            />
            <FieldNotes helper="On save, each email address you added gets the link by email. Domains get nothing. The password is never sent." />
            <Checkbox
              name="requireSso"
              label="Require single sign-on"
              isChecked={policy.ssoRequired || state.requireSso}
              isDisabled={policy.ssoRequired}
              onChange={(e) => set('requireSso', Boolean(e.target.checked))}
            />
            <FieldNotes helper={policy.ssoRequired ? `Required by ${source}.` : undefined} error={errors.requireSso} />
          </Stack>
        </FormSection>

        <FormFooter>
          <Inline space="space.100">
            <Button appearance="subtle" onClick={onCancel}>
              Cancel
            </Button>
            <Button appearance="primary" type="submit" isDisabled={busy}>
              {mode === 'create' ? 'Create link' : 'Save changes'}
            </Button>
          </Inline>
        </FormFooter>
      </Stack>
    </Form>
  );
};
