/**
 * `/export/<exportId>?part=N&exp=<epoch s>&sig=…`: the download of an audit log or links export (src/app/audit-export.ts).
 * The signed URL is the capability (no Atlassian user reaches the web trigger): it names one part of one
 * export and works for 15 minutes. A changed or unknown URL is a 403, an expired one or an export past
 * its 24 hours a 410, each a branded page in plain words. The CSV goes out as text (`text/csv`), one part
 * per response, each part small enough for the web trigger's 5 MB response limit.
 */
import { AUDIT_EXPORT_PATH_PREFIX, checkAuditExportLink, readAuditExportPart } from '../app/audit-export';
import type { AppDeps } from '../app/deps';
import { defaultSiteSettings } from '../core/defaults';
import type { HttpRequest, HttpResponse } from './http';
import { renderMessagePage } from './render/pages';
import { contentDisposition, htmlResponse, SECURITY_HEADERS } from './responses';

const PATH = /^\/export\/([A-Za-z0-9_-]{22})\/?$/;

/** Whether `path` is an export download (format only; no storage call). */
export const isAuditExportPath = (path: string): boolean => path.startsWith(AUDIT_EXPORT_PATH_PREFIX) && PATH.test(path);

/** Audit log and links exports share this route: the admin finds either under Recent exports where they started it. */
const WHERE = 'Open Secure Share in Confluence settings (Audit log or All links, under Recent exports)';

/** Answers export downloads; null for any path that is not one (the caller answers its 404). */
export const handleAuditExportDownload = async (deps: AppDeps, req: HttpRequest): Promise<HttpResponse | null> => {
  const match = PATH.exec(req.path);
  if (!match) return null;
  const exportId = match[1] as string;
  const site = (await deps.store.configs.getSite()) ?? defaultSiteSettings(deps.clock.now());
  const branding = site.customization;
  const page = (status: number, title: string, message: string): HttpResponse =>
    htmlResponse(status, renderMessagePage({ title, message, branding }), [], branding);

  if (req.method.toUpperCase() !== 'GET') {
    const refused = page(405, 'Not allowed', 'This address does not accept that kind of request.');
    return { ...refused, headers: { ...refused.headers, Allow: ['GET'] } };
  }
  const check = await checkAuditExportLink(deps, {
    exportId,
    part: req.query['part']?.[0],
    exp: req.query['exp']?.[0],
    sig: req.query['sig']?.[0],
  });
  if (!check.ok) {
    return check.reason === 'expired'
      ? page(410, 'Download link expired', `Download links work for 15 minutes. ${WHERE}, to get a new link for this export.`)
      : page(403, 'Download link not valid', `This download link is not valid. ${WHERE}, to get a working link.`);
  }
  const part = await readAuditExportPart(deps, exportId, check.part);
  if (!part.ok) {
    return part.reason === 'gone'
      ? page(410, 'Export no longer available', `Exports are kept for 24 hours. ${WHERE}, to start a new export.`)
      : page(409, 'Export not ready', `This export is still being prepared. ${WHERE}, to follow its progress.`);
  }
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers[name] = [value];
  headers['Content-Type'] = ['text/csv; charset=utf-8'];
  headers['Content-Disposition'] = [contentDisposition('attachment', part.filename)];
  headers['Cache-Control'] = ['no-store'];
  headers['X-Content-Type-Options'] = ['nosniff'];
  return { status: 200, headers, body: part.csv };
};
