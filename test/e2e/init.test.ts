import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CLI, runCli } from '../helpers/cli';
import { startMailPlatforms, type MailPlatforms } from '../helpers/mail-platforms';
import { describeWithTools, tempDir } from '../helpers/tools';

/**
 * `init` against real Dovecot platforms: one where the login is the full address, one where it is
 * the local part, one with STARTTLS ports only, and one that speaks only plain text.
 */
describeWithTools(
  [
    ['dovecot', 'Debian packages dovecot-imapd dovecot-pop3d dovecot-submissiond (.ci/setup.d)'],
    ['openssl', 'Debian package openssl'],
    ['script', 'Debian package bsdutils (essential)'],
  ],
  'init probes real mail servers',
  () => {
    let platforms: MailPlatforms;
    let out: { path: string; remove: () => void };
    const PASSWORD = 'correct horse 1';

    beforeAll(async () => {
      platforms = await startMailPlatforms([
        {
          domain: 'full.test',
          hosts: ['imap.full.test', 'smtp.full.test', 'pop.full.test'],
          mx: 'mx.full.test',
          users: [{ login: 'anna@full.test', password: PASSWORD }],
        },
        {
          domain: 'local.test',
          hosts: ['mail.local.test'],
          mx: 'mail.local.test',
          users: [{ login: 'anna', password: PASSWORD }],
        },
        {
          domain: 'starttls.test',
          hosts: ['mail.starttls.test'],
          users: [{ login: 'bob@starttls.test', password: PASSWORD }],
          listeners: ['imap', 'pop3', 'submission'],
        },
        {
          domain: 'plain.test',
          hosts: ['mail.plain.test'],
          users: [{ login: 'carl@plain.test', password: PASSWORD }],
          listeners: ['imap', 'pop3', 'submission'],
          noTls: true,
          allowPlaintextAuth: true,
        },
      ]);
      out = tempDir('init');
    }, 60_000);
    afterAll(async () => {
      await platforms?.stop();
      out?.remove();
    });

    const init = (args: readonly string[], env: Record<string, string> = {}) =>
      runCli(['init', ...args, ...platforms.cliArgs], { cwd: out.path, env });

    type Server = { type: string; host: string; port: number; security: string; username?: string };
    const read = (file: string) =>
      load(readFileSync(join(out.path, file), 'utf8')) as {
        incoming: Server[];
        outgoing: Server[];
        username: string;
        auth: string;
      };

    it('full-address platform: implicit TLS first, 587 beside 465, login form email, and the file validates', async () => {
      const result = await init(
        ['full.test', '--login-test', 'anna@full.test', '--yes', '--out', 'full.yaml'],
        { MAIL_AUTOCONF_PASSWORD: PASSWORD },
      );
      expect(result.stderr).toContain('wrote full.yaml');
      expect(result.code).toBe(0);
      const config = read('full.yaml');
      expect(config.incoming).toEqual([
        { type: 'imap', host: 'imap.full.test', port: 993, security: 'tls' },
        { type: 'pop3', host: 'pop.full.test', port: 995, security: 'tls' },
      ]);
      expect(config.outgoing).toEqual([
        { type: 'smtp', host: 'smtp.full.test', port: 465, security: 'tls' },
        { type: 'smtp', host: 'smtp.full.test', port: 587, security: 'starttls' },
      ]);
      expect(config.username).toBe('email');
      expect(config.auth).toBe('password-cleartext');
      const text = readFileSync(join(out.path, 'full.yaml'), 'utf8');
      expect(text).toMatch(
        /# imap\.full\.test:993 IMAP implicit TLS, TLSv1\.[23], certificate for .* valid for \d+ more days, AUTH PLAIN LOGIN/,
      );
      expect(text).toContain('"anna@full.test" accepted, "anna" refused');
      expect(text).not.toContain(PASSWORD);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      const validate = await runCli(['validate', out.path], { cwd: out.path });
      // Only the hint that the zone must hold the hosts' addresses (this config cannot know them).
      expect(validate.stderr).not.toMatch(/ error/);
      expect(validate.code).toBe(0);
    });

    it('local-part platform found through the MX only: login form localpart', async () => {
      const result = await init(['local.test', '--login-test', 'anna@local.test', '--yes', '--out', '-'], {
        MAIL_AUTOCONF_PASSWORD: PASSWORD,
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('accepts the local part');
      const config = load(result.stdout) as ReturnType<typeof read>;
      expect(config.username).toBe('localpart');
      expect(config.incoming[0]).toEqual({
        type: 'imap',
        host: 'mail.local.test',
        port: 993,
        security: 'tls',
      });
      expect(config.outgoing[0]).toEqual({
        type: 'smtp',
        host: 'mail.local.test',
        port: 465,
        security: 'tls',
      });
      expect(result.stdout).toContain('"anna@local.test" refused, "anna" accepted');
    });

    it('STARTTLS-only platform: the STARTTLS ports, given with --mail-host', async () => {
      const result = await init(
        [
          'starttls.test',
          '--mail-host',
          'mail.starttls.test',
          '--login-test',
          'bob@starttls.test',
          '--yes',
          '--out',
          'starttls.yaml',
        ],
        { MAIL_AUTOCONF_PASSWORD: PASSWORD },
      );
      expect(result.code).toBe(0);
      const config = read('starttls.yaml');
      expect(config.incoming).toEqual([
        { type: 'imap', host: 'mail.starttls.test', port: 143, security: 'starttls' },
        { type: 'pop3', host: 'mail.starttls.test', port: 110, security: 'starttls' },
      ]);
      expect(config.outgoing).toEqual([
        { type: 'smtp', host: 'mail.starttls.test', port: 587, security: 'starttls' },
      ]);
      expect(config.username).toBe('email');
    });

    it('--ports probes more ports and finds out their security', async () => {
      const submission = platforms.dovecots.get('starttls.test')?.ports.get(587);
      const result = await init([
        'starttls.test',
        '--mail-host',
        'mail.starttls.test',
        '--ports',
        'smtp=2525,imap=1143',
        '--connect-to',
        `mail.starttls.test:2525:127.0.0.1:${submission}`,
        '--yes',
        '--out',
        '-',
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('found mail.starttls.test:2525 SMTP STARTTLS');
      expect(result.stderr).not.toContain('mail.starttls.test:1143');
    });

    it('on a terminal: asks for the password without echo, then the provider name, then whether to write', async () => {
      // `script` gives the real command a pseudo-terminal; answers are typed when each prompt shows.
      const command = [
        process.execPath,
        CLI,
        'init',
        'local.test',
        '--login-test',
        'anna@local.test',
        '--out',
        'tty.yaml',
        ...platforms.cliArgs,
      ]
        .map((arg) => `'${arg.replace(/'/g, "'\\''")}'`)
        .join(' ');
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: out.path,
        env: { PATH: process.env.PATH ?? '', TERM: 'dumb' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let transcript = '';
      const answered = new Set<string>();
      const answer = (prompt: string, text: string) => {
        if (transcript.includes(prompt) && !answered.has(prompt)) {
          answered.add(prompt);
          child.stdin.write(text);
        }
      };
      child.stdout.on('data', (chunk: Buffer) => {
        transcript += chunk.toString('utf8');
        answer('(not shown, not stored): ', `${PASSWORD}\r`);
        answer('Provider name shown by mail clients [local.test]: ', 'Local Test Mail\r');
        answer('Write tty.yaml? [Y/n] ', '\r');
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(transcript).toContain('accepts the local part');
      expect(transcript).not.toContain(PASSWORD);
      expect(code).toBe(0);
      const config = read('tty.yaml') as unknown as { username: string; provider: { name: string } };
      expect(config.username).toBe('localpart');
      expect(config.provider.name).toBe('Local Test Mail');
    }, 30_000);

    it('never advertises plain-text-only ports: exit 1 and nothing written', async () => {
      const result = await init([
        'plain.test',
        '--mail-host',
        'mail.plain.test',
        '--yes',
        '--out',
        'plain.yaml',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('mail.plain.test:143 IMAP plain text only');
      expect(result.stderr).toContain('plain-text-only ports are never advertised');
      expect(existsSync(join(out.path, 'plain.yaml'))).toBe(false);
    });

    it('a wrong password: exit 1, nothing written, the password never shown', async () => {
      const result = await init(
        ['full.test', '--login-test', 'anna@full.test', '--yes', '--out', 'wrong.yaml'],
        { MAIL_AUTOCONF_PASSWORD: 'not the password' },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('refused both forms');
      expect(result.stderr).not.toContain('not the password');
      expect(existsSync(join(out.path, 'wrong.yaml'))).toBe(false);
    });

    it('without --login-test the login form is marked as not measured', async () => {
      const result = await init(['full.test', '--yes', '--out', '-']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Login form NOT measured');
    });

    it('will not replace a file without --force', async () => {
      const result = await init(['full.test', '--yes', '--out', 'full.yaml']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('full.yaml exists: add --force');
    });

    it.each([
      [['not a domain', '--yes'], 'not a domain name'],
      [['full.test', '--login-test', 'anna@other.test', '--yes'], 'is not an address of full.test'],
      [['full.test', '--login-test', 'anna@full.test', '--yes'], 'set MAIL_AUTOCONF_PASSWORD'],
      [['full.test'], 'add --yes'],
    ])('usage error %j: exit 2', async (args, message) => {
      const result = await init(args);
      expect(result.stderr).toContain(message);
      expect(result.code).toBe(2);
    });

    it('a bad --ports value is refused by the option parser', async () => {
      const result = await init(['full.test', '--ports', 'ftp=21', '--yes']);
      expect(result.stderr).toContain('expected PROTOCOL=PORT');
      expect(result.code).not.toBe(0);
    });
  },
);
