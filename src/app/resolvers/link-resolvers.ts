import { emailLink, notifyAddedUsers } from '../link-email';
import { getLinkUrl } from '../link-reshare';
import { previewLinkTree } from '../link-preview';
import { createLink, deleteLink, getPageSharing, loadLink, rotateLink, setLinkStatus, updateLink } from '../links';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/** Page editor resolvers (byline item / content action). */
export const linkResolvers: Record<string, ResolverHandler> = {
  getPageSharing: defineResolver(payloadSchemas.getPageSharing, (deps, caller, p) => getPageSharing(deps, caller, p.pageId)),
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
