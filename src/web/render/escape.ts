/** Escapes text for an HTML text node or a double-quoted attribute value. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });

/** A fragment of markup that is already safe (built from escaped parts or sanitized content). */
export interface SafeHtml {
  readonly __html: string;
}

export const trusted = (markup: string): SafeHtml => ({ __html: markup });

type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

const renderValue = (value: Interpolation): string => {
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'number') return String(value);
  // Every interpolated text also loses bidi overrides and control characters (E14), wherever it lands.
  if (typeof value === 'string') return escapeHtml(stripUnsafeCharacters(value));
  if (Array.isArray(value)) return value.map((item: Interpolation) => renderValue(item)).join('');
  return (value as SafeHtml).__html;
};

/** Tagged template: interpolated strings are escaped, SafeHtml fragments and arrays of them are inserted as is. */
export const html = (strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml => {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? '');
  });
  return trusted(out);
};

/** Removes bidi overrides and control characters from text that will be shown or stored (E14, U2). */
export const stripUnsafeCharacters = (value: string): string =>
  // eslint-disable-next-line no-control-regex
  value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, '');
