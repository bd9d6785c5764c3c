// The restore journal names secret env values but never holds them: the
// values stay in the memory of the process that recorded the container, and a
// later process asks a provider for exactly the ones it lacks.

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { ContainerDetails } from '../../src/core/docker/client';
import { isBackupError } from '../../src/core/nso/backup';
import {
  forgetSecretsInMemory,
  isMissingSecretsError,
  journalForDisk,
  loadJournal,
  saveJournal,
  supplySecrets,
  type RestoreJournal,
} from '../../src/core/nso/backupRestore';
import { recordContainer } from '../../src/core/nso/containerConfig';
import { failedRestoreJournal, nsoProdDetails } from './restoreFixtures';

const password = 'pw-4f1c9e-unique';
const token = 'tok-77ab20-unique';

function details(): ContainerDetails {
  return nsoProdDetails({
    env: {
      SITE: 'lab',
      ADMIN_PASSWORD: password,
      BACKUP_API_TOKEN: token,
      EMPTY_PASSWORD: '',
    },
  });
}

describe('secrets in the restore journal', () => {
  let dir: string;
  let counter = 0;
  const journal = (format: 1 | 2 = 2): RestoreJournal =>
    failedRestoreJournal({
      format,
      file: path.join(dir, `restore-nso-prod-${++counter}.json`),
      record: recordContainer(details()),
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-journal-'));
  });
  afterEach(() => {
    forgetSecretsInMemory();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a marker naming each secret, never its value', async () => {
    const j = journal();
    await saveJournal(j);
    const text = fs.readFileSync(j.file, 'utf8');
    assert.ok(!text.includes(password), text);
    assert.ok(!text.includes(token), text);
    const env = (JSON.parse(text) as { format: number; record: { env: Record<string, unknown> } })
      .record.env;
    assert.deepEqual(env, {
      SITE: 'lab',
      ADMIN_PASSWORD: { secret: 'ADMIN_PASSWORD' },
      BACKUP_API_TOKEN: { secret: 'BACKUP_API_TOKEN' },
      EMPTY_PASSWORD: '',
    });
    assert.equal((JSON.parse(text) as { format: number }).format, 2);
    // The in-memory journal still has the values, for the restore under way.
    assert.equal(j.record.env.ADMIN_PASSWORD, password);
  });

  it('gives the values back in the process that wrote it, and names them in a new one', async () => {
    const j = journal();
    await saveJournal(j);
    const same = await loadJournal(j.file);
    assert.deepEqual(same.record.env, details().env);
    assert.equal(same.withheldSecrets, undefined);

    forgetSecretsInMemory(j.file);
    const fresh = await loadJournal(j.file);
    assert.deepEqual(fresh.record.env, { SITE: 'lab', EMPTY_PASSWORD: '' });
    assert.deepEqual(fresh.withheldSecrets, ['ADMIN_PASSWORD', 'BACKUP_API_TOKEN']);
    // Written again without the values, the markers stay (nothing is lost).
    await saveJournal(fresh);
    const again = await loadJournal(j.file);
    assert.deepEqual(again.withheldSecrets, ['ADMIN_PASSWORD', 'BACKUP_API_TOKEN']);
    assert.deepEqual(journalForDisk(again), JSON.parse(fs.readFileSync(j.file, 'utf8')));
  });

  it('reads a format-1 journal with plain values, and writes it back without them', async () => {
    const j = journal(1);
    fs.writeFileSync(j.file, JSON.stringify(j));
    const old = await loadJournal(j.file);
    assert.equal(old.format, 1);
    assert.equal(old.record.env.ADMIN_PASSWORD, password);
    await saveJournal(old);
    const text = fs.readFileSync(j.file, 'utf8');
    assert.ok(!text.includes(password) && !text.includes(token), text);
    assert.equal((await loadJournal(j.file)).record.env.ADMIN_PASSWORD, password);
  });

  it('asks the provider for the missing secrets only, and fills them in', async () => {
    const j = journal();
    await saveJournal(j);
    forgetSecretsInMemory();
    const fresh = await loadJournal(j.file);
    const asked: string[] = [];
    await supplySecrets(fresh, ({ name, container }) => {
      asked.push(`${name}@${container}`);
      return Promise.resolve(name === 'ADMIN_PASSWORD' ? password : token);
    });
    assert.deepEqual(asked, ['ADMIN_PASSWORD@nso-prod', 'BACKUP_API_TOKEN@nso-prod']);
    assert.deepEqual(fresh.record.env, details().env);
    assert.equal(fresh.withheldSecrets, undefined);

    // Nothing missing: nobody is asked.
    const inMemory = journal();
    await saveJournal(inMemory);
    const loaded = await loadJournal(inMemory.file);
    await supplySecrets(loaded, () =>
      Promise.reject(new Error('asked although nothing is missing')),
    );
  });

  it('refuses, naming what is missing, when the provider gives nothing', async () => {
    const j = journal();
    await saveJournal(j);
    forgetSecretsInMemory();
    const fresh = await loadJournal(j.file);
    const before = fs.readFileSync(j.file, 'utf8');
    await assert.rejects(
      supplySecrets(fresh, ({ name }) =>
        Promise.resolve(name === 'ADMIN_PASSWORD' ? password : undefined),
      ),
      (e: unknown) =>
        isMissingSecretsError(e) &&
        isBackupError(e, 'secretMissing') &&
        e.names.join() === 'BACKUP_API_TOKEN' &&
        e.journalFile === j.file &&
        /Nothing was changed/.test(e.message) &&
        !e.message.includes(password),
    );
    await assert.rejects(supplySecrets(fresh, undefined), isMissingSecretsError);
    assert.equal(fs.readFileSync(j.file, 'utf8'), before);
  });
});
