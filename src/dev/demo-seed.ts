import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Caller } from '../app/authorize';
import type { AppDeps } from '../app/deps';
import { getSiteSettings, setSiteSettings } from '../app/configs';
import { createLink, type LinkSettingsPatch } from '../app/links';
import { DEMO_IDP_PATH, type DemoIdp } from './demo-idp';

/** A demo link as printed at start-up and listed on the local index page. */
export interface DemoLink {
  title: string;
  url: string;
  /** What the link demonstrates and how to pass its gate. */
  note: string;
  password?: string;
}

export const DEMO_LINKS_FILE = 'demo-links.json';
export const DEMO_PASSWORD = 'open-sesame-42';
const DAY_MS = 24 * 60 * 60 * 1000;

const EDITOR: Caller = { accountId: 'u-editor' };
const SITE_ADMIN: Caller = { accountId: 'u-site-admin' };

interface DemoSpec {
  title: string;
  note: string;
  pageId: string;
  settings: LinkSettingsPatch;
  password?: string;
  /** Backdate the expiry after creation (the use case refuses past expiry dates, rightly). */
  expireNow?: boolean;
}

const DEMO_SPECS: DemoSpec[] = [
  {
    title: 'Open link',
    note: 'No gate: anyone with the URL sees the page.',
    pageId: '1002',
    settings: { name: 'Demo: open link', includeChildren: false },
  },
  {
    title: 'Password link',
    note: `Password gate. Password: ${DEMO_PASSWORD}`,
    pageId: '1002',
    settings: { name: 'Demo: password', includeChildren: false },
    password: DEMO_PASSWORD,
  },
  {
    title: 'IP-restricted link',
    note: 'IP allow-list: 127.0.0.1 and ::1 only (works from this machine, refused elsewhere).',
    pageId: '1003',
    settings: { name: 'Demo: IP allow-list', includeChildren: false, allowedIps: ['127.0.0.1/32', '::1/128'] },
  },
  {
    title: 'Selected-users link',
    note: 'Email one-time code for addresses at exactly partner.example (e.g. jo@partner.example; a subdomain such as eu.partner.example would need @*.partner.example); read the code at /outbox.',
    pageId: '1001',
    settings: { name: 'Demo: selected users', includeChildren: false, selectedUsers: ['@partner.example'] },
  },
  {
    title: 'SSO link',
    note: `SSO sign-in: sign in at the local demo identity provider (${DEMO_IDP_PATH}) with any @partner.example address, "email verified" ticked (other addresses are refused).`,
    pageId: '1002',
    settings: { name: 'Demo: SSO required', includeChildren: false, requireSso: true, selectedUsers: ['@partner.example'] },
  },
  {
    title: 'Expired link',
    note: 'Expired yesterday: shows the same not-found page as any dead link.',
    pageId: '1002',
    settings: { name: 'Demo: expired', includeChildren: false },
    expireNow: true,
  },
  {
    title: 'Child pages with label filter',
    note: 'Shares the handbook and its child pages labelled "public" (restricted and internal pages stay hidden).',
    pageId: '1001',
    settings: { name: 'Demo: child pages (label public)', includeChildren: true, withLabels: ['public'] },
  },
  {
    title: 'Comments and attachments: view & add',
    note: 'Recipients can read and add comments, download and upload attachments.',
    pageId: '1001',
    settings: { name: 'Demo: comments + attachments', includeChildren: false, comments: 'view_add', attachments: 'view_add' },
  },
];

const demoFile = (dataDir: string): string => join(dataDir, DEMO_LINKS_FILE);

/** Notes describe how to pass each gate today, so they come from the specs, not from the file. */
const withCurrentNote = (link: DemoLink): DemoLink => {
  const spec = DEMO_SPECS.find((s) => s.title === link.title);
  return spec ? { ...link, note: spec.note } : link;
};

export const readDemoLinks = async (dataDir: string): Promise<DemoLink[]> => {
  try {
    const parsed: unknown = JSON.parse(await readFile(demoFile(dataDir), 'utf8'));
    return Array.isArray(parsed) ? (parsed as DemoLink[]).map(withCurrentNote) : [];
  } catch {
    return [];
  }
};

