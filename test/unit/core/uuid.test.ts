import { uuidV5 } from '../../../src/core/uuid';

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ED6657D-E927-568B-95E1-2665A8AEA6A2',
    );
  });

  it('is stable and differs by name', () => {
    const ns = '5b0c7a4e-3f0d-4f52-9a55-7d1a3c2e8b61';
    expect(uuidV5('mail:alice@example.com', ns)).toBe(uuidV5('mail:alice@example.com', ns));
    expect(uuidV5('mail:alice@example.com', ns)).not.toBe(uuidV5('mail:bob@example.com', ns));
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError);
  });
});
