/**
 * Re-parses HTML with parse5 (the WHATWG spec parser, as a browser would) and lists every construct
 * that could run script or carry attack surface. Used by the sanitizer catalogue (E) and the handler
 * tests on real responses.
 */
import { parse, parseFragment } from 'parse5';

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: P5Node[];
  content?: P5Node;
  namespaceURI?: string;
}

const EXECUTABLE_TAGS = new Set(['script', 'iframe', 'frame', 'object', 'embed', 'base', 'meta', 'link', 'applet', 'portal']);
const SURFACE_TAGS = new Set([
  'form', 'input', 'button', 'select', 'textarea', 'option', 'svg', 'math', 'style', 'template', 'details', 'video',
  'audio', 'source', 'marquee', 'keygen', 'frameset', 'noscript', 'xmp', 'plaintext', 'title', 'body', 'head', 'html',
]);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background', 'poster', 'srcset', 'lowsrc', 'dynsrc', 'ping', 'cite']);

const schemeOf = (value: string): string => {
  // Browsers strip leading C0 controls/space and ASCII tab/newline anywhere before resolving a URL.
  const cleaned = value.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '');
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned);
  return match?.[1]?.toLowerCase() ?? '';
};

export interface HtmlFindings {
  executable: string[];
  surface: string[];
  externalUrls: string[];
}

export const inspectHtml = (html: string, options: { fragment?: boolean; ownOrigin?: string } = {}): HtmlFindings => {
  const root = (options.fragment === false ? parse(html) : parseFragment(html)) as unknown as P5Node;
  const findings: HtmlFindings = { executable: [], surface: [], externalUrls: [] };
  const visit = (node: P5Node): void => {
    const tag = node.tagName?.toLowerCase();
    if (tag) {
      const attrOf = (name: string) => node.attrs?.find((a) => a.name === name)?.value;
      // A full document legitimately has <meta charset|name|viewport> and data:/own-origin <link>s.
      const benignInDocument =
        options.fragment === false &&
        ((tag === 'meta' && attrOf('http-equiv') === undefined) ||
          (tag === 'link' && /^(data:|\/(?!\/))/.test(attrOf('href') ?? '') && !/import|prerender/i.test(attrOf('rel') ?? '')));
      if (EXECUTABLE_TAGS.has(tag) && !benignInDocument) findings.executable.push(`<${tag}>`);
      if (SURFACE_TAGS.has(tag) && options.fragment !== false) findings.surface.push(`<${tag}>`);
      for (const attr of node.attrs ?? []) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) findings.executable.push(`<${tag} ${name}>`);
        if (name === 'srcdoc') findings.executable.push(`<${tag} srcdoc>`);
        if (name === 'style' && /expression|url\s*\(|behavior|binding|position|z-index/i.test(attr.value)) {
          findings.surface.push(`<${tag} style="${attr.value}">`);
        }
        if (URL_ATTRS.has(name)) {
          const scheme = schemeOf(attr.value);
          if (['javascript', 'vbscript', 'livescript'].includes(scheme)) findings.executable.push(`<${tag} ${name}=${scheme}:>`);
          if (scheme === 'data' && !(tag === 'img' && /^data:image\/(png|jpeg|gif|webp);/i.test(attr.value.trim()))) {
            findings.executable.push(`<${tag} ${name}=data:>`);
          }
          const value = attr.value.trim();
          const external =
            value.startsWith('//') ||
            ((scheme === 'http' || scheme === 'https') && !(options.ownOrigin && value.startsWith(options.ownOrigin)));
          if (external && !(tag === 'a' && name === 'href')) findings.externalUrls.push(`<${tag} ${name}=${value}>`);
          if (tag === 'a' && name === 'href' && value.startsWith('//')) findings.externalUrls.push(`<a href=${value}>`);
        }
      }
    }
    for (const child of node.childNodes ?? []) visit(child);
    if (node.content) visit(node.content);
  };
  visit(root);
  return findings;
};
