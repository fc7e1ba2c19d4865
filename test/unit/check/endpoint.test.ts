import { formatEndpoint, nameserverFromResolvConf, parseEndpoint } from '../../../src/check/endpoint';

describe('--resolver / --connect-to values', () => {
  it.each([
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353 }],
    ['127.0.0.1', { host: '127.0.0.1', port: 53 }],
    ['dns.example:53', { host: 'dns.example', port: 53 }],
    ['[::1]:5353', { host: '::1', port: 5353 }],
    ['[::1]', { host: '::1', port: 53 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53 }],
  ])('%s → %j', (text, endpoint) => {
    expect(parseEndpoint(text, 53)).toEqual(endpoint);
  });

  it.each(['', ':53', 'host:0', 'host:65536', 'host:port', 'a b:53', '[::1]:x'])('rejects %j', (text) => {
    expect(parseEndpoint(text, 53)).toBeUndefined();
  });

  it('prints IPv6 endpoints in brackets', () => {
    expect(formatEndpoint({ host: '::1', port: 53 })).toBe('[::1]:53');
    expect(formatEndpoint({ host: '127.0.0.1', port: 53 })).toBe('127.0.0.1:53');
  });
});

describe('resolv.conf', () => {
  it('takes the first usable nameserver, skipping comments and a link-local zone index', () => {
    const text = `# generated
search example.com
nameserver fe80::1%eth0
nameserver 192.0.2.53
`;
    expect(nameserverFromResolvConf(text)).toEqual({ host: 'fe80::1', port: 53 });
    expect(nameserverFromResolvConf('; nothing\nnameserver not-an-ip\nnameserver 192.0.2.53\n')).toEqual({
      host: '192.0.2.53',
      port: 53,
    });
    expect(nameserverFromResolvConf('search example.com\n')).toBeUndefined();
  });
});
