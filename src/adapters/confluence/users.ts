/** People as the app: names (one bulk call per 100), emails for notifications, and content permission checks. */
import type { ConfluenceContent, UserInfo } from '../../app/ports';
import type { AdapterContext } from './context';
import { currentUserSchema, emailRecordSchema, permissionCheckSchema, userBulkSchema, userSchema, type RawUser } from './schemas';
import type { DomainError } from '../../core/errors';
import { ACCOUNT_ID, appUnauthorized, chunks, getJson, JSON_BODY_HEADERS, mapLimited, PAGE_ID, parse, path, REFUSED, send } from './transport';

/** GET /wiki/rest/api/user/bulk answers at most 100 users. */
const USERS_PER_BULK = 100;
const FALLBACK_NAME = 'Confluence user';

export const displayNameOf = (user: Pick<RawUser, 'displayName' | 'publicName'>): string =>
  user.displayName || user.publicName || FALLBACK_NAME;

export interface UserLookups extends Pick<ConfluenceContent, 'getUser' | 'getUserEmail' | 'canRead'> {
  /** accountId → user (name and account type) for every id Confluence knows; one call per 100 ids. */
  usersByIds(accountIds: readonly string[]): Promise<Map<string, RawUser>>;
  /** The app's own account id (the author of the comments it posts); undefined when it cannot be read. */
  appAccountId(): Promise<string | undefined>;
}

export const createUserLookups = (ctx: AdapterContext): UserLookups => {
  const { asApp, concurrency } = ctx;
  let appAccount: Promise<string | undefined> | undefined;

  return {
    async usersByIds(accountIds) {
      const ids = [...new Set(accountIds.filter((a) => ACCOUNT_ID.test(a)))];
      const users = new Map<string, RawUser>();
      for (const chunk of chunks(ids, USERS_PER_BULK)) {
        // One `accountId` parameter holding the comma-separated list (the spec types it as a single string).
        const query = chunk.map(encodeURIComponent).join(',');
        const answer = await getJson(asApp, `/wiki/rest/api/user/bulk?accountId=${query}`, userBulkSchema);
        for (const user of answer?.results ?? []) if (user.accountId) users.set(user.accountId, user);
      }
      return users;
    },

    appAccountId() {
      appAccount ??= getJson(asApp, '/wiki/rest/api/user/current', currentUserSchema).then(
        (me) => me?.accountId ?? undefined,
        () => undefined,
      );
      return appAccount;
    },

    async getUser(accountId): Promise<UserInfo | undefined> {
      if (!ACCOUNT_ID.test(accountId)) return undefined;
      const user = await getJson(asApp, path`/wiki/rest/api/user?accountId=${accountId}`, userSchema);
      if (!user) return undefined;
      // Emails are usually hidden by the user's profile visibility; null is normal (getUserEmail reads it).
      return { accountId: user.accountId ?? accountId, displayName: displayNameOf(user), email: user.email || null };
    },

    async getUserEmail(accountId) {
      if (!ACCOUNT_ID.test(accountId)) return null;
      try {
        // asApp only; ignores profile visibility (scope read:email-address:confluence).
        const record = await getJson(asApp, path`/wiki/rest/api/user/email?accountId=${accountId}`, emailRecordSchema);
        return record?.email || null;
      } catch {
        // 400 (app not approved), 501 (not enabled), outages: the caller goes without an address.
        return null;
      }
    },

    async canRead(accountId, pageIds) {
      const result = new Map<string, boolean>();
      if (!ACCOUNT_ID.test(accountId)) return result;
      const ids = [...new Set(pageIds.filter((id) => PAGE_ID.test(id)))];
      let refused: DomainError | undefined;
      await mapLimited(ids, concurrency, async (pageId) => {
        try {
          const res = await send(asApp, path`/wiki/rest/api/content/${pageId}/permission/check`, {
            method: 'POST',
            headers: JSON_BODY_HEADERS,
            body: JSON.stringify({ subject: { type: 'user', identifier: accountId }, operation: 'read' }),
          });
          if (res.status === 404) result.set(pageId, false);
          // Confluence refusing the app the check itself is an installation problem, not an answer.
          else if (REFUSED.has(res.status)) refused = appUnauthorized(res.status);
          else if (res.ok) result.set(pageId, (await parse(res, permissionCheckSchema)).hasPermission);
          // Anything else leaves the page out: the caller fails closed for this page only.
        } catch {
          // Same: unknown, not cached, not readable this time.
        }
      });
      if (refused) throw refused;
      return result;
    },
  };
};
