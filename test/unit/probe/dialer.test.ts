import { makeDialer, parseConnectTo } from '../../../src/probe/dialer';

describe('parseConnectTo', () => {
  it.each([
    [
      'imap.example.com:993:127.0.0.1:10993',
      { host: 'imap.example.com', port: 993, address: '127.0.0.1', connectPort: 10993 },
    ],
    [
      'IMAP.Example.com.:993:127.0.0.1:1',
      { host: 'imap.example.com', port: 993, address: '127.0.0.1', connectPort: 1 },
    ],
    [':443:[::1]:8443', { host: '', port: 443, address: '::1', connectPort: 8443 }],
    [
      'example.com::127.0.0.1:8080',
      { host: 'example.com', port: 0, address: '127.0.0.1', connectPort: 8080 },
    ],
  ])('%s', (text, expected) => {
    expect(parseConnectTo(text)).toEqual(expected);
  });

  it.each([
    'example.com:443',
    'a:1:localhost:2',
    'a:1:127.0.0.1:0',
    'a:70000:127.0.0.1:1',
    'a b:1:127.0.0.1:2',
  ])('refuses %s (a name as ADDRESS would be resolved behind the user’s back)', (text) => {
    expect(parseConnectTo(text)).toBeUndefined();
  });
});

describe('makeDialer', () => {
  const lookups: string[] = [];
  const dialer = makeDialer({
    lookup: (name, type) => {
      lookups.push(`${name} ${type}`);
      if (name === 'mail.example.com' && type === 'A')
        return Promise.resolve({ status: 'ok', answers: [{ type: 'A', name, ttl: 1, data: '192.0.2.1' }] });
      return Promise.resolve({ status: 'nodata', answers: [] });
    },
    connectTo: [{ host: 'imap.example.com', port: 993, address: '127.0.0.1', connectPort: 4993 }],
  });

  it('uses a mapping without asking DNS, keeping the name for TLS', async () => {
    expect(await dialer.dial('imap.example.com', 993)).toEqual({
      host: 'imap.example.com',
      port: 993,
      address: '127.0.0.1',
      connectPort: 4993,
    });
    expect(lookups).toEqual([]);
  });

  it('otherwise asks the resolver it was given', async () => {
    expect(await dialer.dial('mail.example.com', 465)).toMatchObject({
      address: '192.0.2.1',
      connectPort: 465,
    });
    await expect(dialer.dial('none.example.com', 465)).rejects.toThrow(
      'none.example.com has no A or AAAA record',
    );
  });
});
