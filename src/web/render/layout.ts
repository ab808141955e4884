import { brandingImage } from '../../core/branding-images';
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

export const renderLayout = ({ title, branding, main, nav }: LayoutInput): string => {
  // data: images, or https images on a public host whose origin the response's CSP admits (responses.ts).
  const favicon = branding ? (brandingImage(branding.faviconUrl)?.src ?? null) : null;
  const logo = branding ? (brandingImage(branding.logoUrl)?.src ?? null) : null;
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
