/** What every emulated operation gets and returns, plus the shared pagination and error shapes. */
import { createHash } from 'node:crypto';
import type { MatchedOperation } from './openapi';
import type { FixtureUser } from './site-schema';
import type { Principal, SiteState } from './site-state';

export interface RouteContext {
  state: SiteState;
  principal: Principal;
  operation: MatchedOperation;
  /** The request URL (path and query as sent). */
  url: URL;
  /** Parsed JSON body, when the operation takes one. */
  json?: unknown;
  form?: FormData;
  headers: Record<string, string>;
  now: () => number;
  /** A one-time media URL that serves the attachment's bytes (the 302 target of a download). */
  mediaUrlFor(attachmentId: string): string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes instead of JSON. */
  bytes?: Uint8Array;
}

export type Route = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): RouteResult => ({ status, body, headers });

/** v2 error envelope. */
export const v2Error = (status: number, title: string, detail = title): RouteResult =>
  json(status, { errors: [{ status, code: status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : 'INVALID_REQUEST_PARAMETER', title, detail }] });

/** v1 error envelope. */
export const v1Error = (status: number, message: string): RouteResult =>
  json(status, { statusCode: status, data: { authorized: status !== 403 && status !== 401, valid: status !== 400, errors: [], successful: false }, message });

const encodeCursor = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
const decodeCursor = (cursor: unknown): number | undefined => {
  if (cursor === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
};

/**
 * One page of `items` per the request's `limit` (the spec's default when absent) and opaque `cursor`.
 * The next page's relative URL goes in `_links.next` and the `Link` header, as Confluence v2 does.
 */
export const paginate = <T>(
  ctx: RouteContext,
  items: readonly T[],
  defaultLimit: number,
  render: (item: T) => unknown,
): RouteResult => {
  const offset = decodeCursor(ctx.operation.query['cursor']);
  if (offset === undefined) return v2Error(400, 'The cursor is invalid.');
  const limit = typeof ctx.operation.query['limit'] === 'number' ? (ctx.operation.query['limit'] as number) : defaultLimit;
  const pageItems = items.slice(offset, offset + limit);
  const links: Record<string, string> = { base: ctx.state.site.baseUrl };
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) {
    const next = new URL(ctx.url.toString());
    next.searchParams.set('cursor', encodeCursor(offset + limit));
    const nextPath = `${next.pathname}${next.search}`;
    links['next'] = nextPath;
    headers['link'] = `<${nextPath}>; rel="next", <${ctx.state.site.baseUrl}>; rel="base"`;
  }
  return json(200, { results: pageItems.map(render), _links: links }, headers);
};

/** Offset pagination of v1 (start/limit), with `_links.next` relative to /wiki as v1 writes it. */
export const paginateV1 = <T>(
  ctx: RouteContext,
  items: readonly T[],
  defaultLimit: number,
  maxLimit: number,
  render: (item: T) => unknown,
  extra: Record<string, unknown> = {},
): RouteResult => {
  const start = typeof ctx.operation.query['start'] === 'number' ? (ctx.operation.query['start'] as number) : 0;
  const asked = typeof ctx.operation.query['limit'] === 'number' ? (ctx.operation.query['limit'] as number) : defaultLimit;
  const limit = Math.min(asked, maxLimit);
  const pageItems = items.slice(start, start + limit);
  const links: Record<string, string> = { base: ctx.state.site.baseUrl, context: '/wiki' };
  if (start + limit < items.length) {
    const next = new URL(ctx.url.toString());
    next.searchParams.set('start', String(start + limit));
    next.searchParams.set('limit', String(limit));
    links['next'] = `${next.pathname.replace(/^\/wiki/, '')}${next.search}`;
  }
  return json(200, { results: pageItems.map(render), start, limit, size: pageItems.length, ...extra, _links: links });
};

export const userIcon = (accountId: string) => ({
  path: `/wiki/aa-avatar/${encodeURIComponent(accountId)}`,
  width: 48,
  height: 48,
  isDefault: true,
});

/** v1 User; the email is "" unless the user's profile makes it visible. */
export const v1User = (ctx: RouteContext, user: FixtureUser | { accountId: string; displayName: string; app: true }) => {
  const isApp = 'app' in user;
  const email = isApp ? '' : user.emailVisible && user.email ? user.email : '';
  return {
    type: 'known',
    accountId: user.accountId,
    accountType: isApp ? 'app' : 'atlassian',
    email,
    publicName: user.displayName,
    displayName: user.displayName,
    timeZone: null,
    profilePicture: userIcon(user.accountId),
    isExternalCollaborator: false,
    isGuest: false,
    _expandable: { operations: '', personalSpace: '' },
    _links: { self: `${ctx.state.site.baseUrl}/rest/api/user?accountId=${encodeURIComponent(user.accountId)}` },
  };
};

/** The fixture user, or the app's own user, for an accountId. */
export const lookupUser = (ctx: RouteContext, accountId: string) => {
  const user = ctx.state.userById(accountId);
  if (user) return user;
  const app = ctx.state.site.app;
  return app.accountId === accountId ? { accountId: app.accountId, displayName: app.displayName, app: true as const } : undefined;
};

/** A stable numeric id for things the fixture names but does not number (labels, files). */
export const stableNumber = (text: string): string => String(parseInt(createHash('sha1').update(text).digest('hex').slice(0, 8), 16));
