import { parse } from 'node:querystring';
import type { Snapshot } from '../../../src/catalog/snapshot';
import { autoconfigEndpoint } from '../../../src/endpoints/autoconfig';
import { autodiscoverPoxEndpoint } from '../../../src/endpoints/autodiscover-pox';
import { REPEATED } from '../../../src/endpoints/endpoint';
import { admit, mediaType, parseQuery } from '../../../src/http/admission';
import { exampleSnapshot, FIXED_NOW } from '../../helpers/example';

let snapshot: Snapshot;
beforeAll(async () => {
  snapshot = await exampleSnapshot();
});

const input = (over: Partial<Parameters<typeof admit>[1]> = {}) => ({
  method: 'GET',
  headers: {},
  rest: '',
  query: '',
  secure: false,
  ...over,
});

describe('query parsing', () => {
  it('decodes like the form encoding Express reads, leniently: a malformed escape never throws', () => {
    const text = 'emailaddress=a+b%40example.com&x=%20&bad=%E0%A4%A&flag';
    const { query, repeated } = parseQuery(text);
    expect(repeated).toBe(false);
    expect(Object.fromEntries(query)).toEqual({ ...parse(text) });
    expect(query.get('emailaddress')).toBe('a b@example.com');
  });

  it('treats two spellings of one name as a repeated parameter', () => {
    const { query, repeated } = parseQuery('Email=a%40example.com&email=b%40example.com&Protocol=x');
    expect(repeated).toBe(true);
    expect(query.get('email')).toBe(REPEATED);
    expect(query.get('protocol')).toBe('x');
  });

  it('reads a media type without parameters or case', () => {
    expect(mediaType(' Text/XML ; charset=utf-8')).toBe('text/xml');
    expect(mediaType(undefined)).toBe('');
  });
});

describe('admission', () => {
  const ctx = () => ({ snapshot, now: FIXED_NOW });

  it('refuses other methods with 405 and Allow, and answers OPTIONS with 204', () => {
    const put = admit(autodiscoverPoxEndpoint, input({ method: 'PUT' }), ctx());
    expect(put.kind === 'refused' && [put.answer.status, put.answer.headers.Allow]).toEqual([
      405,
      'GET, HEAD, POST',
    ]);
    const options = admit(autoconfigEndpoint, input({ method: 'OPTIONS' }), ctx());
    expect(options.kind === 'refused' && [options.answer.status, options.answer.headers.Allow]).toEqual([
      204,
      'GET, HEAD',
    ]);
  });

  it('refuses a POX body by media type, declared length and unknown encoding, each in its form', () => {
    const post = (headers: Record<string, string>) =>
      admit(autodiscoverPoxEndpoint, input({ method: 'POST', headers }), ctx());
    const form = post({ 'content-type': 'multipart/form-data; boundary=x' });
    expect(form.kind === 'refused' && form.answer.status).toBe(415);
    const large = post({ 'content-type': 'text/xml', 'content-length': String(16 * 1024 + 1) });
    expect(large.kind === 'refused' && large.answer.status).toBe(413);
    const brotli = post({ 'content-type': 'text/xml', 'content-encoding': 'br' });
    expect(brotli.kind === 'refused' && brotli.answer.body.toString()).toContain(
      '<ErrorCode>600</ErrorCode>',
    );
    expect(post({ 'content-type': 'text/xml', 'content-encoding': 'gzip' }).kind).toBe('read-body');
  });

  it('admits a GET with its query read, and no body', () => {
    const verdict = admit(autoconfigEndpoint, input({ query: 'EmailAddress=alice%40example.com' }), ctx());
    expect(verdict.kind).toBe('admitted');
    if (verdict.kind === 'admitted')
      expect(verdict.request.query.get('emailaddress')).toBe('alice@example.com');
  });
});
