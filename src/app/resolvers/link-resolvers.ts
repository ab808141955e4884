import { emailLink } from '../link-email';
import { getLinkUrl } from '../link-reshare';
import { createLink, deleteLink, getPageSharing, rotateLink, setLinkStatus, updateLink } from '../links';
import { defineResolver, type ResolverHandler } from './define';
import { payloadSchemas } from './schemas';

/** Page editor resolvers (byline item / content action). */
export const linkResolvers: Record<string, ResolverHandler> = {
  getPageSharing: defineResolver(payloadSchemas.getPageSharing, (deps, caller, p) => getPageSharing(deps, caller, p.pageId)),
  createLink: defineResolver(payloadSchemas.createLink, (deps, caller, p) =>
    createLink(deps, caller, { pageId: p.pageId, settings: p.settings, password: p.password }),
  ),
  updateLink: defineResolver(payloadSchemas.updateLink, async (deps, caller, p) => ({
    link: await updateLink(deps, caller, p),
  })),
  setLinkStatus: defineResolver(payloadSchemas.setLinkStatus, async (deps, caller, p) => ({
    link: await setLinkStatus(deps, caller, p),
  })),
  rotateLink: defineResolver(payloadSchemas.rotateLink, (deps, caller, p) => rotateLink(deps, caller, p)),
  deleteLink: defineResolver(payloadSchemas.deleteLink, async (deps, caller, p) => {
    await deleteLink(deps, caller, p.linkId);
    return { deleted: p.linkId };
  }),
  getLinkUrl: defineResolver(payloadSchemas.getLinkUrl, (deps, caller, p) => getLinkUrl(deps, caller, p.linkId)),
  emailLink: defineResolver(payloadSchemas.emailLink, (deps, caller, p) => emailLink(deps, caller, p)),
};
