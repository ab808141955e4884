import type { Busboy } from 'busboy';
import { header, type HttpRequest } from './http';
import { MAX_UPLOAD_FILE_BYTES } from '../app/view/upload-rules';

/** Reasons a request body is refused before any use case runs; each maps to a clear 4xx page. */
export type FormProblem = 'unsupported_type' | 'too_large' | 'malformed';

export type FormFields = Record<string, string>;

export interface UploadedFile {
  fileName: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface ParsedForm {
  fields: FormFields;
  file: UploadedFile | null;
}

export type FormResult = { ok: true; form: ParsedForm } | { ok: false; problem: FormProblem };

export const MAX_URLENCODED_BYTES = 16 * 1024;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_FILE_BYTES;
const MAX_FIELD_BYTES = 8 * 1024;
/** Room for the multipart framing and the small fields around the one file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/**
 * busboy works on a body that is already complete in memory, so it finishes within one turn of the
 * event loop or two; this bound only guards against a parser that never reports an end.
 */
export const MULTIPART_PARSE_TIMEOUT_MS = 5_000;

/** The raw body as bytes: the local server decodes as latin1 so every byte survives the string. */
const bodyBytes = (req: HttpRequest): Buffer => Buffer.from(req.body, 'latin1');

const parseUrlEncoded = (req: HttpRequest): FormResult => {
  const bytes = bodyBytes(req);
  if (bytes.length > MAX_URLENCODED_BYTES) return { ok: false, problem: 'too_large' };
  const text = bytes.toString('utf8');
  const fields: FormFields = {};
  try {
    for (const [name, value] of new URLSearchParams(text)) {
      // The first occurrence wins, so a duplicated field cannot override what the form sent.
      if (!(name in fields)) fields[name] = value;
    }
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  return { ok: true, form: { fields, file: null } };
};

/** busboy is only needed for uploads: loaded on the first multipart body, not on every cold start. */
const loadBusboy = async () => (await import('busboy')).default;

const parseMultipart = async (req: HttpRequest, contentType: string): Promise<FormResult> => {
  const bytes = bodyBytes(req);
  if (bytes.length > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD_BYTES) return { ok: false, problem: 'too_large' };
  const busboy = await loadBusboy();
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (result: FormResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve(result);
    };
    let parser: Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        // busboy reports 'limit' when a file REACHES fileSize: one byte more keeps a file of exactly the limit.
        limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 10, parts: 12, fieldSize: MAX_FIELD_BYTES },
        defParamCharset: 'utf8',
      });
    } catch {
      finish({ ok: false, problem: 'malformed' });
      return;
    }
    const fields: FormFields = {};
    let file: UploadedFile | null = null;
    let problem: FormProblem | null = null;
    const fail = (): void => finish({ ok: false, problem: problem ?? 'malformed' });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) problem = 'too_large';
      if (!(name in fields)) fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // A body that ends inside a file part destroys this stream with an error: unhandled, it would
      // kill the process (issue 11, item 1). Every stream busboy hands out gets an error listener.
      stream.on('error', fail);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_UPLOAD_BYTES) problem = 'too_large';
        else chunks.push(chunk);
      });
      stream.on('limit', () => {
        problem = 'too_large';
      });
      stream.on('end', () => {
        if (problem === null && name === 'file' && file === null) {
          file = { fileName: info.filename ?? '', mimeType: info.mimeType, bytes: new Uint8Array(Buffer.concat(chunks, size)) };
        }
      });
    });
    parser.on('filesLimit', () => {
      problem = problem ?? 'malformed';
    });
    parser.on('partsLimit', () => {
      problem = problem ?? 'malformed';
    });
    parser.on('fieldsLimit', () => {
      problem = problem ?? 'malformed';
    });
    parser.on('error', fail);
    parser.on('close', () => finish(problem ? { ok: false, problem } : { ok: true, form: { fields, file } }));
    timer = setTimeout(fail, MULTIPART_PARSE_TIMEOUT_MS);
    timer.unref?.();
    try {
      parser.end(bytes);
    } catch {
      fail();
    }
  });
};

/** Parses a POST body: urlencoded forms (≤ 16 KB) or multipart with at most one file (≤ 3.5 MB). */
export const parseForm = async (req: HttpRequest): Promise<FormResult> => {
  const contentType = header(req, 'content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/x-www-form-urlencoded') return parseUrlEncoded(req);
  if (mediaType === 'multipart/form-data') {
    try {
      return await parseMultipart(req, contentType);
    } catch {
      return { ok: false, problem: 'malformed' };
    }
  }
  return { ok: false, problem: 'unsupported_type' };
};
