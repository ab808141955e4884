/**
 * Offline manifest validation (research/forge-facts.md §7): the @forge/manifest schema validator plus
 * every @forge/lint client-side linter except PermissionLinter, which needs the network. Any error fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getClientSideLintersOnly, lint, parseSourceFile, problemCount } from '@forge/lint';
import { validate, type ManifestSchema } from '@forge/manifest';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KVS_ENTITIES } from '../../src/adapters/forge/kvs-entities';

const ROOT = join(__dirname, '../..');
const MANIFEST_PATH = join(ROOT, 'manifest.yml');

interface ManifestShape {
  app: { runtime: { name: string }; storage: { entities: unknown[] } };
  modules: Record<string, { key: string; function?: string; handler?: string; resource?: string; icon?: string }[]>;
  resources: { key: string; path: string }[];
  permissions: {
    scopes: string[];
    external: { fetch: { backend: { address: string; inScopeEUD?: boolean }[] }; configurable?: { enabled: boolean } };
  };
}

const manifest = parse(readFileSync(MANIFEST_PATH, 'utf8')) as ManifestShape;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [relative(ROOT, full)] : [];
  });

describe('manifest.yml', () => {
  it('passes the @forge/manifest schema validation', async () => {
    const result = await validate(false, MANIFEST_PATH);
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  }, 60_000);

  it('passes every client-side @forge/lint linter except the network-bound PermissionLinter', async () => {
    const previous = process.cwd();
    process.chdir(ROOT); // the linters read manifest.yml and tsconfig.json from the working directory
    try {
      const logger = { info: () => undefined };
      const statsig = { getDeprecatedRuntimes: async () => [] };
      type Statsig = Parameters<typeof lint>[4];
      const forgeManifest = manifest as unknown as ManifestSchema;
      const linters = (await getClientSideLintersOnly(forgeManifest, 'development', logger, statsig as unknown as Statsig)).filter(
        (linter) => linter.constructor.name !== 'PermissionLinter',
      );
      expect(linters.length).toBeGreaterThan(10);
      // Probe: the CLI lints a .ts/.tsx file only when tsconfig.json `include` expands to it (it matches the
      // expanded paths literally), so record what reaches the parser and require every source file.
      const files = sourceFiles(join(ROOT, 'src'));
      const parsed = new Set<string>();
      const results = await lint(files, forgeManifest, 'development', logger, statsig as unknown as Statsig, {
        linter: { mode: 'client-side' },
        linters,
        parseFunction: (filepath: string, parser: Parameters<typeof parseSourceFile>[1]) => {
          parsed.add(filepath);
          return parseSourceFile(filepath, parser);
        },
      } as Parameters<typeof lint>[5]);
      expect(files.length).toBeGreaterThan(100);
      expect(files.filter((file) => !parsed.has(file))).toEqual([]);
      const errors = results.flatMap((r) => r.errors.map((e) => `${r.file}:${e.line}: ${e.message}`));
      expect(errors).toEqual([]);
      expect(problemCount(results).errors).toBe(0);
      const warnings = results.flatMap((r) => r.warnings.map((w) => `${r.file}:${w.line}: ${w.message}`));
      expect(warnings).toEqual([]);
    } finally {
      process.chdir(previous);
    }
  }, 180_000);

  it('declares exactly the KVS entities the store uses', () => {
    const normalized = JSON.parse(JSON.stringify(KVS_ENTITIES)) as unknown;
    expect(manifest.app.storage.entities).toEqual(normalized);
  });

  it('points every function handler at an existing export of its src/ entry file', async () => {
    const handlers = manifest.modules.function ?? [];
    expect(handlers.map((f) => f.handler).sort()).toEqual(
      ['index.jobHandler', 'index.pageEventHandler', 'index.resolverHandler', 'index.sweepHandler', 'share.shareHandler'],
    );
    const entries: Record<string, Record<string, unknown>> = {
      index: (await import('../../src/index')) as Record<string, unknown>,
      share: (await import('../../src/share')) as Record<string, unknown>,
    };
    for (const fn of handlers) {
      const [file, exportName] = (fn.handler ?? '').split('.');
      expect(existsSync(join(ROOT, 'src', `${file}.ts`)), `src/${file}.ts`).toBe(true);
      expect(typeof entries[file ?? '']?.[exportName ?? ''], `${fn.handler} must be a function export`).toBe('function');
    }
    // src/index.ts also exports the share handler (one module with every entry point).
    expect(typeof entries.index?.shareHandler).toBe('function');
    // Every module that names a function names a declared one.
    const declared = new Set(handlers.map((f) => f.key));
    for (const [type, modules] of Object.entries(manifest.modules)) {
      if (type === 'function') continue;
      for (const m of modules) {
        const fnKey = m.function ?? (m as { resolver?: { function?: string } }).resolver?.function;
        if (fnKey) expect(declared.has(fnKey), `${type} ${m.key} → ${fnKey}`).toBe(true);
      }
    }
  }, 60_000);

  it('points every resource at a file or folder that exists, and icons at files inside them', () => {
    for (const resource of manifest.resources) {
      expect(existsSync(join(ROOT, resource.path)), resource.path).toBe(true);
      if (resource.path.endsWith('.tsx')) expect(statSync(join(ROOT, resource.path)).isFile()).toBe(true);
    }
    const resourceKeys = new Map(manifest.resources.map((r) => [r.key, r.path]));
    for (const modules of Object.values(manifest.modules)) {
      for (const m of modules) {
        if (m.resource) expect(resourceKeys.has(m.resource), m.resource).toBe(true);
        if (m.icon) {
          const match = /^resource:([^;]+);(.+)$/.exec(m.icon);
          expect(match, m.icon).not.toBeNull();
          const base = resourceKeys.get(match![1]!);
          expect(base).toBeDefined();
          expect(existsSync(join(ROOT, base!, match![2]!)), m.icon).toBe(true);
        }
      }
    }
  });

  it('serves the share endpoint from a v2 dynamic web trigger and runs on Node 22', () => {
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
    expect(manifest.modules.webtrigger).toEqual([
      { key: 'share-endpoint', function: 'share-handler', urlFormat: 'v2', response: { type: 'dynamic' } },
    ]);
  });

  it('asks for egress to the mail providers only, and no classic or wildcard-all permissions', () => {
    const backend = manifest.permissions.external.fetch.backend.map((entry) => entry.address);
    for (const host of ['api.sendgrid.com', 'api.mailgun.net', 'api.eu.mailgun.net', 'api.postmarkapp.com', 'api.resend.com', 'email.eu-west-1.amazonaws.com',
      // Mail from the organisation's own mailbox: Microsoft Graph (token, sendMail) and the Gmail API (token, send).
      'login.microsoftonline.com', 'graph.microsoft.com', 'oauth2.googleapis.com', 'gmail.googleapis.com']) {
      expect(backend).toContain(`https://${host}`);
    }
    expect(backend.every((entry) => /^https:\/\/[a-z0-9.-]+$/.test(entry))).toBe(true);
    // Mail carries recipient addresses: every entry is declared as end-user data egress.
    expect(manifest.permissions.external.fetch.backend.every((entry) => entry.inScopeEUD === true)).toBe(true);
    expect(manifest.permissions.external.configurable).toEqual({ enabled: true });
    const scopes = manifest.permissions.scopes;
    expect(new Set(scopes).size).toBe(scopes.length);
    expect(scopes.filter((s) => /confluence-content|confluence-user|manage:/.test(s))).toEqual([]);
  });
});
