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
 * - Entities and attributes can never be deleted after deploy and indexes cannot be removed: slot 7 of
 *   `share-link` is left free on purpose.
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
