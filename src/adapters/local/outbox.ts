/**
 * Local mode email: every message becomes a JSON file under `.secure-share/outbox/` plus an index,
 * and the dev server shows them at /outbox. Nothing leaves the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../../core/errors';
import type { MailMessage, Mailer } from '../../app/ports';
import { assertAddress } from '../mail/http-mail';

export const DEFAULT_OUTBOX_DIR = join('.secure-share', 'outbox');

export interface OutboxEntry {
  id: string;
  at: number;
  to: string[];
  subject: string;
  kind: string;
}

export interface OutboxMessage extends OutboxEntry {
  text: string;
  html: string;
}

export interface OutboxMailer extends Mailer {
  readonly dir: string;
  /** Newest first. */
  list(): Promise<OutboxEntry[]>;
  read(id: string): Promise<OutboxMessage | undefined>;
}

const ID = /^\d{13}-[0-9a-f]{12}$/;
const INDEX = 'index.json';

export const isOutboxId = (id: string): boolean => ID.test(id);

const writeAtomically = async (path: string, data: string): Promise<void> => {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { encoding: 'utf8', mode: 0o600 });
  await rename(tmp, path);
};

const readIndex = async (dir: string): Promise<OutboxEntry[]> => {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, INDEX), 'utf8'));
    return Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
};

/** Reads an outbox without a mailer (used by the dev server page). */
export const listOutbox = async (dir = DEFAULT_OUTBOX_DIR): Promise<OutboxEntry[]> =>
  (await readIndex(dir)).slice().sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));

export const readOutboxMessage = async (dir: string, id: string): Promise<OutboxMessage | undefined> => {
  if (!isOutboxId(id)) return undefined;
  try {
    return JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as OutboxMessage;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

export const createOutboxMailer = (dir = DEFAULT_OUTBOX_DIR, now: () => number = () => Date.now()): OutboxMailer => {
  // Index updates are serialized so concurrent sends in one process never drop an entry.
  let indexWrite: Promise<unknown> = Promise.resolve();
  return {
    dir,
    async send(message: MailMessage) {
      if (message.to.length === 0) throw new DomainError('invalid_input', 'The email has no recipient.');
      for (const to of message.to) assertAddress(to, 'A recipient');
      const at = now();
      const id = `${String(at).padStart(13, '0')}-${randomBytes(6).toString('hex')}`;
      const stored: OutboxMessage = {
        id,
        at,
        to: [...message.to],
        subject: message.subject,
        kind: message.kind,
        text: message.text,
        html: message.html,
      };
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeAtomically(join(dir, `${id}.json`), JSON.stringify(stored, null, 2));
        const next = indexWrite.then(async () => {
          const index = await readIndex(dir);
          index.push({ id, at, to: stored.to, subject: stored.subject, kind: stored.kind });
          await writeAtomically(join(dir, INDEX), JSON.stringify(index));
        });
        indexWrite = next.catch(() => undefined);
        await next;
      } catch (e) {
        if (e instanceof DomainError) throw e;
        throw new DomainError('upstream_unavailable', 'The local outbox could not store the email.');
      }
    },
    list: () => listOutbox(dir),
    read: (id) => readOutboxMessage(dir, id),
  };
};
