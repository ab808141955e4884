import type { HttpResponse } from '../web/http';

/** The local server's JSON answers (resolver envelopes, dev events): never cached. */
export const jsonResponse = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': ['application/json; charset=utf-8'], 'cache-control': ['no-store'] },
  body: JSON.stringify(body),
});
