import { DomainError, isDomainError } from '../core/errors';
import type { ShareLink } from '../core/model';
import type { AppDeps } from './deps';
import type { PageSummary } from './ports';

/**
 * Authorization for editor and admin use cases. Identity comes only from the resolver context's
 * accountId (tamper-proof on Forge); page ids and space keys from the payload or `extension` are claims
 * that are verified here against Confluence, and the space of a page is always taken from Confluence.
 */

/** The verified caller of a resolver. */
export interface Caller {
  accountId: string;
}

/**
 * The caller from a resolver context.
 * @throws DomainError('unauthenticated') when the context carries no accountId (anonymous or forged call).
 */
export const callerFrom = (context: { accountId?: unknown } | undefined): Caller => {
  const accountId = context?.accountId;
  if (typeof accountId !== 'string' || accountId.trim() === '') {
    throw new DomainError('unauthenticated', 'Sign in to Confluence to use Secure Share.');
  }
  return { accountId };
};

/** Runs a Confluence permission check; a failure of the check itself never counts as permission (fail closed). */
const verify = async <T>(check: () => Promise<T>): Promise<T> => {
  try {
    return await check();
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw new DomainError(
      'upstream_unavailable',
      'Could not verify your permission in Confluence. Nothing was changed; try again in a moment.',
    );
  }
};

/**
 * The page, if the caller can edit it: its summary carries the real space key.
 * @throws DomainError('forbidden') when the page does not exist or the caller cannot edit it (same message, no oracle).
 */
export const authorizePageEdit = async (deps: AppDeps, caller: Caller, pageId: string): Promise<PageSummary> => {
  const page = await verify(() => deps.rights.pageEditable(caller.accountId, pageId));
  if (!page) {
    throw new DomainError('forbidden', 'You need edit permission on this page to manage its share links.');
  }
  return page;
};

export const isSiteAdmin = (deps: AppDeps, caller: Caller): Promise<boolean> =>
  verify(() => deps.rights.isSiteAdmin(caller.accountId));

/** @throws DomainError('forbidden') unless the caller is a Confluence (site) admin. */
export const authorizeSiteAdmin = async (deps: AppDeps, caller: Caller): Promise<void> => {
  if (!(await isSiteAdmin(deps, caller))) {
    throw new DomainError('forbidden', 'Only Confluence administrators can do this.');
  }
};

/** @throws DomainError('forbidden') unless the caller administers the space or the site. */
export const authorizeSpaceAdmin = async (deps: AppDeps, caller: Caller, spaceKey: string): Promise<void> => {
  const spaceAdmin = await verify(() => deps.rights.isSpaceAdmin(caller.accountId, spaceKey));
  if (spaceAdmin) return;
  if (await isSiteAdmin(deps, caller)) return;
  throw new DomainError('forbidden', `Only administrators of space ${spaceKey} can do this.`);
};

/** Whether the caller administers the link's space or the site (fail closed when Confluence cannot say). */
export const administersLink = async (deps: AppDeps, caller: Caller, link: Pick<ShareLink, 'spaceKey'>): Promise<boolean> =>
  (await verify(() => deps.rights.isSpaceAdmin(caller.accountId, link.spaceKey))) || (await isSiteAdmin(deps, caller));

/**
 * What a caller may do to an existing link:
 * - `edit` (change settings, rotate): editors of the link's page, admins of the link's space, site admins
 *   (the admins' console, issue 13: within the link's policy, audited, the creator stays the creator);
 * - `moderate` (disable, enable, delete): the same people;
 * - `reshare` (see, copy and email the same URL): the link's creator and everyone who may moderate it.
 * Returns the page (with its current title and space) when the caller can edit it; undefined when the
 * right comes from administering the space or the site (or from being the creator, for `reshare`).
 * @throws DomainError('forbidden')
 */
export const authorizeLinkAction = async (
  deps: AppDeps,
  caller: Caller,
  link: ShareLink,
  action: 'edit' | 'moderate' | 'reshare',
): Promise<PageSummary | undefined> => {
  // The creator may always hand out the URL they created (the view still checks they can read the page).
  if (action === 'reshare' && link.createdBy === caller.accountId) return undefined;
  const page = await verify(() => deps.rights.pageEditable(caller.accountId, link.pageId));
  if (page) return page;
  if (await administersLink(deps, caller, link)) return undefined;
  throw new DomainError('forbidden', 'You need edit permission on the shared page, or to administer its space, to manage this link.');
};
