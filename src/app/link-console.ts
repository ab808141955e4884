/**
 * The admins' links console (issue 13): what the global "All links" section and a space's links list do
 * beyond listing (link-lists.ts). Rights are checked here, on every call:
 * - site-wide (no spaceKey): Confluence admins only;
 * - one space (spaceKey): admins of that space (or Confluence admins), and only links of that space.
 * Single-link actions (edit, rotate, enable, disable, delete, copy, email, activity) go through the same
 * use cases as the share dialog (links.ts, link-reshare.ts, link-email.ts), whose rights check lets space
 * and site admins act on links they administer.
 */
import { DomainError, isDomainError } from '../core/errors';
import type { ShareLink } from '../core/model';
import type { BulkLinkAction, BulkLinkResult, LinkEditContext } from '../shared/contract';
import { authorizeLinkAction, authorizeSiteAdmin, authorizeSpaceAdmin, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { createCreatorNames, loadSpacePolicy, toLinkView, toPolicyView } from './link-views';
import { loadLink, removeLink, writeLinkStatus } from './links';

/** Links one bulk call may change (the selection of a list page, at most 100). */
export const MAX_BULK_LINKS = 100;

export interface BulkLinkInput {
  action: BulkLinkAction;
  linkIds: readonly string[];
  /** A space admin's list: every link must belong to this space. */
  spaceKey?: string | undefined;
  /** Audit detail; default "bulk disable" etc. */
  detail?: string | undefined;
}

/**
 * Disables, enables or deletes many links at once. `changed`: links this call changed; `unchanged`: links
 * that already had that status; `notFound`: unknown ids, and, in a space's list, links of other spaces
 * (the same answer, so ids of other spaces reveal nothing). A concurrent edit is re-read and applied again.
 */
export const bulkLinkAction = async (deps: AppDeps, caller: Caller, input: BulkLinkInput): Promise<BulkLinkResult> => {
  if (input.spaceKey !== undefined) await authorizeSpaceAdmin(deps, caller, input.spaceKey);
  else await authorizeSiteAdmin(deps, caller);
  const ids = [...new Set(input.linkIds)];
  if (ids.length > MAX_BULK_LINKS) {
    throw new DomainError('invalid_input', `At most ${MAX_BULK_LINKS} links can be changed at once.`, [
      { field: 'linkIds', rule: 'linkIds.max', message: `At most ${MAX_BULK_LINKS} links` },
    ]);
  }
  const detail = input.detail ?? `bulk ${input.action}`;
  const result: BulkLinkResult = { action: input.action, changed: [], unchanged: [], notFound: [] };
  for (const id of ids) {
    const outcome = await applyWithRetry(deps, id, async (link) => {
      if (input.spaceKey !== undefined && link.spaceKey !== input.spaceKey) return 'missing';
      if (input.action === 'delete') {
        await removeLink(deps, caller.accountId, link, detail);
        return 'changed';
      }
      const written = await writeLinkStatus(deps, caller.accountId, link, input.action === 'disable' ? 'disabled' : 'active', detail);
      return written ? 'changed' : 'unchanged';
    });
    if (outcome === 'missing') result.notFound.push(id);
    else result[outcome].push(id);
  }
  return result;
};

type Outcome = 'changed' | 'unchanged' | 'missing';

/** Reads the link and applies `change`; on a concurrent write, reads it again (at most 4 tries). */
const applyWithRetry = async (deps: AppDeps, id: string, change: (link: ShareLink) => Promise<Outcome>): Promise<Outcome> => {
  for (let attempt = 0; ; attempt += 1) {
    const link = await deps.store.links.get(id);
    if (!link) return 'missing';
    try {
      return await change(link);
    } catch (error) {
      if (!(isDomainError(error) && error.code === 'version_conflict') || attempt >= 3) throw error;
    }
  }
};

/**
 * What the console's edit form needs for one link: the link (with its creator's name), its space's
 * effective policy and whether the policy suggests a password. For everyone who may edit it (page
 * editors, admins of its space, Confluence admins); `pageEditable` says whether the caller also edits the
 * page (the "what will be shared" preview is for page editors only).
 */
export const getLinkForEdit = async (deps: AppDeps, caller: Caller, linkId: string): Promise<LinkEditContext> => {
  const link = await loadLink(deps, linkId);
  const page = await authorizeLinkAction(deps, caller, link, 'edit');
  const sp = await loadSpacePolicy(deps, link.spaceKey);
  const [item] = await createCreatorNames(deps).annotate([toLinkView(link, sp.policy, deps.clock.now())]);
  return {
    link: item!,
    policy: toPolicyView(sp.policy),
    passwordSuggested: sp.policy.defaults.password,
    pageEditable: page !== undefined,
  };
};
