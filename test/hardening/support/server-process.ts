/**
 * The real local server in its own process, for tests that must see whether the PROCESS survives a
 * request (an unhandled stream error kills it; inside vitest it would only be reported). The child runs
 * this file with tsx; the parent side is `spawnServerProcess()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the child wrote to stderr so far (a crash leaves its stack here). */
  stderr: () => string;
  /** True while the child process has not exited. */
  alive: () => boolean;
  stop: () => Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(SELF, '../../../..');

/** Starts `startLocalServer` in a child process (ephemeral port, temporary data, no demo links). */
export const spawnServerProcess = async (env: Record<string, string> = {}): Promise<ServerProcess> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'secure-share-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', SELF], {
    cwd: ROOT,
    env: { ...process.env, SECURE_SHARE_CHILD_DATA: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`server process did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /LISTENING (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exit.then(() => reject(new Error(`server process exited: ${stderr}`)));
  });
  return {
    url,
    child,
    stderr: () => stderr,
    alive: () => !exited,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        await exit;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

const runChild = async (): Promise<void> => {
  const { startLocalServer } = await import('../../../src/dev/server');
  const server = await startLocalServer({
    port: 0,
    dataDir: process.env['SECURE_SHARE_CHILD_DATA'] as string,
    seedDemo: false,
    bcryptRounds: 4,
    ...(process.env['BODY_TIMEOUT_MS'] ? { bodyTimeoutMs: Number(process.env['BODY_TIMEOUT_MS']) } : {}),
  });
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
  process.stdout.write(`LISTENING ${server.url}\n`);
};

if (process.env['SECURE_SHARE_CHILD_DATA'] && process.argv[1] === SELF) void runChild();
