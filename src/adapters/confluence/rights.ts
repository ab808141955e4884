/** Rights checks as the calling user (resolvers): a refusal (401/403) as that user means "no", never an error. */
import type { ConfluenceRights } from '../../app/ports';
import type { AdapterContext } from './context';
import { fetchPage, summaryOf } from './pages';
import { currentUserSchema, operationsSchema, type Operations } from './schemas';
import { ACCOUNT_ID, getJsonOrHidden, PAGE_ID, path } from './transport';

const hasOperation = (ops: Operations | undefined, operation: string, targetType: string): boolean =>
  ops?.operations?.some((o) => o.operation === operation && o.targetType === targetType) ?? false;

export const createRights = (ctx: AdapterContext): ConfluenceRights => {
  const { asUser } = ctx;
  const isInvoker = (accountId: string): boolean =>
    ACCOUNT_ID.test(accountId) && (ctx.invokingAccountId === undefined || ctx.invokingAccountId === accountId);

  return {
    async pageViewable(accountId, pageId) {
      if (!isInvoker(accountId) || !PAGE_ID.test(pageId)) return undefined;
      const page = await fetchPage(asUser, getJsonOrHidden, pageId, undefined, ['current', 'archived']);
      if (!page?.spaceId) return undefined;
      const space = await ctx.spaceById(asUser, page.spaceId);
      return space ? summaryOf(page, space) : undefined;
    },
    async pageEditable(accountId, pageId) {
      if (!isInvoker(accountId) || !PAGE_ID.test(pageId)) return undefined;
      const [page, ops] = await Promise.all([
        fetchPage(asUser, getJsonOrHidden, pageId, undefined, ['current']),
        getJsonOrHidden(asUser, path`/wiki/api/v2/pages/${pageId}/operations`, operationsSchema),
      ]);
      if (!page?.spaceId || !hasOperation(ops, 'update', 'page')) return undefined;
      const space = await ctx.spaceById(asUser, page.spaceId);
      return space ? summaryOf(page, space) : undefined;
    },
    async isSpaceAdmin(accountId, spaceKey) {
      if (!isInvoker(accountId)) return false;
      const space = await ctx.spaceByKey(asUser, spaceKey);
      if (!space) return false;
      const ops = await getJsonOrHidden(asUser, path`/wiki/api/v2/spaces/${space.id}/operations`, operationsSchema);
      return hasOperation(ops, 'administer', 'space');
    },
    async isSiteAdmin(accountId) {
      if (!isInvoker(accountId)) return false;
      const me = await getJsonOrHidden(asUser, '/wiki/rest/api/user/current?expand=operations', currentUserSchema);
      if (!me || me.accountId !== accountId) return false;
      return (me.operations ?? []).some((o) => o.operation === 'administer' && o.targetType === 'application');
    },
  };
};
