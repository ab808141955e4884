import { useState } from 'react';
import type { PolicyImpactResult } from '../../shared/configurations-contract';
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
  /**
   * The impact preview: which links would stop opening if the draft were saved. When some would, the save
   * waits for `saveAnyway`. A preview that fails does not block the save (the save checks everything itself).
   */
  preview?: () => Promise<PolicyImpactResult>;
}

/** Saving a global or space configuration: busy state, the last failure, and the sharing-off confirmation. */
export const useConfigSave = <R>({ turnsSharingOff, write, onSaved, savedFlag, failedFlagTitle, check, preview }: ConfigSaveOptions<R>) => {
  const [busy, setBusy] = useState(false);
  const [impact, setImpact] = useState<PolicyImpactResult | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ResolverError | null>(null);
  const [confirmingOff, setConfirmingOff] = useState(false);

  const persist = async () => {
    setConfirmingOff(false);
    setImpact(null);
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
    if (preview) {
      setBusy(true);
      const found = await preview().catch(() => null);
      setBusy(false);
      if (found && found.stopping > 0) return setImpact(found);
    }
    if (turnsSharingOff) return setConfirmingOff(true);
    return persist();
  };

  /** Every field's message: the checks made here, else the server's answer mapped to the same fields. */
  const fieldErrors = { ...(error?.fieldMessages() ?? {}), ...localErrors };
  return {
    busy,
    error,
    fieldErrors,
    confirmingOff,
    save,
    confirmOff: () => void persist(),
    cancelOff: () => setConfirmingOff(false),
    /** Links that would stop opening (the preview found some): show them, then `saveAnyway` or `cancelImpact`. */
    impact,
    saveAnyway: () => void persist(),
    cancelImpact: () => setImpact(null),
  };
};
