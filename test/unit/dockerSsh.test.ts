import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  checkHostKey,
  isEncryptedPrivateKey,
  knownHostsName,
} from '../../src/core/docker/sshKnownHosts';

// Keys and known_hosts files come from OpenSSH's own ssh-keygen, so the
// formats are the real ones.
describe('ssh host keys for ssh:// engines', () => {
  let dir: string;
  let hostKey: Buffer;
  let otherKey: Buffer;
  let hostLine: (names: string) => string;

  function keygen(name: string, passphrase: string, type = 'ed25519'): string {
    const file = path.join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', name, '-f', file]);
    return file;
  }

  function publicBlob(file: string): { blob: Buffer; text: string } {
    const [type, base64] = fs.readFileSync(`${file}.pub`, 'utf8').split(' ');
    return { blob: Buffer.from(base64 ?? '', 'base64'), text: `${type} ${base64}` };
  }

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-ssh-'));
    const host = publicBlob(keygen('host', ''));
    const other = publicBlob(keygen('other', ''));
    hostKey = host.blob;
    otherKey = other.blob;
    hostLine = (names) => `${names} ${host.text}`;
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names hosts off port 22 the OpenSSH way', () => {
    assert.equal(knownHostsName('build-host', 22), 'build-host');
    assert.equal(knownHostsName('build-host', 2222), '[build-host]:2222');
  });

  it('matches plain entries and tells unknown from changed', () => {
    const known = `# comment\n${hostLine('build-host,10.0.0.5')}\n`;
    assert.equal(checkHostKey([known], 'build-host', 22, hostKey), 'match');
    assert.equal(checkHostKey([known], '10.0.0.5', 22, hostKey), 'match');
    assert.equal(checkHostKey([known], 'build-host', 22, otherKey), 'changed');
    assert.equal(checkHostKey([known], 'elsewhere', 22, hostKey), 'unknown');
    assert.equal(checkHostKey([known], 'build-host', 2222, hostKey), 'unknown');
  });

  it('matches entries hashed by ssh-keygen -H, with ports', () => {
    const file = path.join(dir, 'known_hosts');
    fs.writeFileSync(file, `${hostLine('build-host')}\n${hostLine('[127.0.0.1]:2222')}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
    const hashed = fs.readFileSync(file, 'utf8');
    assert.ok(!hashed.includes('build-host'), 'ssh-keygen hashed the names');
    assert.equal(checkHostKey([hashed], 'build-host', 22, hostKey), 'match');
    assert.equal(checkHostKey([hashed], '127.0.0.1', 2222, hostKey), 'match');
    assert.equal(checkHostKey([hashed], '127.0.0.1', 22, hostKey), 'unknown');
    assert.equal(checkHostKey([hashed], 'build-host', 22, otherKey), 'changed');
  });

  it('honours wildcards, negation and @revoked', () => {
    const wildcard = hostLine('*.lab.example,!bad.lab.example');
    assert.equal(checkHostKey([wildcard], 'nso1.lab.example', 22, hostKey), 'match');
    assert.equal(checkHostKey([wildcard], 'bad.lab.example', 22, hostKey), 'unknown');
    const revoked = `@revoked ${hostLine('*')}\n${hostLine('build-host')}`;
    assert.equal(checkHostKey([revoked], 'build-host', 22, hostKey), 'revoked');
  });

  it('looks through several files (user and system known_hosts)', () => {
    assert.equal(checkHostKey(['', hostLine('build-host')], 'build-host', 22, hostKey), 'match');
  });

  it('spots private keys that need a passphrase', () => {
    assert.equal(isEncryptedPrivateKey(fs.readFileSync(keygen('clear', ''), 'utf8')), false);
    assert.equal(
      isEncryptedPrivateKey(fs.readFileSync(keygen('locked', 'secret phrase'), 'utf8')),
      true,
    );
    const pem = keygen('pem', 'secret phrase', 'ecdsa');
    execFileSync('ssh-keygen', [
      '-q',
      '-p',
      '-m',
      'PEM',
      '-P',
      'secret phrase',
      '-N',
      'other phrase',
      '-f',
      pem,
    ]);
    assert.equal(isEncryptedPrivateKey(fs.readFileSync(pem, 'utf8')), true);
  });
});
