import { SERVICE_ENDPOINTS } from '../../../src/endpoints/index';
import { createRouteTable } from '../../../src/http/route-table';

const table = createRouteTable(SERVICE_ENDPOINTS);
const name = (url: string) => table.match(url)?.endpoint.name;

describe('route table', () => {
  it('ignores letter case and one trailing slash, and matches absolute-form targets by path', () => {
    expect(name('/Autodiscover/AUTODISCOVER.xml/?x=1')).toBe('autodiscover-pox');
    expect(name('http://evil.example/mail/config-v1.1.xml?emailaddress=a')).toBe('autoconfig');
    expect(name('/settings/')).toBe('settings-page');
    expect(table.match('/a/b?c=d')).toBeUndefined();
  });

  it('normalises nothing else', () => {
    for (const url of [
      '//',
      '/settings//',
      '/mail//config-v1.1.xml',
      '/mail/config%2Dv1.1.xml',
      '/./settings',
      '*',
    ])
      expect(name(url)).toBeUndefined();
  });

  it('gives prefix endpoints the rest of the path in its original case and encoding', () => {
    const match = table.match('/AutoDiscover/autodiscover.json/v1.0/Alice%40Example.com?Protocol=x');
    expect(match?.endpoint.name).toBe('autodiscover-json-v1');
    expect(match?.rest).toBe('Alice%40Example.com');
    expect(match?.query).toBe('Protocol=x');
  });

  it('refuses an endpoint list with a path twice or not in lower case', () => {
    const [first] = SERVICE_ENDPOINTS;
    if (!first) throw new Error('no endpoints');
    expect(() => createRouteTable([first, { ...first, name: 'again' }])).toThrow(/is taken/);
    expect(() => createRouteTable([{ ...first, paths: ['/Upper'] }])).toThrow(/not lower-case/);
  });
});
