/**
 * What a visitor may upload through a share link (T22): an allowlist of extensions whose leading bytes
 * must match the type (the browser's Content-Type is ignored), ≤ 3.5 MB, never empty, with a safe name.
 * HTML, SVG, scripts, executables and archives are refused.
 */
// Forge caps a web trigger request at 5 MB; multipart framing and a possible text re-encoding need headroom.
export const MAX_UPLOAD_FILE_BYTES = 3.5 * 1024 * 1024;
export const MAX_FILE_NAME_LENGTH = 200;

interface FileKind {
  mediaType: string;
  matches: (bytes: Uint8Array) => boolean;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  signature.every((value, i) => bytes[offset + i] === value);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

const isZip = (b: Uint8Array): boolean => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);

/** Plain text: valid UTF-8, no NUL, and nothing a browser could take for markup at the start. */
const isPlainText = (b: Uint8Array): boolean => {
  if (b.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  return !/^\s*</.test(text.replace(/^\uFEFF/, ''));
};

const KINDS: Record<string, FileKind> = {
  pdf: { mediaType: 'application/pdf', matches: (b) => startsWith(b, ascii('%PDF-')) },
  png: { mediaType: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  jpg: { mediaType: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  jpeg: { mediaType: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  gif: { mediaType: 'image/gif', matches: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  webp: { mediaType: 'image/webp', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  txt: { mediaType: 'text/plain', matches: isPlainText },
  csv: { mediaType: 'text/csv', matches: isPlainText },
  md: { mediaType: 'text/markdown', matches: isPlainText },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', matches: isZip },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', matches: isZip },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', matches: isZip },
};

export const ALLOWED_UPLOAD_EXTENSIONS = Object.keys(KINDS);

const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** NFC, no path separators, control or bidi characters, ≤ 200 characters; null when nothing usable is left. */
export const safeFileName = (raw: string): string | null => {
  const cleaned = raw
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, '')
    .split(/[/\\]/)
    .pop()
    ?.replace(/["<>:|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if (!cleaned || RESERVED_NAMES.test(cleaned)) return null;
  if (cleaned.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, MAX_FILE_NAME_LENGTH - ext.length) + ext;
};

export type UploadCheck =
  | { ok: true; fileName: string; mediaType: string }
  | { ok: false; status: 400 | 413 | 415; message: string };

export const checkUpload = (fileName: string, bytes: Uint8Array): UploadCheck => {
  if (bytes.byteLength === 0) return { ok: false, status: 400, message: 'The file is empty.' };
  if (bytes.byteLength > MAX_UPLOAD_FILE_BYTES) {
    return { ok: false, status: 413, message: 'The file is too large: at most 3.5 MB.' };
  }
  const name = safeFileName(fileName);
  if (name === null) return { ok: false, status: 400, message: 'The file name is not usable. Rename the file and try again.' };
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const kind = KINDS[extension];
  if (!kind) {
    return {
      ok: false,
      status: 415,
      message: `This type of file cannot be uploaded. Allowed: ${ALLOWED_UPLOAD_EXTENSIONS.map((e) => `.${e}`).join(', ')}.`,
    };
  }
  if (!kind.matches(bytes)) {
    return { ok: false, status: 415, message: `The file content does not match its .${extension} extension.` };
  }
  return { ok: true, fileName: name, mediaType: kind.mediaType };
};
