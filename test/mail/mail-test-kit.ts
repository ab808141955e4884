import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMAIL_API_KEY_SECRET, type FetchLike } from '../../src/adapters/mail';
import type { SecretStore } from '../../src/app/ports';

/** One request as a mail provider stand-in received it. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface MailTestServer {
  base: string;
  close(): Promise<void>;
}

/** A local HTTP server playing mail providers: `handle` sees each whole request and says what to answer (JSON). */
export const startMailTestServer = async (handle: (request: Received) => { status: number; body: string }): Promise<MailTestServer> => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = handle({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** A secret store holding only the email API key (or nothing). */
export const secretsWith = (value: string | undefined): SecretStore => {
  const map = new Map<string, string>();
  if (value !== undefined) map.set(EMAIL_API_KEY_SECRET, value);
  return {
    get: async (name) => map.get(name),
    set: async (name, v) => void map.set(name, v),
    delete: async (name) => void map.delete(name),
    createIfAbsent: async (name, v) => {
      if (map.has(name)) return false;
      map.set(name, v);
      return true;
    },
  };
};

export const fetchFn: FetchLike = (url, init) => fetch(url, init);
