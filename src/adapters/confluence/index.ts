/**
 * Confluence Cloud REST adapter: ConfluenceContent as the app, ConfluenceRights as the calling user.
 * Every request is an operation of Atlassian's published OpenAPI specs (spec/confluence-openapi/),
 * with parameters inside their limits; test/adapters/confluence-contract.test.ts holds it to them.
 *
 * It never imports @forge/api: the composition root passes two RequestFn (asApp / asUser
 * requestConfluence) that accept the path strings built here. Every dynamic segment is validated and
 * percent-encoded before it reaches a path, so they may be wrapped with assumeTrustedRoute.
 *
 * Statuses: 404/410 mean "not there" (undefined); 401/403 as the app mean Confluence refused the app
 * itself (DomainError 'app_unauthorized', shown to admins, never blamed on visitors); as the calling
 * user they mean "not permitted"; 429 and 5xx are 'upstream_unavailable'.
 *
 * To verify on a real site (research/forge-facts.md §4, security.md §1.6 S8):
 * - `body-format=anonymous_export_view` on v2 GET /pages/{id} (we fall back to export_view when the
 *   body comes back without it);
 * - the operation names: page `update`/`page`, space `administer`/`space`, and v1
 *   user/current?expand=operations `administer`/`application` for Confluence admins;
 * - v1 child/attachment upload through asApp (multipart body as ArrayBuffer);
 * - that requestConfluence follows the 302 of the v1 attachment download to the media service;
 * - v1 content/{id}/descendant/comment (deprecated in the spec; comments.ts falls back to the v2 reads on
 *   404/410): that a reply's `ancestors` list the comments it replies to, that inline comments carry
 *   `extensions.location` `inline` with `inlineProperties` and `resolution`, and how many it answers per request.
 */
import type { ConfluenceContent, ConfluenceRights } from '../../app/ports';
import { createAttachments } from './attachments';
import { createClassification } from './classification';
import { createComments } from './comments';
import { createAdapterContext, type ConfluenceRestOptions } from './context';
import { createPageReads } from './pages';
import { createRights } from './rights';
import { createSpaceLookups } from './spaces';
import type { RequestFn } from './transport';
import { createUserLookups, displayNameOf } from './users';

export type { ConfluenceRestOptions } from './context';
export type { RequestFn, RestHeaders, RestInit, RestResponse } from './transport';
export { mapLimited } from './transport';
export { multipartBody } from './attachments';
export { plainTextToStorage, storageToPlainText } from './storage-text';

export const createConfluenceRest = (
  request: { asApp: RequestFn; asUser: RequestFn },
  options: ConfluenceRestOptions = {},
): { content: ConfluenceContent; rights: ConfluenceRights } => {
  const ctx = createAdapterContext(request, options);
  const users = createUserLookups(ctx);
  const content: ConfluenceContent = {
    ...createPageReads(ctx),
    ...createComments(ctx, users),
    ...createAttachments(ctx),
    getSpace: (spaceKey) => ctx.spaceByKey(ctx.asApp, spaceKey),
    ...createSpaceLookups(ctx),
    getUserNames: async (accountIds) => new Map([...(await users.usersByIds(accountIds))].map(([id, user]) => [id, displayNameOf(user)])),
    getUser: users.getUser,
    getUserEmail: users.getUserEmail,
    canRead: users.canRead,
    ...createClassification(ctx),
  };
  return { content, rights: createRights(ctx) };
};
