/**
 * Logo and favicon sources of the share view: base64 raster data URLs, or https URLs on a public host
 * name. The same rules decide what an admin may save and what the view renders, and the origin of an
 * https image is what the view's CSP img-src admits, so a host name must be plain DNS (no ';', ',',
 * quotes or '*' that would change the header's meaning).
 */

/** PNG, JPEG, GIF, WebP or ICO as base64. SVG is refused: it can carry script. */
export const INLINE_IMAGE_URL = /^data:image\/(png|jpeg|gif|webp|x-icon|vnd\.microsoft\.icon);base64,[A-Za-z0-9+/]+=*$/;

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Why `value` is not an acceptable https image URL (sentence ending after "must"/"must not"), or null. */
export const remoteImageUrlProblem = (value: string): string | null => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a full URL starting with https://';
  }
  if (url.protocol !== 'https:') return 'must use https://';
  if (url.username || url.password) return 'must not contain a user name or password';
  const host = url.hostname;
  if (host.startsWith('[') || /^[0-9.]+$/.test(host)) return 'must use a host name, not an IP address';
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return 'must be on a public host name';
  if (!DNS_NAME.test(host) || /^[0-9]+$/.test(host.slice(host.lastIndexOf('.') + 1))) return 'must be on a public host name';
  return null;
};

export type BrandingImage = { kind: 'inline'; src: string } | { kind: 'remote'; src: string; origin: string };

/** How the view shows a stored logo/favicon, or null when it is not shown (nothing stored, or not acceptable). */
export const brandingImage = (value: string | null): BrandingImage | null => {
  if (value === null) return null;
  if (INLINE_IMAGE_URL.test(value)) return { kind: 'inline', src: value };
  if (remoteImageUrlProblem(value) !== null) return null;
  const url = new URL(value);
  return { kind: 'remote', src: url.toString(), origin: url.origin };
};

/** Origins the view's img-src must admit for these branding images, deduplicated, in a stable order. */
export const brandingImageOrigins = (images: { logoUrl: string | null; faviconUrl: string | null } | null): string[] => {
  if (!images) return [];
  const origins = [images.logoUrl, images.faviconUrl]
    .map(brandingImage)
    .flatMap((image) => (image?.kind === 'remote' ? [image.origin] : []));
  return [...new Set(origins)].sort();
};
