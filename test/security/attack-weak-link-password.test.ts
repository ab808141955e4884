/**
 * Issue 11, item 7: "An all-space 8-character password makes a link nobody can open", and passwords
 * need real strength. A link password must be more than whitespace, at least 8 characters once trimmed,
 * not easy to guess (zxcvbn-ts, score ≥ 2), and still at most 72 UTF-8 bytes (bcrypt's limit). The
 * estimator's dictionaries are loaded lazily in the resolver path only: the share view's bundle must
 * not carry them.
 */
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/local-server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

const createWithPassword = (password: string) => server.invoke('createLink', { pageId: '1002', settings: {}, password }, 'u-editor');

describe('attack: a link password that is only spaces, too short once trimmed, or easy to guess', () => {
  it('an all-space password is refused with a clear message, at create and at update', async () => {
    for (const password of [' '.repeat(8), ' '.repeat(20), '\t \u00a0 \u3000    ']) {
      const reply = await createWithPassword(password);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ ok: false, error: { code: 'invalid_input', message: 'The password cannot be only spaces.' } });
    }
    const created = await server.call('createLink', { pageId: '1002', settings: {} }, 'u-editor');
    const update = await server.invoke(
      'updateLink',
      { linkId: created.link.id, version: created.link.version, settings: {}, password: { action: 'set', password: '          ' } },
      'u-editor',
    );
    expect(update.status).toBe(400);
    expect(update.body).toMatchObject({ ok: false, error: { code: 'invalid_input', details: [{ field: 'password', rule: 'password.blank' }] } });
  });

  it('spaces around a short password do not count towards the 8 characters', async () => {
    const reply = await createWithPassword('   xk7q   ');
    expect(reply.body).toMatchObject({ ok: false, error: { code: 'invalid_input', details: [{ rule: 'password.minLength' }] } });
  });

  it('common passwords, keyboard rows, repeats, sequences and dates are refused as too easy to guess', async () => {
    for (const password of ['password1', 'P@ssw0rd', 'qwertyuiop', 'aaaaaaaaaaaa', '12345678', 'abcdefghij', 'iloveyou', '2024-01-01']) {
      const reply = await createWithPassword(password);
      expect(reply.status, password).toBe(400);
      expect(reply.body, password).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', details: [{ field: 'password', rule: 'password.strength' }] },
      });
      if (!reply.body.ok) expect(reply.body.error.message).toMatch(/^This password is too easy to guess\./);
    }
  });

  it('passphrases and random strings are accepted, up to exactly 72 UTF-8 bytes; 73 bytes is refused', async () => {
    for (const password of ['correct horse 42', 'open-sesame-42', 'zN4#kq9!Lw', `${'é'.repeat(28)}correct horse 42`]) {
      const reply = await createWithPassword(password);
      expect(reply.status, password).toBe(200);
    }
    const over = await createWithPassword(`${'é'.repeat(28)}correct horse 42!`);
    expect(over.body).toMatchObject({ ok: false, error: { code: 'invalid_input', details: [{ rule: 'password.maxBytes' }] } });
  });
});

describe('the strength estimator stays out of the share view and off the resolver cold start', () => {
  const bundle = async (entry: string) => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      write: false,
      outdir: '/virtual',
      logLevel: 'silent',
      metafile: true,
    });
    const entryChunk = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === entry);
    return { inputsOfEntry: Object.keys(entryChunk?.[1].inputs ?? {}), allInputs: Object.keys(result.metafile.inputs) };
  };

  it('src/share.ts (the web trigger) does not bundle zxcvbn at all; src/index.ts only in a lazily loaded chunk', async () => {
    const share = await bundle('src/share.ts');
    expect(share.allInputs.some((path) => path.includes('zxcvbn'))).toBe(false);
    const resolvers = await bundle('src/index.ts');
    expect(resolvers.allInputs.some((path) => path.includes('@zxcvbn-ts/language-common'))).toBe(true);
    expect(resolvers.inputsOfEntry.some((path) => path.includes('zxcvbn'))).toBe(false);
  }, 60_000);
});
