/**
 * Custom entity definitions, exactly as they appear in manifest.yml `app.storage.entities`
 * (a test asserts the manifest equals this constant).
 *
 * Layout rules that every entity follows:
 * - The domain object lives whole in `doc` (type `any`, never indexed). The other attributes are copies
 *   of the few fields that indexes and transaction conditions need.
 * - Everything that needs a conditional write (version-checked links and configs, counters, single-use
 *   ephemeral records, view statistics) must be an entity: transaction conditions only apply to entity
 *   attributes. So nothing except secrets is stored under plain KVS keys.
 * - Range attributes are zero-padded strings `<15-digit epoch ms>:<id>`: `integer` is 32-bit (epoch ms
 *   overflow), and a string range keeps millisecond order and is unique, so our own cursors (the last
 *   range value) are stable and never depend on platform cursors, which must not be persisted.
 * - Entities and attributes can never be deleted after deploy and indexes cannot be removed, so the
 *   index set is designed before the first deploy (Forge allows 7 indexes per entity):
 *
 * Index set rationale (review rubric CST-17 / PRF-06 / PRF-10: filter in the store, not in code):
 * - `share-link` uses all 7 slots. Six serve the lists (all links, a page's, a space's, a space's by
 *   status, a creator's, by status), all in creation order. The seventh, `by-status-expiry` (partition
 *   status, range `expiresKey` = `<15-digit expiresAt>:<id>`, or `never:<id>`, which sorts after every
 *   instant), lets the hourly expiry reminders read only active links expiring inside the reminder window
 *   instead of every active link. A new filter on links must be served by one of these indexes plus a
 *   post-filter, or by a new entity: there is no slot left.
 * - `space-config` keeps free slots for named configurations (an attribute and index of their own).
 * - The shared-tree cache lives in `ephemeral` records (by key, expiry index for purges) and needs no index
 *   of its own; the view statistics, counters and view events are read by key or by their one index.
 */

export type KvsAttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

export interface KvsIndexDefinition {
  name: string;
  /** Exactly one attribute. */
  range: readonly [string];
  /** Exact-match attributes, when present. */
  partition?: readonly string[];
}

export interface KvsEntityDefinition {
  name: string;
  attributes: Readonly<Record<string, { type: KvsAttributeType }>>;
  indexes?: readonly KvsIndexDefinition[];
}

export const ENTITY = {
  link: 'share-link',
  spaceConfig: 'space-config',
  appSetting: 'app-setting',
  audit: 'audit-entry',
  subscription: 'subscription',
  counter: 'counter',
  ephemeral: 'ephemeral',
  stats: 'link-stats',
  secretRef: 'secret-ref',
  viewEvent: 'view-event',
} as const;

export const KVS_ENTITIES: readonly KvsEntityDefinition[] = [
  {
    name: ENTITY.link,
    attributes: {
      pageId: { type: 'string' },
      spaceKey: { type: 'string' },
      status: { type: 'string' },
      createdBy: { type: 'string' },
      createdKey: { type: 'string' },
      expiresKey: { type: 'string' },
      version: { type: 'integer' },
      doc: { type: 'any' },
    },
    indexes: [
      { name: 'by-created', range: ['createdKey'] },
      { name: 'by-page', partition: ['pageId'], range: ['createdKey'] },
      { name: 'by-space', partition: ['spaceKey'], range: ['createdKey'] },
      { name: 'by-space-status', partition: ['spaceKey', 'status'], range: ['createdKey'] },
      { name: 'by-creator', partition: ['createdBy'], range: ['createdKey'] },
      { name: 'by-status', partition: ['status'], range: ['createdKey'] },
      { name: 'by-status-expiry', partition: ['status'], range: ['expiresKey'] },
    ],
  },
  {
    name: ENTITY.spaceConfig,
    attributes: {
      spaceKey: { type: 'string' },
      version: { type: 'integer' },
      doc: { type: 'any' },
      // The named configuration assigned to the space ('default' for the default); absent when none is.
      configId: { type: 'string' },
    },
    indexes: [
      { name: 'by-space-key', range: ['spaceKey'] },
      { name: 'by-config', partition: ['configId'], range: ['spaceKey'] },
    ],
  },
  {
    // Three fixed keys ('global', 'site', and 'registry': the named configurations, the one new spaces
    // get and the classification rule, read by every view beside 'global'); no index needed.
    name: ENTITY.appSetting,
    attributes: {
      version: { type: 'integer' },
      doc: { type: 'any' },
    },
  },
  {
    name: ENTITY.audit,
    attributes: {
      atKey: { type: 'string' },
      linkId: { type: 'string' },
      spaceKey: { type: 'string' },
      action: { type: 'string' },
      doc: { type: 'any' },
    },
    indexes: [
      { name: 'by-time', range: ['atKey'] },
      { name: 'by-link', partition: ['linkId'], range: ['atKey'] },
      { name: 'by-space', partition: ['spaceKey'], range: ['atKey'] },
    ],
  },
  {
    name: ENTITY.subscription,
    attributes: {
      pageId: { type: 'string' },
      linkId: { type: 'string' },
      createdKey: { type: 'string' },
      doc: { type: 'any' },
    },
    indexes: [
      { name: 'by-created', range: ['createdKey'] },
      { name: 'by-page', partition: ['pageId'], range: ['createdKey'] },
      { name: 'by-link', partition: ['linkId'], range: ['createdKey'] },
    ],
  },
  {
    name: ENTITY.counter,
    attributes: {
      rev: { type: 'integer' },
      expiresKey: { type: 'string' },
      doc: { type: 'any' },
    },
    indexes: [{ name: 'by-expiry', range: ['expiresKey'] }],
  },
  {
    name: ENTITY.ephemeral,
    attributes: {
      recordKey: { type: 'string' },
      rev: { type: 'integer' },
      consumed: { type: 'boolean' },
      expiresKey: { type: 'string' },
      doc: { type: 'any' },
    },
    indexes: [
      { name: 'by-record-key', range: ['recordKey'] },
      { name: 'by-expiry', range: ['expiresKey'] },
    ],
  },
  {
    name: ENTITY.stats,
    attributes: {
      linkId: { type: 'string' },
      rev: { type: 'integer' },
      doc: { type: 'any' },
    },
    indexes: [{ name: 'by-link-id', range: ['linkId'] }],
  },
  {
    // Secrets are not queryable: this records which secret names exist so clearAll can delete them.
    name: ENTITY.secretRef,
    attributes: {
      name: { type: 'string' },
    },
    indexes: [{ name: 'by-name', range: ['name'] }],
  },
  {
    // One item per view (append-only, so counting never contends); folded into link-stats when read.
    name: ENTITY.viewEvent,
    attributes: {
      linkId: { type: 'string' },
      atKey: { type: 'string' },
    },
    indexes: [
      { name: 'by-link', partition: ['linkId'], range: ['atKey'] },
      { name: 'by-time', range: ['atKey'] },
    ],
  },
];
