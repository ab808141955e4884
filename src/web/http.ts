/**
 * Platform-neutral HTTP shapes. The Forge web trigger adapter and the local node:http server both
 * translate to and from these, so one handler serves both.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

export interface HttpRequest {
  method: string;
  /** Path below the share base, always starting with '/', e.g. '/s/<token>/p/123'. */
  path: string;
  /** Header names lower-cased; values as received (Forge gives arrays). */
  headers: Record<string, string[]>;
  query: Record<string, string[]>;
  /** Raw body. Forge delivers a string; the local server decodes as latin1 to keep bytes. */
  body: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string[]>;
  /** Text body, or raw bytes for downloads. */
  body: string | Uint8Array;
}

/** Case-insensitive single header lookup (first value). */
export const header = (req: HttpRequest, name: string): string | undefined =>
  req.headers[name.toLowerCase()]?.[0];
