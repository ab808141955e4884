import { DomainError } from '../core/errors';
import type { ShareLink } from '../core/model';
import type { LinkUrlResult } from '../shared/contract';
import { linkAuditScope, recordAudit } from './audit';
import { authorizeLinkAction, type Caller } from './authorize';
import type { AppDeps } from './deps';
import { loadLink, shareUrlFor } from './links';
import { openLinkToken } from './token-vault';

export const URL_NOT_KEPT_MESSAGE =
  'This link was created before Secure Share kept links for re-sharing, so its URL cannot be shown again. Rotate it to get a URL you can copy and email from now on; the old URL then stops working for everyone who has it.';

/** The link's current URL, or undefined when the app did not keep its token (links from before re-sharing). */
export const currentUrlOf = async (deps: AppDeps, link: ShareLink): Promise<string | undefined> => {
  const token = await openLinkToken(deps, link);
  return token === undefined ? undefined : shareUrlFor(deps, token);
};

/**
 * The same URL the link was created (or last rotated) with, for anyone with rights on the link: its
 * creator, editors of its page, admins of its space, Confluence admins (checked against Confluence).
 */
export const getLinkUrl = async (deps: AppDeps, caller: Caller, linkId: string): Promise<LinkUrlResult> => {
  const link = await loadLink(deps, linkId);
  await authorizeLinkAction(deps, caller, link, 'reshare');
  const url = await currentUrlOf(deps, link);
  if (url === undefined) return { linkId, url: null, unavailableReason: URL_NOT_KEPT_MESSAGE };
  // Who was handed a working URL is worth knowing later (the URL itself is never logged).
  await recordAudit(deps, { action: 'link_url_shown', actor: caller.accountId, ...linkAuditScope(link) });
  return { linkId, url, unavailableReason: null };
};

/** The URL or a clear refusal that names rotation as the way out. */
export const requireCurrentUrl = async (deps: AppDeps, link: ShareLink): Promise<string> => {
  const url = await currentUrlOf(deps, link);
  if (url === undefined) {
    throw new DomainError('invalid_input', URL_NOT_KEPT_MESSAGE, [{ field: 'url', rule: 'url.notKept', message: 'Rotate the link to get a URL' }]);
  }
  return url;
};
