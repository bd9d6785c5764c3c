import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import {
  parseBackupName,
  parseBackupOutput,
  parseNcsStatus,
  parsePhase,
  parseRestoreOutput,
} from '../../src/core/nso/statusOutput';
import { corpusPath } from '../helpers/paths';

describe('ncs status and phase output', () => {
  it('reads vsn, status and running modules (corpus formats/04 REAL 1)', () => {
    const text = fs.readFileSync(
      corpusPath('formats', '04_ncs-status-ncs_cmd-healthcheck.txt'),
      'utf8',
    );
    const block = text.slice(
      text.indexOf('vsn: 6.2'),
      text.indexOf('sushil@Sushil-Ubuntu:~/ncs-run$ ncs --status | grep'),
    );
    const s = parseNcsStatus(block);
    assert.equal(s.reachable, true);
    assert.equal(s.version, '6.2');
    assert.equal(s.status, 'started');
    assert.deepEqual(s.runningModules, ['backplane', 'netconf', 'cdb', 'cli', 'snmp', 'webui']);
  });

  it('says unreachable for "connection refused (status)"', () => {
    assert.deepEqual(parseNcsStatus('connection refused (status)\n'), {
      reachable: false,
      runningModules: [],
    });
  });

  it('reads get_phase with and without flag words', () => {
    assert.deepEqual(parsePhase('phase: 2 flags: 0x0\n'), { phase: 2, flags: [] });
    assert.deepEqual(parsePhase('phase: 1 flags: 0x2 UPGRADE\n'), { phase: 1, flags: ['UPGRADE'] });
    assert.equal(parsePhase('FAILED: maapi_connect'), undefined);
  });
});

describe('ncs-backup output', () => {
  it('reads the created file, also when wrapped (corpus formats/03 REAL 1 and 2)', () => {
    const text = fs.readFileSync(corpusPath('formats', '03_ncs-backup-and-restore.txt'), 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('INFO  Backup /nso/run/backups'))!;
    assert.deepEqual(parseBackupOutput(line), {
      ok: true,
      file: '/nso/run/backups/ncs-6.4@2024-11-03T11:31:07.backup.gz',
    });
    assert.deepEqual(
      parseBackupOutput(
        'INFO  Backup /var/opt/ncs/backups/ncs-6.4@2024-04-21T10:34:42.backup.gz created\nsuccessfully',
      ),
      { ok: true, file: '/var/opt/ncs/backups/ncs-6.4@2024-04-21T10:34:42.backup.gz' },
    );
    assert.deepEqual(parseBackupOutput('ERROR ** No space left on device\n'), {
      ok: false,
      message: 'No space left on device',
    });
  });

  it('reads restore results', () => {
    assert.deepEqual(
      parseRestoreOutput(
        'Restore /etc/ncs from the backup (y/n)? y\nRestore /nso/run from the backup (y/n)? y\nINFO  Restore completed successfully\n',
      ),
      { ok: true, warnings: [] },
    );
    assert.deepEqual(parseRestoreOutput('ERROR ** Cannot do --restore while NCS is running\n'), {
      ok: false,
      message: 'Cannot do --restore while NCS is running',
    });
  });

  it('reads backup file names', () => {
    assert.deepEqual(parseBackupName('ncs-6.4@2024-11-03T11:31:07.backup.gz'), {
      version: '6.4',
      time: '2024-11-03T11:31:07',
      local: false,
    });
    assert.deepEqual(parseBackupName('nso-run@2024-01-01T00:00:00_local.backup.gz'), undefined);
    assert.equal(parseBackupName('notes.txt'), undefined);
  });
});
