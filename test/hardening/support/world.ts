/**
 * An in-memory world for the hardening suite: the real share handler and use cases over an in-memory
 * local store and the demo fixture site, whose page bodies, comments and text attachments carry
 * page-specific markers (`HXM-body-1001`…). A marker in a response means page content was served.
 */
import { randomBytes } from 'node:crypto';
import { createLocalStore, type LocalStore } from '../../../src/adapters/local/local-store';
import { emulatedConfluence } from '../../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite, type FixtureSite } from '../../../src/dev/confluence-emulator/site-schema';
import type { AppDeps } from '../../../src/app/deps';
import { createLink, rotateLink, setLinkStatus, type LinkSettingsPatch } from '../../../src/app/links';
import type { MailMessage, Store } from '../../../src/app/ports';
import { defaultSpaceConfig } from '../../../src/core/defaults';
import { DEFAULT_SITE_PATH } from '../../../src/dev/local-app';
import type { HttpRequest, HttpResponse } from '../../../src/web/http';
import { createShareHandler } from '../../../src/web/share-handler';
import { interceptStore } from '../../support/intercept-calls';

export const START = Date.parse('2026-11-23T10:00:00.000Z');
export const DAY = 86_400_000;
export const BASE = 'https://share.example.test';
export const EDITOR = { accountId: 'u-editor' };
export const PASSWORD = 'correct horse 42';
/** The one address the IP-limited link admits. */
export const IP_LIMITED_ALLOWED = '203.0.113.7';

const MARKER = /HXM-(?:body|comment|file)-(\d+)/g;

/** Page ids whose marked content appears in a response body. */
export const markedPages = (response: HttpResponse): Set<string> => {
  const text = typeof response.body === 'string' ? response.body : Buffer.from(response.body).toString('latin1');
  return new Set([...text.matchAll(MARKER)].map((m) => m[1] as string));
};

const markedSite = async (): Promise<FixtureSite> => {
  const site = await loadFixtureSite(DEFAULT_SITE_PATH);
  for (const page of site.pages) {
    page.body = `${page.body}<p>HXM-body-${page.id}</p>`;
    for (const comment of page.comments ?? []) comment.body = `${comment.body}<p>HXM-comment-${page.id}</p>`;
    for (const attachment of page.attachments ?? []) {
      if (attachment.encoding === 'utf8') attachment.content = `${attachment.content}\nHXM-file-${page.id}\n`;
    }
  }
  return site;
};

export interface WorldLinks {
  /** Active, no gate: serves pages 1001 and its unrestricted, current descendants. */
  open: string;
  /** Password gate on 1002. */
  password: string;
  /** Email-code gate (@acme.com) on 1003. */
  email: string;
  /** Disabled link on 1001. */
  disabled: string;
  /** Superseded token of a rotated link on 1001. */
  rotatedOld: string;
  /** Expired link on 1001. */
  expired: string;
  /** Link on 2002 in OPS, whose space has sharing disabled. */
  opsDisabled: string;
  /** Link on 1001 limited to one IP the requests never come from. */
  ipLimited: string;
}

/** Pages whose content the open link may serve (1006/1007 are view-restricted, 1008 is trashed). */
export const OPEN_TREE = new Set(['1001', '1002', '1003', '1004', '1005']);

export interface World {
  deps: AppDeps;
  store: LocalStore;
  clock: { now: number };
  mail: MailMessage[];
  tokens: WorldLinks;
  linkIds: Record<keyof WorldLinks, string>;
  handle(req: HttpRequest, store?: Store): Promise<HttpResponse>;
  close(): Promise<void>;
}

const tokenOf = (url: string): string => url.slice(url.lastIndexOf('/s/') + 3);

