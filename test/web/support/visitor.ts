/** A scripted browser for the share view tests: cookie jar, no automatic redirects, form reading. */
import { parse } from 'parse5';

interface P5Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: P5Node[];
  value?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  setCookies: string[];
  text: string;
  bytes: Uint8Array;
  location: string | null;
}

export interface HtmlForm {
  action: string;
  fields: Record<string, string>;
  inputs: string[];
}

const walk = (node: P5Node, visit: (n: P5Node) => void): void => {
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
};
const attr = (node: P5Node, name: string): string | undefined => node.attrs?.find((a) => a.name === name)?.value;

export const formsOf = (html: string): HtmlForm[] => {
  const forms: HtmlForm[] = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName !== 'form') return;
    const form: HtmlForm = { action: attr(node, 'action') ?? '', fields: {}, inputs: [] };
    walk(node, (inner) => {
      if (inner.tagName !== 'input' && inner.tagName !== 'textarea') return;
      const name = attr(inner, 'name');
      if (!name) return;
      form.inputs.push(name);
      if (attr(inner, 'type') === 'hidden') form.fields[name] = attr(inner, 'value') ?? '';
    });
    forms.push(form);
  });
  return forms;
};

export const formWith = (html: string, input: string): HtmlForm => {
  const form = formsOf(html).find((f) => f.inputs.includes(input));
  if (!form) throw new Error(`no form with input ${input} in:\n${html.slice(0, 2000)}`);
  return form;
};

export const formByAction = (html: string, actionSuffix: string): HtmlForm => {
  const form = formsOf(html).find((f) => f.action.endsWith(actionSuffix));
  if (!form) throw new Error(`no form posting to ${actionSuffix}`);
  return form;
};

export const linksOf = (html: string): Array<{ href: string; rel: string; text: string }> => {
  const links: Array<{ href: string; rel: string; text: string }> = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName !== 'a') return;
    let text = '';
    walk(node, (n) => {
      if (n.nodeName === '#text') text += n.value ?? '';
    });
    links.push({ href: attr(node, 'href') ?? '', rel: attr(node, 'rel') ?? '', text: text.trim() });
  });
  return links;
};

export const imagesOf = (html: string): string[] => {
  const images: string[] = [];
  walk(parse(html) as unknown as P5Node, (node) => {
    if (node.tagName === 'img') images.push(attr(node, 'src') ?? '');
  });
  return images;
};

export class Visitor {
  readonly jar = new Map<string, string>();
  constructor(readonly base: string, private readonly defaultHeaders: Record<string, string> = {}) {}

  url(path: string): string {
    return path.startsWith('http') ? path : `${this.base}${path}`;
  }

  async request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Uint8Array | FormData; noCookies?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...(init.headers ?? {}) };
    if (this.jar.size > 0 && headers['cookie'] === undefined && !init.noCookies) {
      headers['cookie'] = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const response = await fetch(this.url(path), { method, headers, body: init.body as BodyInit | undefined, redirect: 'manual' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: response.status, headers: response.headers, setCookies, bytes, text: new TextDecoder().decode(bytes), location: response.headers.get('location') };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.base).origin, 'sec-fetch-site': 'same-origin', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** Fills the form that has `input` on the page `html` and submits it. */
  submit(html: string, input: string, values: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    const form = formWith(html, input);
    return this.post(form.action, { ...form.fields, ...values }, headers);
  }

  async follow(reply: Reply): Promise<Reply> {
    let current = reply;
    for (let i = 0; i < 5 && current.location && current.status >= 300 && current.status < 400; i += 1) {
      current = await this.get(current.location);
    }
    return current;
  }
}
