import { clientBucket, createRateLimiter } from '../../../src/http/rate-limit';

describe('rate-limit buckets', () => {
  it('groups IPv6 clients by /56 and reads IPv4-mapped addresses as IPv4', () => {
    expect(clientBucket('2001:db8:1:2300::1')).toBe(clientBucket('2001:db8:1:23ff:ffff::9'));
    expect(clientBucket('2001:db8:1:2300::1')).not.toBe(clientBucket('2001:db8:1:2400::1'));
    expect(clientBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientBucket('192.0.2.7')).toBe('192.0.2.7');
    expect(clientBucket(undefined)).toBe('');
    expect(clientBucket('not an address:')).toBe('not an address:');
  });
});

describe('rate limiter', () => {
  it('allows N requests per client per minute, says when to retry, and starts afresh each window', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter(2, () => now);
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('b')).toBeUndefined();
    now += 15_000;
    expect(limiter.take('a')).toBe(45);
    now += 45_000;
    expect(limiter.take('a')).toBeUndefined();
  });
});
