import { randomBytes } from 'node:crypto';
import { createLocalStore, type LocalStore } from '../../src/adapters/local/local-store';
import { emulatedConfluence, type EmulatedConfluence } from '../../src/dev/confluence-emulator/rest-adapter';
import { loadFixtureSite } from '../../src/dev/confluence-emulator/site-schema';
import type { AppDeps } from '../../src/app/deps';
import type { MailMessage, Mailer } from '../../src/app/ports';
import type { ShareLink } from '../../src/core/model';
import { DEFAULT_SITE_PATH } from '../../src/dev/local-app';
import { ManualClock, makeLink, T0 } from '../store/store-fixtures';

export interface Harness {
  deps: AppDeps;
  clock: ManualClock;
  store: LocalStore;
  confluence: EmulatedConfluence;
  sent: MailMessage[];
  /** Makes the next `n` sends fail like a provider outage. */
  failNextSends(n: number): void;
  addLink(overrides?: Partial<ShareLink>): Promise<ShareLink>;
}

export const createHarness = async (): Promise<Harness> => {
  const clock = new ManualClock(T0);
  const store = await createLocalStore({ clock });
  const site = await loadFixtureSite(DEFAULT_SITE_PATH);
  const confluence = emulatedConfluence(site, { now: () => clock.now() });
  const sent: MailMessage[] = [];
  let failures = 0;
  const mailer: Mailer = {
    async send(message) {
      // Yield like a real HTTP call would, so concurrent runs really interleave.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (failures > 0) {
        failures -= 1;
        throw new Error('provider down');
      }
      sent.push(message);
    },
  };
  const deps: AppDeps = {
    store,
    content: confluence.content,
    rights: confluence.rights,
    mailer,
    clock,
    random: { bytes: (n) => new Uint8Array(randomBytes(n)) },
    shareBaseUrl: async () => 'http://localhost:8787',
    bcryptRounds: 4,
  };
  return {
    deps,
    clock,
    store,
    confluence,
    sent,
    failNextSends: (n) => {
      failures = n;
    },
    addLink: async (overrides = {}) => {
      const link = makeLink({
        pageId: '1001',
        spaceKey: 'DEMO',
        pageTitle: 'Product Handbook',
        createdBy: 'u-editor',
        createdAt: clock.now() - 60 * 60 * 1000,
        updatedAt: clock.now() - 60 * 60 * 1000,
        allowSubscribe: true,
        ...overrides,
      });
      await store.links.create(link);
      return link;
    },
  };
};

/** A page event exactly as Forge delivers it (forge-facts §1.5; Confluence events reference). */
export const pageEvent = (
  eventType: string,
  page: { id: string; title: string; status?: string; spaceKey?: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  eventType,
  atlassianId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077',
  suppressNotifications: false,
  selfGenerated: false,
  updateTrigger: 'edit_page',
  eventCreatedDate: '2026-01-15T12:00:00.000Z',
  content: {
    id: page.id,
    type: 'page',
    status: page.status ?? 'current',
    title: page.title,
    space: { id: 98301, key: page.spaceKey ?? 'DEMO', name: 'Product Handbook', type: 'global', status: 'current' },
    history: { latest: true, createdBy: { type: 'known', accountId: 'u-editor' }, createdDate: '2026-01-01T10:00:00.000Z' },
    version: { by: { type: 'known', accountId: 'u-editor' }, when: '2026-01-15T12:00:00.000Z', number: 7, minorEdit: false },
    extensions: { position: 'none' },
  },
  context: { cloudId: 'a436116f-02ce-4520-8fbb-7301462a1674', moduleKey: 'page-lifecycle' },
  contextToken: 'eyJ...',
  ...extra,
});

export { T0 };
