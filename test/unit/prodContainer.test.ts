import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { ContainerDetails } from '../../src/core/docker/client';
import {
  checkProdSettings,
  isProdContainerError,
  localAuthenticationEnabled,
  packagesMountWarning,
  parsePortSpec,
  prodContainerName,
  prodPackagesDirLabel,
  prodVolumeNames,
  removedMessage,
  startFailureHints,
  ncsConfRejection,
  volumeLossDescription,
} from '../../src/core/nso/prodContainer';

describe('production container settings', () => {
  it('publishes ports on 127.0.0.1 unless an address is written', () => {
    assert.deepEqual(parsePortSpec('2024'), {
      containerPort: 2024,
      hostPort: 2024,
      hostIp: '127.0.0.1',
    });
    assert.deepEqual(parsePortSpec('12024:2024'), {
      containerPort: 2024,
      hostPort: 12024,
      hostIp: '127.0.0.1',
    });
    assert.deepEqual(parsePortSpec('0.0.0.0:8080:8080/tcp'), {
      containerPort: 8080,
      hostPort: 8080,
      hostIp: '0.0.0.0',
      protocol: 'tcp',
    });
    assert.equal(parsePortSpec('[::1]:2022:2022').hostIp, '::1');
    assert.throws(() => parsePortSpec('ssh'), /nso\.prod\.ports: "ssh" is not a port mapping/);
    assert.throws(() => parsePortSpec('70000'), /out of range: ports are 1 to 65535/);
    // The setting travels with the error: Start NSO's message offers to open it.
    for (const bad of ['ssh', '2024:0']) {
      assert.throws(
        () => parsePortSpec(bad),
        (e: unknown) => isProdContainerError(e) && e.setting === 'nso.prod.ports',
      );
    }
  });

  it('names the container and its volumes after the folder, unique per path', () => {
    const a = prodContainerName('/home/me/My NSO Work');
    assert.match(a, /^nso-prod-my-nso-work-[0-9a-f]{8}$/);
    assert.notEqual(a, prodContainerName('/other/My NSO Work'));
    assert.deepEqual(prodVolumeNames('x'), { nso: 'x-nso', log: 'x-log' });
  });

  it('reads local-authentication/enabled from an ncs.conf, comments aside', () => {
    const conf = (body: string) => `<ncs-config><aaa>${body}</aaa></ncs-config>`;
    assert.equal(
      localAuthenticationEnabled(
        conf('<local-authentication><enabled>false</enabled></local-authentication>'),
      ),
      false,
    );
    assert.equal(
      localAuthenticationEnabled(
        conf('<!-- <local-authentication><enabled>false</enabled></local-authentication> -->'),
      ),
      undefined,
    );
    assert.equal(
      localAuthenticationEnabled(
        conf('<local-authentication>\n  <enabled> true </enabled>\n</local-authentication>'),
      ),
      true,
    );
  });

  it('warns when an attached container does not mount this workspace at /nso/run/packages', () => {
    const details = (mounts: ContainerDetails['mounts'], labels = {}): ContainerDetails =>
      ({ name: 'compose-nso-1', mounts, labels }) as unknown as ContainerDetails;
    const bind = (source: string) => ({
      type: 'bind',
      source,
      destination: '/nso/run/packages',
      readOnly: false,
    });
    assert.equal(packagesMountWarning(details([bind('/ws/packages')]), '/ws/packages'), undefined);
    assert.match(
      packagesMountWarning(details([bind('/elsewhere/packages')]), '/ws/packages') ?? '',
      /loads packages from \/elsewhere\/packages, not from this workspace's \/ws\/packages: reloads will not see local edits/,
    );
    assert.match(packagesMountWarning(details([]), '/ws/packages') ?? '', /has no folder mounted/);
    // A remote engine reports its own path; the label says what was asked for.
    assert.equal(
      packagesMountWarning(
        details([bind('/remote/x')], { [prodPackagesDirLabel]: '/ws/packages' }),
        '/ws/packages',
      ),
      undefined,
    );
  });

  it('says what deleting the volumes loses', () => {
    const text = volumeLossDescription(['a-nso', 'a-log']);
    assert.match(text, /a-nso and a-log/);
    assert.match(text, /CDB/);
    assert.match(text, /backups/);
  });

  it('says what a finished removal did: removed, deleted, kept', () => {
    const result = {
      name: 'nso-prod-ws',
      deletedVolumes: ['nso-prod-ws-nso', 'nso-prod-ws-log'],
      keptVolumes: [],
      failedVolumes: [],
    };
    assert.equal(
      removedMessage(result, true),
      "NSO: removed nso-prod-ws; deleted volumes nso-prod-ws-nso and nso-prod-ws-log with NSO's data (CDB, backups, logs).",
    );
    assert.equal(
      removedMessage({ ...result, deletedVolumes: [], keptVolumes: ['nso-prod-ws-nso'] }, false),
      "NSO: removed nso-prod-ws; NSO's data stays in nso-prod-ws-nso: the next Start NSO finds it again.",
    );
    assert.equal(
      removedMessage(
        { ...result, deletedVolumes: ['nso-prod-ws-nso'], keptVolumes: ['shared'] },
        true,
      ),
      "NSO: removed nso-prod-ws; deleted volume nso-prod-ws-nso with NSO's data (CDB, backups, logs); kept shared: not made by NSO Workbench.",
    );
    assert.equal(
      removedMessage({ ...result, deletedVolumes: [] }, false),
      'NSO: removed nso-prod-ws; it had no volumes.',
    );
  });

  it('reads the cause of a failed NSO start from its logs, for Start NSO and a restore alike', () => {
    const refused = startFailureHints(
      'The following modules will be deleted by upgrade:\nbanner: banner\nExiting with status 13',
    );
    assert.equal(refused.length, 1);
    assert.match(refused[0]!, /--with-package-reload-force in nso\.prod\.extraArgs/);
    assert.deepEqual(startFailureHints('NCS started vsn: 6.4.1\nsomething else went wrong'), []);
  });

  it("quotes NSO's own words and line when it rejects its ncs.conf", () => {
    const log =
      'Starting NSO\nBad configuration: /nso/etc/ncs.conf:10: XML parse error: mismatched tag\nDaemon died';
    assert.deepEqual(ncsConfRejection(log), {
      containerFile: '/nso/etc/ncs.conf',
      line: 10,
      reason: 'XML parse error: mismatched tag',
    });
    assert.deepEqual(startFailureHints(log), [
      'NSO rejects its ncs.conf (/nso/etc/ncs.conf line 10: XML parse error: mismatched tag): fix the file and start again.',
    ]);
    // Line 0 (NSO names no line) and a quoted reason.
    const noLine = ncsConfRejection('Bad configuration: /etc/ncs/ncs.conf:0: "no such file"');
    assert.equal(noLine?.line, 0);
    assert.equal(noLine?.reason, 'no such file');
    assert.match(
      startFailureHints('Bad configuration: /etc/ncs/ncs.conf:0: "x"')[0]!,
      /\(\/etc\/ncs\/ncs\.conf: x\)/,
    );
    assert.equal(ncsConfRejection('Bad configuration somewhere'), undefined);
  });

  it('checks the settings Docker would refuse before anything is asked, naming the setting', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-settings-'));
    try {
      const packagesDir = path.join(folder, 'packages');
      fs.mkdirSync(packagesDir);
      const settingOf = async (s: Parameters<typeof checkProdSettings>[0]): Promise<string> => {
        try {
          await checkProdSettings(s);
          return 'ok';
        } catch (e) {
          return isProdContainerError(e) ? (e.setting ?? 'no setting') : String(e);
        }
      };
      const base = { workspaceFolder: folder, packagesDir };
      assert.equal(await settingOf(base), 'ok');
      assert.equal(await settingOf({ ...base, containerName: 'nso-prod_1.dev' }), 'ok');
      assert.equal(await settingOf({ ...base, containerName: '  ' }), 'ok', 'blank: the default');
      for (const bad of ['t7 bad name!', '-nso', 'a', 'nso/prod', 'nso?x=1']) {
        assert.equal(
          await settingOf({ ...base, containerName: bad }),
          'nso.prod.containerName',
          bad,
        );
      }
      assert.equal(await settingOf({ ...base, ports: ['2024', '0'] }), 'nso.prod.ports');
      assert.equal(
        await settingOf({ ...base, packagesDir: path.join(folder, 'nothing') }),
        'nso.packagesPath',
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
