/**
 * Every Confluence REST operation the app calls, by its path template in Atlassian's OpenAPI specs
 * (spec/confluence-openapi/). The scope test derives the manifest's Confluence scopes from this table and the
 * page events, both ways; the adapter contract test requires every request the adapter sends to match a row.
 */
export interface ConfluenceOperation {
  api: 'v1' | 'v2';
  method: 'get' | 'post';
  /** Path template exactly as in the spec's `paths` (v2 relative to /wiki/api/v2, v1 absolute). */
  path: string;
  why: string;
}

export const CONFLUENCE_OPERATIONS: readonly ConfluenceOperation[] = [
  { api: 'v2', method: 'get', path: '/pages/{id}', why: 'the shared page: body, labels, status, version' },
  { api: 'v2', method: 'get', path: '/pages', why: 'page statuses in bulk for page events and the sweep (no bodies)' },
  { api: 'v2', method: 'get', path: '/pages/{id}/labels', why: 'labels of a page with more than the included ones' },
  { api: 'v2', method: 'get', path: '/pages/{id}/descendants', why: 'the page tree a link may share' },
  { api: 'v2', method: 'get', path: '/folders/{id}/descendants', why: 'pages below folders deeper than one descendants call reaches' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/content/{id}/descendant/{type}', why: 'every comment of a page (type=comment, depth=all: replies at every level, authors) in one request' },
  { api: 'v2', method: 'get', path: '/pages/{id}/footer-comments', why: 'root footer comments (fallback when the v1 listing is not served)' },
  { api: 'v2', method: 'get', path: '/footer-comments/{id}/children', why: 'replies, so comments keep their threads' },
  { api: 'v2', method: 'get', path: '/pages/{id}/inline-comments', why: 'inline comments shown to recipients' },
  { api: 'v2', method: 'get', path: '/inline-comments/{id}/children', why: 'replies to inline comments, so they keep their threads' },
  { api: 'v2', method: 'post', path: '/footer-comments', why: 'comments added by recipients (view_add)' },
  { api: 'v2', method: 'get', path: '/pages/{id}/attachments', why: 'the attachment list shown to recipients' },
  { api: 'v2', method: 'get', path: '/attachments/{id}', why: 'attachment metadata: its page, size and type' },
  { api: 'v2', method: 'get', path: '/spaces', why: 'a space by key' },
  { api: 'v2', method: 'get', path: '/spaces/{id}', why: 'a space by id' },
  { api: 'v2', method: 'get', path: '/spaces/{id}/pages', why: "a space's root pages (depth=root), the top of a whole-space share" },
  { api: 'v2', method: 'get', path: '/pages/{id}/operations', why: 'can the calling user edit the page?' },
  { api: 'v2', method: 'get', path: '/spaces/{id}/operations', why: 'is the calling user a space admin?' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/content/{id}/restriction/byOperation/{operationKey}', why: 'direct view restrictions of pages in a shared tree' },
  { api: 'v1', method: 'post', path: '/wiki/rest/api/content/{id}/permission/check', why: "a share never exceeds its creator: the creator's read right" },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/content/{id}/child/attachment/{attachmentId}/download', why: 'attachment bytes (302 to the media service)' },
  { api: 'v1', method: 'post', path: '/wiki/rest/api/content/{id}/child/attachment', why: 'files added by recipients (view_add)' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/user', why: 'the link creator and comment authors by name' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/user/bulk', why: 'comment authors and mentions by name, 100 per call' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/user/email', why: "the creator's email for notifications, whatever their profile visibility" },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/user/current', why: 'is the calling user a Confluence admin?' },
  { api: 'v1', method: 'get', path: '/wiki/rest/api/search', why: 'CQL: pages of a tree with a label filter in one paginated call' },
  { api: 'v2', method: 'get', path: '/classification-levels', why: "the site's data classification levels, for the admin's classification rule" },
  { api: 'v2', method: 'get', path: '/pages/{id}/classification-level', why: "a page's classification level, checked at create and at every view under the rule" },
];
