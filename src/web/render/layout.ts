import type { SiteSettings } from '../../core/model';
import { html, type SafeHtml } from './escape';
import { APP_CSS } from './styles';

export type Branding = SiteSettings['customization'];

export interface LayoutInput {
  /** Document title; gate and error pages pass a generic one so unfurl bots learn nothing (T2). */
  title: string;
  /** Null on the generic 404 page, which must not depend on any stored setting. */
  branding: Branding | null;
  main: SafeHtml;
  nav?: SafeHtml;
}

/** Logos and favicons may only be data: images (CSP img-src 'self' data:); anything else is not rendered. */
const isInlineImage = (url: string | null): url is string =>
  url !== null && /^data:image\/(png|jpeg|gif|webp|x-icon|vnd\.microsoft\.icon);base64,[A-Za-z0-9+/=]+$/.test(url);

export const renderLayout = ({ title, branding, main, nav }: LayoutInput): string => {
  const favicon = branding && isInlineImage(branding.faviconUrl) ? branding.faviconUrl : null;
  const logo = branding && isInlineImage(branding.logoUrl) ? branding.logoUrl : null;
  const showHeading = branding ? branding.showHeading : false;
  const header =
    branding && (showHeading || logo)
      ? html`<header class="site-header">${logo ? html`<img src="${logo}" alt="">` : ''}${
          showHeading && branding.heading.trim() !== '' ? html`<span class="brand">${branding.heading}</span>` : ''
        }</header>`
      : '';
  const footer =
    branding && branding.showFooter
      ? html`<footer class="site-footer">${
          branding.footerText.trim() !== '' ? branding.footerText : 'Shared securely from Confluence'
        }</footer>`
      : '';
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow, noarchive, nosnippet, noimageindex">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
${favicon ? html`<link rel="icon" href="${favicon}">` : ''}
<style>${{ __html: APP_CSS }}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header}
<div class="shell${nav ? '' : ' single'}">
${nav ?? ''}
<main id="main">
${main}
</main>
</div>
${footer}
</body>
</html>
`;
  return page.__html;
};
