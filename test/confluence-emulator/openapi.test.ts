/**
 * The spec validator on its own: requests are matched to Atlassian's operations and checked against
 * their parameters, limits and bodies; response bodies against the response schemas.
 */
import { describe, expect, it } from 'vitest';
import { confluenceSpecs } from '../../src/dev/confluence-emulator/openapi';

const specs = confluenceSpecs();
const check = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
  specs.checkRequest({
    method,
    path,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } } : {}),
  });

describe('request matching and validation', () => {
  it.each([
    ['GET', '/wiki/api/v2/pages/1001?body-format=anonymous_export_view&include-labels=true&status=current&status=archived', 'getPageById'],
    ['GET', '/wiki/api/v2/pages?id=1001&id=1002&status=current&status=trashed&limit=250', 'getPages'],
    ['GET', '/wiki/api/v2/pages/1001/descendants?limit=250&depth=10', 'getPageDescendants'],
    ['GET', '/wiki/api/v2/footer-comments/3001/children?body-format=storage', 'getFooterCommentChildren'],
    ['GET', '/wiki/rest/api/user/email?accountId=u-editor', 'getPrivacyUnsafeUserEmail'],
    ['GET', '/wiki/rest/api/user/bulk?accountId=a,b', 'getBulkUserLookup'],
    ['GET', '/wiki/rest/api/user/current?expand=operations', 'getCurrentUser'],
    ['GET', '/wiki/rest/api/content/1001/child/attachment/att2001/download', 'downloadAttatchment'],
    ['GET', '/wiki/rest/api/search?cql=ancestor%20%3D%201001%20and%20label%20%3D%20%22public%22&limit=100', 'searchByCQL'],
    ['GET', '/wiki/api/v2/spaces/98301/classification-level/default', 'getSpaceDefaultClassificationLevel'],
  ])('%s %s is %s', async (method, path, operationId) => {
    const result = await check(method, path);
    expect(result).toMatchObject({ ok: true, operation: { operationId } });
  });

  it('coerces parameters to the declared types (arrays, integers, booleans)', async () => {
    const result = await check('GET', '/wiki/api/v2/pages?id=1&id=2&limit=5');
    expect(result.ok && result.operation.query).toEqual({ id: [1, 2], limit: 5 });
    const single = await check('GET', '/wiki/api/v2/pages/7?include-labels=true');
    expect(single.ok && single.operation).toMatchObject({ pathParams: { id: '7' }, query: { 'include-labels': true } });
  });

  it.each([
    ['an unknown path', 'GET', '/wiki/api/v2/nothing-here', /no operation has the path/],
    ['the old download path', 'GET', '/wiki/download/attachments/1001/diagram.png', /no operation has the path/],
    ['a method the path does not define', 'DELETE', '/wiki/rest/api/user/email?accountId=x', /DELETE is not defined/],
    ['a non-integer page id', 'GET', '/wiki/api/v2/pages/abc', /id="abc".*must be integer/],
    ['depth above the maximum of 10', 'GET', '/wiki/api/v2/pages/1/descendants?depth=11', /depth=11.*<= 10/],
    ['limit above the maximum of 250', 'GET', '/wiki/api/v2/pages/1/labels?limit=251', /limit=251.*<= 250/],
    ['limit below the minimum', 'GET', '/wiki/api/v2/pages/1/attachments?limit=0', /limit=0.*>= 1/],
    ['a value outside the enum', 'GET', '/wiki/api/v2/pages/1?body-format=html', /body-format.*allowed values/],
    ['a status outside the enum', 'GET', '/wiki/api/v2/pages?status=historical', /status.*allowed values/],
    ['too many ids in a bulk read', 'GET', `/wiki/api/v2/pages?${Array.from({ length: 251 }, (_, i) => `id=${i + 1}`).join('&')}`, /more than 250 items/],
    ['a single-valued parameter repeated', 'GET', '/wiki/rest/api/user/bulk?accountId=a&accountId=b', /given 2 times/],
    ['an undefined query parameter', 'GET', '/wiki/api/v2/pages/1?expand=body', /expand is not defined/],
    ['a missing required parameter', 'GET', '/wiki/rest/api/user', /accountId is required/],
    ['an operationKey outside the enum', 'GET', '/wiki/rest/api/content/1/restriction/byOperation/delete', /operationKey.*allowed values/],
  ])('refuses %s', async (_name, method, path, reason) => {
    const result = await check(method, path);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('validates JSON bodies and refuses a body where none is defined', async () => {
    expect(await check('POST', '/wiki/api/v2/footer-comments', { pageId: '1', body: { representation: 'storage', value: '<p>x</p>' } })).toMatchObject({ ok: true });
    expect(await check('POST', '/wiki/api/v2/footer-comments', { pageId: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/pageId must be string/) });
    expect(await check('POST', '/wiki/api/v2/footer-comments')).toMatchObject({ ok: false, reason: expect.stringMatching(/body is required/) });
    expect(await check('POST', '/wiki/api/v2/footer-comments', '{not json')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    const permission = { subject: { type: 'user', identifier: 'u-1' }, operation: 'read' };
    expect(await check('POST', '/wiki/rest/api/content/1/permission/check', permission)).toMatchObject({ ok: true });
    expect(await check('POST', '/wiki/rest/api/content/1/permission/check', { ...permission, operation: 'view' })).toMatchObject({ ok: false });
    expect(await check('POST', '/wiki/rest/api/content/1/permission/check', { operation: 'read' })).toMatchObject({ ok: false, reason: expect.stringMatching(/subject/) });
    expect(await check('POST', '/wiki/rest/api/content/1/permission/check', permission, 'text/plain')).toMatchObject({ ok: false, reason: expect.stringMatching(/content type/) });
    expect(await check('GET', '/wiki/api/v2/pages/1', { x: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/takes no request body/) });
  });

  it('checks multipart uploads for their declared parts', async () => {
    const form = (parts: Record<string, string>) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(parts)) data.set(name, name === 'file' ? new File([value], 'a.txt') : value);
      return new Response(data);
    };
    const send = async (parts: Record<string, string>) => {
      const response = form(parts);
      return specs.checkRequest({
        method: 'POST',
        path: '/wiki/rest/api/content/1/child/attachment',
        headers: { 'content-type': response.headers.get('content-type') ?? '' },
        body: await response.arrayBuffer(),
      });
    };
    expect(await send({ file: 'x', minorEdit: 'true', comment: 'c' })).toMatchObject({ ok: true });
    expect(await send({ file: 'x' })).toMatchObject({ ok: false, reason: expect.stringMatching(/"minorEdit" is required/) });
    expect(await send({ file: 'x', minorEdit: 'true', extra: '1' })).toMatchObject({ ok: false, reason: expect.stringMatching(/"extra" is not defined/) });
  });
});

describe('response validation', () => {
  it('accepts OpenAPI 3.0 nullable fields and catches missing required ones', async () => {
    const result = await check('GET', '/wiki/rest/api/user?accountId=x');
    if (!result.ok) throw new Error(result.reason);
    expect(specs.checkResponse(result.operation, 200, { type: 'known', accountId: 'x', displayName: null, timeZone: null, email: '' })).toEqual([]);
    expect(specs.checkResponse(result.operation, 200, { accountId: 'x' })).toEqual([expect.stringMatching(/required property 'type'/)]);
  });

  it('checks types deep inside v2 shapes (a numeric id where the spec says string)', async () => {
    const result = await check('GET', '/wiki/api/v2/pages/1');
    if (!result.ok) throw new Error(result.reason);
    expect(specs.checkResponse(result.operation, 200, { id: '1', title: 't', status: 'current' })).toEqual([]);
    expect(specs.checkResponse(result.operation, 200, { id: 1, status: 'gone' }).join(' ')).toMatch(/\/id must be string/);
  });

  it('has no schema to check for statuses the operation documents without a body', async () => {
    const result = await check('GET', '/wiki/api/v2/pages/1');
    if (!result.ok) throw new Error(result.reason);
    expect(specs.checkResponse(result.operation, 404, { anything: true })).toEqual([]);
  });
});
