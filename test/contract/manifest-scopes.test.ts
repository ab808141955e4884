/**
 * The manifest's scopes, derived from the outside truth both ways: Atlassian's OpenAPI specs give the scopes of
 * each Confluence operation the app calls (test/contract/confluence-operations.ts), and @forge/manifest's own
 * event→scope mapping gives those of the page events it subscribes to. No scope may be missing, none unneeded.
 * (forge lint's PermissionLinter needs the network and cannot see paths built with assumeTrustedRoute.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFLUENCE_OPERATIONS, type ConfluenceOperation } from './confluence-operations';

const ROOT = join(__dirname, '../..');

interface ScopeAlternative {
  state: string;
  scopes: string[];
}
interface SpecOperation {
  'x-atlassian-oauth2-scopes'?: ScopeAlternative[];
}
type Spec = { paths: Record<string, Record<string, SpecOperation>> };

const spec = (api: 'v1' | 'v2'): Spec =>
  JSON.parse(readFileSync(join(ROOT, 'spec/confluence-openapi', `confluence-${api}.json`), 'utf8')) as Spec;
const specs = { v1: spec('v1'), v2: spec('v2') };

const manifest = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8')) as {
  permissions: { scopes: string[] };
  modules: { trigger?: { events: (string | { eventType: string })[] }[] };
};
const granted = new Set(manifest.permissions.scopes);

/** Scopes the app needs for reasons other than Confluence REST calls and events. */
const NON_CONFLUENCE_SCOPES: Record<string, string> = {
  'storage:app': 'Forge KVS custom entities and secrets',
};

// Not in the package's exports map, so read from its folder.
const eventMapping = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/@forge/manifest/out/mapping/product-event-to-scope-mapping.json'), 'utf8')) as {
    mapping: { productEvent: string; oAuthScopes: { beta?: string[]; current?: string[] } }[];
  }
).mapping;

/** The granular alternative when the manifest grants it, else the classic one, else undefined (missing). */
const satisfiedBy = (alternatives: string[][]): string[] | undefined =>
  alternatives.find((scopes) => scopes.every((s) => granted.has(s)));

const alternativesOf = (op: ConfluenceOperation): string[][] => {
  const found = specs[op.api].paths[op.path]?.[op.method];
  if (!found) throw new Error(`${op.method.toUpperCase()} ${op.path} is not in the ${op.api} spec`);
  const listed = found['x-atlassian-oauth2-scopes'] ?? [];
  // Granular ("Beta" in v1, "Current" in v2) first: the manifest uses granular scopes.
  return [...listed.filter((a) => a.state === 'Beta'), ...listed.filter((a) => a.state !== 'Beta')].map((a) => a.scopes);
};

const subscribedEvents = (manifest.modules.trigger ?? []).flatMap((t) =>
  t.events.map((e) => (typeof e === 'string' ? e : e.eventType)),
);

describe('manifest scopes against the OpenAPI specs and the event mapping', () => {
  it('every operation in the table is defined by the specs with scopes', () => {
    for (const op of CONFLUENCE_OPERATIONS) expect(alternativesOf(op).length, `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  it('grants every scope an operation or a subscribed event needs', () => {
    const missing: string[] = [];
    for (const op of CONFLUENCE_OPERATIONS) {
      const alternatives = alternativesOf(op);
      if (!satisfiedBy(alternatives)) missing.push(`${op.method.toUpperCase()} ${op.path} needs ${alternatives.map((a) => a.join(' + ')).join(' or ')}`);
    }
    for (const event of subscribedEvents) {
      const entry = eventMapping.find((m) => m.productEvent === event);
      expect(entry, `${event} is in @forge/manifest's event mapping`).toBeDefined();
      const alternatives = [entry!.oAuthScopes.beta ?? [], entry!.oAuthScopes.current ?? []].filter((a) => a.length > 0);
      if (!satisfiedBy(alternatives)) missing.push(`${event} needs ${alternatives.map((a) => a.join(' + ')).join(' or ')}`);
    }
    expect(missing).toEqual([]);
  });

  it('grants no scope that nothing needs', () => {
    const needed = new Set(Object.keys(NON_CONFLUENCE_SCOPES));
    for (const op of CONFLUENCE_OPERATIONS) for (const s of satisfiedBy(alternativesOf(op)) ?? []) needed.add(s);
    for (const event of subscribedEvents) {
      const entry = eventMapping.find((m) => m.productEvent === event);
      const alternatives = [entry?.oAuthScopes.beta ?? [], entry?.oAuthScopes.current ?? []].filter((a) => a.length > 0);
      for (const s of satisfiedBy(alternatives) ?? []) needed.add(s);
    }
    expect(manifest.permissions.scopes.filter((s) => !needed.has(s))).toEqual([]);
  });
});
