/**
 * Setup file (vitest.config.ts): after every test, fails it when a Confluence emulator created in its
 * file received a request outside Atlassian's OpenAPI specs, or answered outside them, since the last
 * check, or called an operation the emulator does not implement. A test that provokes a violation on
 * purpose clears it with `emulator.stats.reset()`.
 */
import { afterEach } from 'vitest';
import { onEmulatorCreated, type ConfluenceEmulator } from '../../src/dev/confluence-emulator/emulator';

const emulators: ConfluenceEmulator[] = [];
const reported = new WeakSet<object>();
onEmulatorCreated((emulator) => emulators.push(emulator));

afterEach(() => {
  const problems: string[] = [];
  for (const { stats } of emulators) {
    for (const v of stats.specViolations) {
      if (reported.has(v)) continue;
      reported.add(v);
      problems.push(`${v.method} ${v.path}: ${v.reason}`);
    }
    for (const v of stats.notEmulated) {
      if (reported.has(v)) continue;
      reported.add(v);
      problems.push(`${v.method} ${v.path}: ${v.operationId} is in the specs but the emulator does not implement it (extend src/dev/confluence-emulator)`);
    }
    for (const v of stats.responseViolations) {
      if (reported.has(v)) continue;
      reported.add(v);
      problems.push(`emulator answer to ${v.operationId} (${v.status}): ${v.errors.join('; ')}`);
    }
  }
  if (problems.length > 0) throw new Error(`Confluence traffic outside Atlassian's OpenAPI specs:\n${problems.slice(0, 10).join('\n')}`);
});
