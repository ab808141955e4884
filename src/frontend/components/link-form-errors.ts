import { useState } from 'react';
import type { NotifyOutcome } from '../../shared/contract';
import { toResolverError } from '../api';
import { flagError, flagSuccess } from './flags';

/** What the link form's error box is called, by answer: a mistyped entry is not a policy breach. */
const FORM_ERROR_TITLES: Partial<Record<string, string>> = {
  policy_violation: 'The link does not meet the sharing policy',
  invalid_input: 'Some entries need a change',
  version_conflict: 'Someone else changed this link',
  sharing_disabled: 'Sharing is turned off',
};

/**
 * The link form's error state: every field error next to its field, the rest in one box titled by the
 * kind of answer, and a flag. `forbiddenTitle` says what the caller may not do where the form is shown.
 */
export const useLinkFormErrors = (defaultTitle: string, forbiddenTitle: string) => {
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [formErrorTitle, setFormErrorTitle] = useState<string>(defaultTitle);
  const clear = () => {
    setFieldErrors({});
    setFormErrors([]);
  };
  const show = (error: unknown, flagTitle: string) => {
    const failure = toResolverError(error);
    const byField = failure.fieldMessages();
    setFieldErrors(byField);
    const general = failure.details.filter((d) => !d.field).map((d) => d.message);
    const fieldCount = Object.keys(byField).length;
    setFormErrors(
      general.length > 0
        ? general
        : fieldCount > 0
          ? [fieldCount === 1 ? 'One field needs a change: it is marked below.' : `${fieldCount} fields need a change: each is marked below.`]
          : [failure.message],
    );
    setFormErrorTitle((failure.code === 'forbidden' ? forbiddenTitle : FORM_ERROR_TITLES[failure.code]) ?? defaultTitle);
    flagError(flagTitle, failure);
  };
  return { fieldErrors, formErrors, formErrorTitle, clear, show };
};

/** A flag for what "Notify newly added users" did; nothing when nobody was added. */
export const reportNotified = (notified: NotifyOutcome | undefined) => {
  if (!notified || notified.recipients.length === 0) return;
  if (notified.problem) {
    flagError('New users were not emailed', new Error(notified.problem));
    return;
  }
  const n = notified.sent;
  flagSuccess(n === 1 ? 'Link emailed to 1 new user' : `Link emailed to ${n} new users`, notified.recipients.join(', '));
};
