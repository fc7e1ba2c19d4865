import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/example';
import { describeWithTools, runTool, tempDir } from '../helpers/tools';

const UNIT = join(REPO_ROOT, 'deploy', 'systemd', 'mail-autoconf.service');

/**
 * systemd-analyze checks that the commands exist, so the unit is verified in a throwaway root that
 * has the installed command where `npm install -g` puts it and the system's own units.
 */
function fakeRoot(unitText: string) {
  const root = tempDir('systemd');
  const bin = join(root.path, 'usr', 'local', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'mail-autoconf'), '#!/bin/sh\n');
  chmodSync(join(bin, 'mail-autoconf'), 0o755);
  mkdirSync(join(root.path, 'bin'));
  copyFileSync('/bin/kill', join(root.path, 'bin', 'kill'));
  chmodSync(join(root.path, 'bin', 'kill'), 0o755);
  mkdirSync(join(root.path, 'usr', 'lib', 'systemd'), { recursive: true });
  cpSync('/lib/systemd/system', join(root.path, 'usr', 'lib', 'systemd', 'system'), { recursive: true });
  mkdirSync(join(root.path, 'etc', 'systemd', 'system'), { recursive: true });
  writeFileSync(join(root.path, 'etc', 'systemd', 'system', 'mail-autoconf.service'), unitText);
  return root;
}

describeWithTools(
  [['systemd-analyze', 'apt-get install systemd']],
  'deploy/systemd/mail-autoconf.service',
  () => {
    it('passes systemd-analyze verify without a single warning', async () => {
      const root = fakeRoot(readFileSync(UNIT, 'utf8'));
      try {
        const result = await runTool('systemd-analyze', [
          'verify',
          `--root=${root.path}`,
          'mail-autoconf.service',
        ]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      } finally {
        root.remove();
      }
    });

    it('would report a mistyped setting, so the check above is a real one', async () => {
      const root = fakeRoot(
        readFileSync(UNIT, 'utf8').replace('ProtectSystem=strict', 'ProtectSystem=stricter'),
      );
      try {
        const result = await runTool('systemd-analyze', [
          'verify',
          `--root=${root.path}`,
          'mail-autoconf.service',
        ]);
        expect(result.stderr).toMatch(/ProtectSystem|protect system/i);
      } finally {
        root.remove();
      }
    });

    it('is sandboxed: systemd-analyze security rates its exposure below 2 (of 10)', async () => {
      const root = fakeRoot(readFileSync(UNIT, 'utf8'));
      try {
        const result = await runTool('systemd-analyze', [
          'security',
          '--offline=true',
          `--root=${root.path}`,
          '--no-pager',
          'mail-autoconf.service',
        ]);
        const level = /Overall exposure level for mail-autoconf\.service: ([\d.]+)/.exec(result.stdout);
        expect(level).not.toBeNull();
        expect(Number(level?.[1])).toBeLessThan(2);
      } finally {
        root.remove();
      }
    });

    it('reloads with SIGHUP, validates before starting, and runs as a dynamic unprivileged user', () => {
      const unit = readFileSync(UNIT, 'utf8');
      expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
      expect(unit).toMatch(/^ExecStartPre=\/usr\/local\/bin\/mail-autoconf validate \/etc\/mail-autoconf$/m);
      for (const line of [
        'DynamicUser=yes',
        'ProtectSystem=strict',
        'NoNewPrivileges=yes',
        'CapabilityBoundingSet=',
      ]) {
        expect(unit.split('\n')).toContain(line);
      }
    });
  },
);
