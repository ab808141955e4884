import { describe, expect, it } from 'vitest';
import { ENTITY, KVS_ENTITIES } from '../../src/adapters/forge/kvs-entities';

// Limits from the manifest schema (@forge/manifest AppSchema.storage.entities) and the Forge docs.
const ENTITY_NAME = /^(?![_.-])(?!.*\.{2})[a-z0-9:\-_.]*(?<![.])$/;
const ATTRIBUTE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

describe('KVS_ENTITIES respects the custom entity limits', () => {
  it('has at most 20 entities with valid, unique names, and names every ENTITY constant', () => {
    expect(KVS_ENTITIES.length).toBeLessThanOrEqual(20);
    const names = KVS_ENTITIES.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(ENTITY_NAME);
      expect(name.length).toBeGreaterThanOrEqual(3);
      expect(name.length).toBeLessThanOrEqual(60);
    }
    expect([...names].sort()).toEqual(Object.values(ENTITY).sort());
  });

  it('declares valid attributes and indexes over declared, indexable attributes', () => {
    for (const entity of KVS_ENTITIES) {
      const attributes = Object.entries(entity.attributes);
      expect(attributes.length, entity.name).toBeLessThanOrEqual(50);
      for (const [name] of attributes) {
        expect(name).toMatch(ATTRIBUTE_NAME);
        expect(name.length).toBeLessThanOrEqual(30);
      }
      const indexes = entity.indexes ?? [];
      expect(indexes.length, entity.name).toBeLessThanOrEqual(7);
      if (entity.indexes) expect(entity.indexes.length).toBeGreaterThanOrEqual(1);
      const indexNames = indexes.map((i) => i.name);
      expect(new Set(indexNames).size).toBe(indexNames.length);
      for (const index of indexes) {
        expect(index.name).not.toBe('by-key');
        expect(index.range).toHaveLength(1);
        for (const attr of [...index.range, ...(index.partition ?? [])]) {
          const type = entity.attributes[attr]?.type;
          expect(type, `${entity.name}.${index.name}.${attr}`).toBeDefined();
          expect(type).not.toBe('any');
        }
        if (index.partition) expect(index.partition.length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('never uses a 32-bit integer for an instant (range keys are padded ms strings)', () => {
    for (const entity of KVS_ENTITIES) {
      for (const [name, { type }] of Object.entries(entity.attributes)) {
        if (type === 'integer') expect(['version', 'rev'], `${entity.name}.${name}`).toContain(name);
      }
    }
  });
});
