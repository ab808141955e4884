import { useState } from 'react';
import { toResolverError, type ResolverError } from '../api';
import { flagError, flagSuccess } from './flags';

export interface ConfigSaveOptions<R> {
  /** Saved on, draft off: the save waits for `confirmOff` because every recipient is cut off at once. */
  turnsSharingOff: boolean;
  /** Writes the draft with the version it was loaded at (a stale version fails with version_conflict). */
  write: () => Promise<R>;
  onSaved: (result: R) => void;
  savedFlag: { title: string; description: string };
  failedFlagTitle: string;
  /** Checks run before anything is sent: problems by field, all shown at once (empty = send). */
  check?: () => Record<string, string>;
}

/** Saving a global or space configuration: busy state, the last failure, and the sharing-off confirmation. */
export const useConfigSave = <R>({ turnsSharingOff, write, onSaved, savedFlag, failedFlagTitle, check }: ConfigSaveOptions<R>) => {
  const [busy, setBusy] = useState(false);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ResolverError | null>(null);
  const [confirmingOff, setConfirmingOff] = useState(false);

  const persist = async () => {
    setConfirmingOff(false);
    setBusy(true);
    setError(null);
    try {
      const result = await write();
      flagSuccess(savedFlag.title, savedFlag.description);
      onSaved(result);
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure);
      flagError(failedFlagTitle, failure);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    const problems = check?.() ?? {};
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    if (turnsSharingOff) return setConfirmingOff(true);
    return persist();
  };

  /** Every field's message: the checks made here, else the server's answer mapped to the same fields. */
  const fieldErrors = { ...(error?.fieldMessages() ?? {}), ...localErrors };
  return { busy, error, fieldErrors, confirmingOff, save, confirmOff: () => void persist(), cancelOff: () => setConfirmingOff(false) };
};
