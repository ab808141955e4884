import { emailLink, notifyAddedUsers } from '../link-email';
import { getLinkUrl } from '../link-reshare';
import { previewLinkTree } from '../link-preview';
import { createLink, deleteLink, getPageSharing, loadLink, rotateLink, setLinkStatus, updateLink } from '../links';
import { withLinkStats } from '../list-stats';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/** Page editor resolvers (byline item / content action). */
export const linkResolvers: Record<string, ResolverHandler> = {
  // One call opens the share dialog (review rubric CST-01): the page's links come with their view counts.
  getPageSharing: defineResolver(payloadSchemas.getPageSharing, async (deps, caller, p) => {
    const sharing = await getPageSharing(deps, caller, p.pageId);
    return { ...sharing, links: await withLinkStats(deps, sharing.links) };
  }),
  createLink: defineResolver(payloadSchemas.createLink, async (deps, caller, p) => {
    const created = await createLink(deps, caller, { pageId: p.pageId, scope: p.scope, settings: p.settings, password: p.password });
    if (!p.notifyNewUsers) return created;
    return { ...created, notified: await notifyAddedUsers(deps, caller, created.link.id, [], p.notifyNewUsers.message) };
  }),
  updateLink: defineResolver(payloadSchemas.updateLink, async (deps, caller, p) => {
    const before = p.notifyNewUsers ? (await loadLink(deps, p.linkId)).selectedUsers : [];
    const link = await updateLink(deps, caller, p);
    if (!p.notifyNewUsers) return { link };
    return { link, notified: await notifyAddedUsers(deps, caller, link.id, before, p.notifyNewUsers.message) };
  }),
  setLinkStatus: defineResolver(payloadSchemas.setLinkStatus, async (deps, caller, p) => ({
    link: await setLinkStatus(deps, caller, p),
  })),
  rotateLink: defineResolver(payloadSchemas.rotateLink, (deps, caller, p) => rotateLink(deps, caller, p)),
  deleteLink: defineResolver(payloadSchemas.deleteLink, async (deps, caller, p) => {
    await deleteLink(deps, caller, p.linkId);
    return { deleted: p.linkId };
  }),
  getLinkUrl: defineResolver(payloadSchemas.getLinkUrl, (deps, caller, p) => getLinkUrl(deps, caller, p.linkId)),
  previewLink: defineResolver(payloadSchemas.previewLink, (deps, caller, p) => previewLinkTree(deps, caller, p)),
  emailLink: defineResolver(payloadSchemas.emailLink, (deps, caller, p) => emailLink(deps, caller, p)),
};
