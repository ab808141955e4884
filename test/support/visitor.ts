/**
 * A scripted anonymous visitor for the share view and security tests: real HTTP against the local
 * server, a small cookie jar, no automatic redirects, and helpers to read forms, links and images
 * out of the returned HTML.
 */
import { parse } from 'parse5';

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: P5Node[];
  value?: string;
}

export interface VisitorResponse {
  status: number;
  headers: Headers;
  setCookies: string[];
  text: string;
  bytes: Uint8Array;
  location: string | null;
  /** The absolute URL that was requested (redirect locations resolve against it). */
  url: string;
}

export interface HtmlForm {
  action: string;
  method: string;
  /** Hidden inputs with their values. */
  fields: Record<string, string>;
  /** Names of every input, textarea and button (including non-hidden). */
  inputs: string[];
}

const walk = (node: P5Node, visit: (n: P5Node) => void): void => {
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
};

const attr = (node: P5Node, name: string): string | undefined => node.attrs?.find((a) => a.name === name)?.value;

/** Every <form> of a document with its hidden fields. */
export const formsOf = (html: string): HtmlForm[] => {
  const forms: HtmlForm[] = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName !== 'form') return;
    const form: HtmlForm = { action: attr(node, 'action') ?? '', method: (attr(node, 'method') ?? 'get').toLowerCase(), fields: {}, inputs: [] };
    walk(node, (inner) => {
      if (inner.tagName !== 'input' && inner.tagName !== 'textarea' && inner.tagName !== 'button') return;
      const name = attr(inner, 'name');
      if (!name) return;
      form.inputs.push(name);
      if (inner.tagName === 'input' && attr(inner, 'type') === 'hidden') form.fields[name] = attr(inner, 'value') ?? '';
    });
    forms.push(form);
  });
  return forms;
};

/** The form that has an input named `input`; throws (showing the page) when there is none. */
export const formWith = (html: string, input: string): HtmlForm => {
  const form = formsOf(html).find((f) => f.inputs.includes(input));
  if (!form) throw new Error(`no form with input ${input} in:\n${html.slice(0, 2000)}`);
  return form;
};

/** The form whose action ends with `actionSuffix`; throws when there is none. */
export const formByAction = (html: string, actionSuffix: string): HtmlForm => {
  const form = formsOf(html).find((f) => f.action.endsWith(actionSuffix));
  if (!form) throw new Error(`no form posting to ${actionSuffix}`);
  return form;
};

/** Every <a> element: its href, rel, target and text. */
export const linksOf = (html: string): Array<{ href: string; rel: string; target: string | undefined; text: string }> => {
  const links: Array<{ href: string; rel: string; target: string | undefined; text: string }> = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName !== 'a') return;
    let text = '';
    walk(node, (n) => {
      if (n.nodeName === '#text') text += n.value ?? '';
    });
    links.push({ href: attr(node, 'href') ?? '', rel: attr(node, 'rel') ?? '', target: attr(node, 'target'), text: text.trim() });
  });
  return links;
};

/** The src of every <img>. */
export const imagesOf = (html: string): string[] => {
  const images: string[] = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName === 'img') images.push(attr(node, 'src') ?? '');
  });
  return images;
};

/** Text content of <title>. */
export const titleOf = (html: string): string => {
  let title = '';
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName === 'title') walk(node, (n) => (title += n.nodeName === '#text' ? (n.value ?? '') : ''));
  });
  return title;
};

/** RFC 6265 path-match: the cookie's path is the request path or a "directory" prefix of it. */
const pathMatches = (cookiePath: string, requestPath: string): boolean =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/'));

export class Visitor {
  readonly jar = new Map<string, string>();
  /** The Path each cookie was set with (absent: '/'); a cookie goes only to requests below its path. */
  readonly cookiePaths = new Map<string, string>();

  /** `defaultHeaders` go with every request (a request's own headers win), e.g. a client IP header. */
  constructor(
    readonly base: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  /** The Cookie header a browser would send to `url`: cookies whose path matches, longest paths first. */
  cookieHeaderFor(url: string): string | undefined {
    const requestPath = new URL(this.url(url)).pathname;
    const matching = [...this.jar]
      .map(([name, value]) => ({ name, value, path: this.cookiePaths.get(name) ?? '/' }))
      .filter((cookie) => pathMatches(cookie.path, requestPath))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length === 0 ? undefined : matching.map(({ name, value }) => `${name}=${value}`).join('; ');
  }

  private absorb(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const lowered = attrs.map((a) => a.trim().toLowerCase());
      const maxAge = lowered.find((a) => a.startsWith('max-age='));
      const path = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5);
      const expired = maxAge !== undefined && Number(maxAge.slice(8)) <= 0;
      if (expired || value === '') {
        this.jar.delete(name);
        this.cookiePaths.delete(name);
      } else {
        this.jar.set(name, value);
        this.cookiePaths.set(name, path?.startsWith('/') ? path : '/');
      }
    }
  }

  url(path: string): string {
    return path.startsWith('http') ? path : `${this.base}${path}`;
  }

  /** One request; the jar's cookies go along unless the request sets its own cookie header or `noCookies`. */
  async request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Uint8Array | FormData; noCookies?: boolean } = {},
  ): Promise<VisitorResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...(init.headers ?? {}) };
    const url = this.url(path);
    const cookie = this.cookieHeaderFor(url);
    if (cookie && headers['cookie'] === undefined && !init.noCookies) headers['cookie'] = cookie;
    const response = await fetch(url, { method, headers, body: init.body as BodyInit | undefined, redirect: 'manual' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const setCookies = response.headers.getSetCookie();
    this.absorb(setCookies);
    return {
      status: response.status,
      headers: response.headers,
      setCookies,
      bytes,
      text: new TextDecoder().decode(bytes),
      location: response.headers.get('location'),
      url,
    };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<VisitorResponse> {
    return this.request('GET', path, { headers });
  }

  /** A same-origin form post, as a browser would send it. */
  postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<VisitorResponse> {
    return this.request('POST', path, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(this.base).origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Fills the form that has `input` on the page `html` and submits it. */
  submit(html: string, input: string, values: Record<string, string>, headers: Record<string, string> = {}): Promise<VisitorResponse> {
    const form = formWith(html, input);
    return this.postForm(form.action, { ...form.fields, ...values }, headers);
  }

  /** Follows same-origin redirects (at most 5) from a response, or from a GET of `start` when it is a path. */
  async follow(start: VisitorResponse | string): Promise<VisitorResponse> {
    let current = typeof start === 'string' ? await this.get(start) : start;
    for (let i = 0; i < 5 && current.location && current.status >= 300 && current.status < 400; i += 1) {
      current = await this.get(new URL(current.location, current.url).href);
    }
    return current;
  }
}