export const createWorld = async (): Promise<World> => {
  const clock = { now: START };
  const fixture = emulatedConfluence(await markedSite(), { now: () => clock.now });
  const store = await createLocalStore({ clock: { now: () => clock.now } });
  const mail: MailMessage[] = [];
  const deps: AppDeps = {
    store,
    content: fixture.content,
    rights: fixture.rights,
    mailer: { send: async (message) => void mail.push(message) },
    clock: { now: () => clock.now },
    random: { bytes: (n) => new Uint8Array(randomBytes(n)) },
    shareBaseUrl: async () => BASE,
    bcryptRounds: 4,
  };
  const make = async (pageId: string, settings: LinkSettingsPatch, password?: string) => {
    const created = await createLink(deps, EDITOR, { pageId, settings: { name: `Link ${pageId}`, ...settings }, password });
    return { token: tokenOf(created.url), id: created.link.id };
  };
  const open = await make('1001', { includeChildren: true, comments: 'view_add', attachments: 'view_add', allowSubscribe: true, showCreator: true });
  const password = await make('1002', { comments: 'view', attachments: 'view' }, PASSWORD);
  const email = await make('1003', { selectedUsers: ['@acme.com'], comments: 'view' });
  const disabled = await make('1001', { includeChildren: true });
  await setLinkStatus(deps, EDITOR, { linkId: disabled.id, status: 'disabled' });
  const rotated = await make('1001', { includeChildren: true });
  await rotateLink(deps, EDITOR, { linkId: rotated.id });
  const expired = await make('1001', { includeChildren: true, expiresAt: START + DAY });
  const opsDisabled = await make('2002', { comments: 'view' });
  const ipLimited = await make('1001', { includeChildren: true, allowedIps: [IP_LIMITED_ALLOWED] });
  await store.configs.putSpace({ ...defaultSpaceConfig('OPS', START), sharingEnabled: false, version: 1 }, 0);
  clock.now = START + 2 * DAY; // past the expired link's end

  const tokens: WorldLinks = {
    open: open.token,
    password: password.token,
    email: email.token,
    disabled: disabled.token,
    rotatedOld: rotated.token,
    expired: expired.token,
    opsDisabled: opsDisabled.token,
    ipLimited: ipLimited.token,
  };
  const linkIds = {
    open: open.id,
    password: password.id,
    email: email.id,
    disabled: disabled.id,
    rotatedOld: rotated.id,
    expired: expired.id,
    opsDisabled: opsDisabled.id,
    ipLimited: ipLimited.id,
  };
  const handler = createShareHandler(deps);
  return {
    deps,
    store,
    clock,
    mail,
    tokens,
    linkIds,
    handle: (req, other) => (other ? createShareHandler({ ...deps, store: other })(req) : handler(req)),
    close: () => store.close(),
  };
};

export const request = (method: string, path: string, init: Partial<Omit<HttpRequest, 'method' | 'path'>> = {}): HttpRequest => ({
  method,
  path,
  headers: { host: ['share.example.test'], ...init.headers },
  query: init.query ?? {},
  body: init.body ?? '',
});

/** `name=value` pairs of the Set-Cookie headers of a response, ready for a Cookie header. */
export const cookiesFrom = (response: HttpResponse): string[] =>
  (response.headers['Set-Cookie'] ?? response.headers['set-cookie'] ?? [])
    .map((line) => line.split(';')[0] ?? '')
    .filter((pair) => pair.includes('=') && !pair.endsWith('='));

/** A Store whose every method call is counted (by name); the `failAt`-th call throws or rejects. */
export const failingStore = (
  inner: Store,
  plan: { failAt: number; mode: 'reject' | 'throw' },
): { store: Store; calls: string[] } => {
  const calls: string[] = [];
  const store = interceptStore(inner, (call, proceed) => {
    calls.push(call);
    if (calls.length === plan.failAt) {
      const error = new Error(`injected store failure at call ${plan.failAt} (${call})`);
      if (plan.mode === 'throw') throw error;
      return Promise.reject(error);
    }
    return proceed();
  });
  return { store, calls };
};
