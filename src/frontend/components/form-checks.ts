import { ipAllowListErrors } from '../../core/ip-allow-list';
import { parseSelectedUser, selectedUsersErrors } from '../../core/selected-users';

/**
 * Checks the forms run before sending, with the same rules (and the same words) as the backend, so every
 * problem is shown at once next to its field. The backend checks again; its answer maps to the same fields.
 */

/** Same limits as src/app/links.ts (bcrypt reads at most 72 bytes). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_BYTES = 72;

/** "1 page" / "3 pages": callers give both forms, so irregular plurals read right. */
export const plural = (count: number, one: string, many: string): string => (count === 1 ? one : many);

/** Entries that are not a plain email address (domains are not recipients). */
export const invalidEmails = (entries: readonly string[]): string[] =>
  entries.filter((entry) => {
    const parsed = parseSelectedUser(entry);
    return !parsed.ok || parsed.entry.kind !== 'email';
  });

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/** What is wrong with a new link password, in plain words; null when the length rules pass (strength is the server's). */
export const passwordProblem = (password: string): string | null => {
  const normalized = password.normalize('NFKC');
  if (utf8Bytes(normalized) > MAX_PASSWORD_BYTES) {
    return `The password is too long: at most ${MAX_PASSWORD_BYTES} bytes. Accented letters and emoji take 2–4 bytes each.`;
  }
  const meaningful = normalized.trim();
  if (meaningful === '') return 'The password cannot be only spaces.';
  if ([...meaningful].length < MIN_PASSWORD_LENGTH) {
    return `The password must have at least ${MIN_PASSWORD_LENGTH} characters, not counting spaces at the start or end.`;
  }
  return null;
};

/** Every wrong IP entry, one sentence; null when all are valid. */
export const ipProblem = (entries: readonly string[]): string | null => {
  const errors = ipAllowListErrors(entries);
  return errors.length === 0 ? null : `${errors.join('. ')}.`;
};

/** Every wrong selected-users entry, one sentence; null when all are valid. */
export const selectedUsersProblem = (entries: readonly string[]): string | null => {
  const errors = selectedUsersErrors(entries);
  return errors.length === 0 ? null : `${errors.join('. ')}.`;
};

/** Problems of a policy form's own fields (maximum lifetime, selected users), by the keys the form shows them under. */
export const policyProblems = (value: { expiry: { kind: string; maxDays?: number }; selectedUsers: readonly string[] }): Record<string, string> => {
  const problems: Record<string, string> = {};
  if (value.expiry.kind === 'custom') {
    const days = value.expiry.maxDays;
    if (days === undefined || !Number.isInteger(days) || days < 1 || days > 3650) {
      problems['expiry.maxDays'] = 'Enter a whole number of days from 1 to 3,650.';
    }
  }
  const users = selectedUsersProblem(value.selectedUsers);
  if (users) problems.selectedUsers = users;
  return problems;
};
