/**
 * Forge review rubric CST-14 / CST-04: every production dependency is used by code that runs on Forge or in
 * the UI Kit frontend (src/, outside the local host in src/dev/), and what only the local host or the tests
 * use stays in devDependencies, out of what the Forge CLI installs and bundles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });

/** Package names a file imports (static, dynamic and type-only imports, re-exports, require). */
const importsOf = (text: string): Set<string> => {
  const names = new Set<string>();
  for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'".][^'"]*)['"]/g)) {
    const spec = match[1]!;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return names;
};

const usedBy = (paths: string[]): Set<string> => new Set(paths.flatMap((path) => [...importsOf(readFileSync(path, 'utf8'))]));
const all = files(join(ROOT, 'src'));
const isDev = (path: string) => relative(ROOT, path).split('\\').join('/').startsWith('src/dev/');
const shipped = usedBy(all.filter((path) => !isDev(path)));
const localOnly = usedBy(all.filter(isDev));

describe('dependencies', () => {
  it('every production dependency is imported by shipped code (src/ outside src/dev/)', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => !shipped.has(name))).toEqual([]);
  });

  it('packages only the local host imports are devDependencies (react-dom among them)', () => {
    const localHostOnly = [...localOnly].filter((name) => !shipped.has(name) && !name.startsWith('node:') && (name in pkg.dependencies || name in pkg.devDependencies));
    expect(localHostOnly.filter((name) => name in pkg.dependencies)).toEqual([]);
    expect(pkg.devDependencies['react-dom']).toBeDefined();
    expect(pkg.dependencies['react-dom']).toBeUndefined();
  });
});
