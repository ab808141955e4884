import { isWellFormedToken } from '../core/token';

/** Every route below /s/<token>. Anything else is the generic 404 (before any storage call). */
export type ShareRoute =
  | { kind: 'page'; pageId: string | null }
  | { kind: 'password' }
  | { kind: 'email_send' }
  | { kind: 'email_verify' }
  | { kind: 'sso_start' }
  | { kind: 'sso_callback' }
  | { kind: 'comment'; pageId: string | null }
  | { kind: 'attachment'; pageId: string | null; attachmentId: string }
  | { kind: 'upload'; pageId: string | null }
  | { kind: 'subscribe'; pageId: string | null }
  | { kind: 'unsubscribe_page'; pageId: string | null }
  | { kind: 'unsubscribe'; subscriptionId: string }
  | { kind: 'image'; pageId: string; fileName: string }
  | { kind: 'logout' }
  | { kind: 'search' };

export interface ParsedSharePath {
  token: string;
  route: ShareRoute;
  /** The methods this route answers; anything else gets 405. */
  methods: readonly ('GET' | 'POST')[];
}

export const MAX_PATH_LENGTH = 2048;

const PAGE_ID = /^[1-9][0-9]{0,19}$/;
const ATTACHMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SUBSCRIPTION_ID = /^[A-Za-z0-9_-]{22}$/;

const GET = ['GET'] as const;
const POST = ['POST'] as const;
const BOTH = ['GET', 'POST'] as const;

const decodeSegment = (segment: string): string | null => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
};

const pageScoped = (pageId: string | null, rest: string[]): ParsedSharePath['route'] | null => {
  const [first, second, ...more] = rest;
  if (first === undefined) return { kind: 'page', pageId };
  if (first === 'comments' && second === undefined) return { kind: 'comment', pageId };
  if (first === 'attachments' && second === undefined) return { kind: 'upload', pageId };
  if (first === 'subscribe' && second === undefined) return { kind: 'subscribe', pageId };
  if (first === 'unsubscribe' && second === undefined) return { kind: 'unsubscribe_page', pageId };
  if (first === 'a' && second !== undefined && more.length === 0 && ATTACHMENT_ID.test(second)) {
    return { kind: 'attachment', pageId, attachmentId: second };
  }
  return null;
};

const methodsFor = (route: ShareRoute): readonly ('GET' | 'POST')[] => {
  switch (route.kind) {
    case 'page':
    case 'attachment':
    case 'image':
    case 'logout':
    case 'search':
    case 'sso_start':
    case 'sso_callback':
      return GET;
    case 'unsubscribe':
      return BOTH;
    default:
      return POST;
  }
};

/**
 * Parses `/s/<token>/...`. The token is format-checked here, before any storage call (T1, B1–B3), and
 * page ids must be plain positive integers (F12).
 */
export const parseSharePath = (path: string): ParsedSharePath | null => {
  if (path.length > MAX_PATH_LENGTH || !path.startsWith('/s/')) return null;
  const segments = path.slice(3).replace(/\/$/, '').split('/');
  const [token, ...rest] = segments;
  if (token === undefined || !isWellFormedToken(token)) return null;
  let route: ShareRoute | null = null;
  const [first, second, third, ...more] = rest;
  if (first === undefined) route = { kind: 'page', pageId: null };
  else if (first === 'p' && second !== undefined && PAGE_ID.test(second)) route = pageScoped(second, rest.slice(2));
  else if (first === 'password' && second === undefined) route = { kind: 'password' };
  else if (first === 'email' && second === 'send' && third === undefined) route = { kind: 'email_send' };
  else if (first === 'email' && second === 'verify' && third === undefined) route = { kind: 'email_verify' };
  else if (first === 'sso' && second === 'start' && third === undefined) route = { kind: 'sso_start' };
  else if (first === 'sso' && second === 'callback' && third === undefined) route = { kind: 'sso_callback' };
  else if (first === 'logout' && second === undefined) route = { kind: 'logout' };
  else if (first === 'search' && second === undefined) route = { kind: 'search' };
  else if (first === 'unsubscribe' && second !== undefined && third === undefined && SUBSCRIPTION_ID.test(second)) {
    route = { kind: 'unsubscribe', subscriptionId: second };
  } else if (first === 'img' && second !== undefined && PAGE_ID.test(second) && third !== undefined && more.length === 0) {
    const fileName = decodeSegment(third);
    if (fileName !== null && fileName.length > 0 && fileName.length <= 255 && !/[/\\]/.test(fileName)) {
      route = { kind: 'image', pageId: second, fileName };
    }
  } else route = pageScoped(null, rest);
  if (route === null) return null;
  return { token, route, methods: methodsFor(route) };
};