/**
 * On first start (no link stored yet) creates one demo link per gate through the real use cases and
 * records their URLs: only token hashes are stored, so the file is the only way to print them again.
 * Returns the demo links (from the file on later starts).
 */
export const seedDemoLinks = async (deps: AppDeps, dataDir: string): Promise<DemoLink[]> => {
  const existing = await deps.store.links.list({}, { limit: 1 });
  if (existing.items.length > 0) return readDemoLinks(dataDir);
  if (!(await deps.rights.pageEditable(EDITOR.accountId, '1001'))) {
    console.warn('No demo links: they are made for fixtures/demo-site.json (page 1001 editable by u-editor).');
    return [];
  }
  const demo: DemoLink[] = [];
  for (const spec of DEMO_SPECS) {
    let created;
    try {
      created = await createLink(deps, EDITOR, {
        pageId: spec.pageId,
        settings: spec.settings,
        ...(spec.password ? { password: spec.password } : {}),
      });
    } catch (error) {
      // Another fixture site (SECURE_SHARE_SITE) may lack the demo pages or users: skip, do not fail the start.
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`Demo link "${spec.title}" not created (page ${spec.pageId} as ${EDITOR.accountId}): ${reason}`);
      continue;
    }
    if (spec.expireNow) {
      const link = await deps.store.links.get(created.link.id);
      if (link) {
        await deps.store.links.update(
          { ...link, expiresAt: deps.clock.now() - DAY_MS, version: link.version + 1 },
          link.version,
        );
      }
    }
    demo.push({ title: spec.title, url: created.url, note: spec.note, ...(spec.password ? { password: spec.password } : {}) });
  }
  if (demo.length === 0) return demo;
  await mkdir(dataDir, { recursive: true });
  await writeFile(demoFile(dataDir), JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
};

/** Demo URLs point at whatever base was current when they were made; re-point them at the running server. */
export const rebaseDemoLinks = (links: readonly DemoLink[], base: string): DemoLink[] =>
  links.map((link) => {
    const at = link.url.indexOf('/s/');
    return at < 0 ? link : { ...link, url: `${base}${link.url.slice(at)}` };
  });

export const DEMO_SSO_SCOPES = 'openid email';

const isDemoIdpIssuer = (issuer: string): boolean => {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' && url.pathname === DEMO_IDP_PATH && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
};

/**
 * Points the SSO demo link at the demo identity provider. On the provider's first start for this data
 * directory, and only when no SSO provider is configured, a site admin's settings save configures it
 * (issuer <base>/dev/idp, client secret in the secret store). On later starts, settings that name the
 * demo provider on another port (PORT changed) are re-pointed at this server, as the demo URLs are.
 * Anything else an admin configured is left alone.
 */
export const seedDemoSso = async (deps: AppDeps, idp: DemoIdp): Promise<void> => {
  const issuer = idp.issuer();
  try {
    const current = await deps.store.configs.getSite();
    if (current?.sso) {
      const sso = current.sso;
      if (sso.clientId !== idp.clientId || sso.issuer === issuer || !isDemoIdpIssuer(sso.issuer)) return;
      await deps.store.configs.putSite({ ...current, sso: { ...sso, issuer }, version: current.version + 1, updatedAt: deps.clock.now() }, current.version);
      return;
    }
    if (!idp.created) return;
    const { settings } = await getSiteSettings(deps, SITE_ADMIN);
    const { version, updatedAt: _updatedAt, sso: _sso, ...rest } = settings;
    await setSiteSettings(deps, SITE_ADMIN, {
      version,
      settings: { ...rest, sso: { issuer, clientId: idp.clientId, scopes: DEMO_SSO_SCOPES } },
      ssoClientSecret: idp.clientSecret,
    });
  } catch (error) {
    // Another fixture site (SECURE_SHARE_SITE) may have no u-site-admin: say so, do not fail the start.
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`Demo SSO provider not configured (as ${SITE_ADMIN.accountId}): ${reason}`);
  }
};
