import type { AuditAction, AuditEntry } from '../core/model';
import type { AppDeps } from './deps';

export interface AuditInput {
  action: AuditAction;
  actor: string;
  linkId?: string | null;
  pageId?: string | null;
  spaceKey?: string | null;
  detail?: string;
}

/** Masks an address for the audit trail: `ann.smith@acme.com` → `a***@acme.com`. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

/**
 * Appends one audit entry. Audit failures never break the user's action: they are swallowed here
 * because the trail is best-effort evidence, not a transaction participant.
 */
export const recordAudit = async (deps: Pick<AppDeps, 'store' | 'clock' | 'random'>, input: AuditInput): Promise<void> => {
  const entry: AuditEntry = {
    id: Buffer.from(deps.random.bytes(12)).toString('base64url'),
    at: deps.clock.now(),
    action: input.action,
    actor: input.actor,
    linkId: input.linkId ?? null,
    pageId: input.pageId ?? null,
    spaceKey: input.spaceKey ?? null,
    detail: input.detail ?? '',
    count: 1,
  };
  try {
    await deps.store.audit.append(entry);
  } catch {
    // Best effort by design (see above).
  }
};
