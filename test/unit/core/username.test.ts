import { parseEmailAddress, type EmailAddress } from '../../../src/core/address';
import { expandUsername, usernameTemplate } from '../../../src/core/username';

const alice = (parseEmailAddress('al$$ice@example.com') as { ok: true; value: EmailAddress }).value;

describe('login name policy', () => {
  it('maps the named policies to placeholders', () => {
    expect(usernameTemplate('email')).toEqual({ ok: true, template: '%EMAILADDRESS%' });
    expect(usernameTemplate('localpart')).toEqual({ ok: true, template: '%EMAILLOCALPART%' });
  });

  it('expands templates literally, even with $$ in the local part', () => {
    expect(expandUsername('%EMAILADDRESS%', alice)).toBe('al$$ice@example.com');
    expect(expandUsername('%EMAILLOCALPART%', alice)).toBe('al$$ice');
    expect(expandUsername('%EMAILLOCALPART%.%EMAILDOMAIN%', alice)).toBe('al$$ice.example.com');
  });

  it.each([
    ['fullname', 'expected "email", "localpart" or a template'],
    ['%EMAILUSER%', 'unknown placeholder %EMAILUSER%'],
    ['%EMAILDOMAIN%', 'must contain %EMAILLOCALPART% or %EMAILADDRESS%'],
    ['%EMAILLOCALPART%-%EMAILLOCALPART%', 'each placeholder may appear only once'],
    ['%EMAILLOCALPART% x', 'may only contain'],
  ])('rejects %j', (policy, reason) => {
    const result = usernameTemplate(policy);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('security review #11: only the named policies are names', () => {
  it.each(['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'])(
    'rejects %j with the validation error of any unknown name',
    (policy) => {
      expect(usernameTemplate(policy)).toEqual({
        ok: false,
        reason: expect.stringContaining('expected "email", "localpart" or a template') as string,
      });
    },
  );
});
