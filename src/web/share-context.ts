import type { AppDeps } from '../app/deps';
import type { ShareLink, SiteSettings } from '../core/model';
import type { ClassificationRule, EffectivePolicy, ViewDecision } from '../core/policy';
import type { PagePrefetch } from './content-view';
import type { ParsedForm } from './forms';
import type { HttpRequest, HttpResponse } from './http';
import type { ShareRoute } from './share-routes';
import type { ShareUrls } from './share-urls';
import type { CookiePolicy, VisitorSession } from './session';

/** Everything one request to a share link has established before its route runs. */
export interface ShareContext {
  deps: AppDeps;
  options: { inlineImages?: boolean; inlineDownloads?: boolean; codeReplyFloorMs?: number };
  req: HttpRequest;
  token: string;
  route: ShareRoute;
  link: ShareLink;
  site: SiteSettings;
  policy: EffectivePolicy;
  /** Pages at or above this classification level are refused (checked with the page reads); null = no rule. */
  classificationRule: ClassificationRule | null;
  decision: ViewDecision;
  key: Buffer;
  now: number;
  clientIp: string | null;
  /** Keyed digest of the throttling client (the IP, or an IPv6 /64): per-client limits count under it. */
  clientKey: string;
  form: ParsedForm | null;
  cookie: { name: string; policy: CookiePolicy };
  /** The session in force (presented and valid, or freshly minted). */
  session: VisitorSession;
  /** How the session arrived: a valid cookie, a valid ticket (cookie-less fallback), or none (new). */
  sessionSource: 'cookie' | 'ticket' | 'new';
  /** Session ids of every valid session the request presented (CSRF tokens bind to one of them). */
  presentedSessionIds: string[];
  /** URLs for links on the rendered page (carry `?t=` in ticket mode). */
  urls: ShareUrls;
  /** The same URLs without a ticket (redirect targets add their own). */
  plainUrls: ShareUrls;
  /** A ticket for the current session, for forms. */
  ticket: string;
  csrf: string;
  /**
   * An identity this request's session carried that the link does not admit (dropped from the
   * session for this and later requests); the gate page names it.
   */
  refusedIdentity?: { email: string; via: 'sso' | 'email' };
  /** Confluence reads started before the final decision (page views only); used only when it allows. */
  prefetch?: PagePrefetch;
}

export type RouteHandler = (ctx: ShareContext) => Promise<HttpResponse>;
