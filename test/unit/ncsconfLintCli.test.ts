import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintConfCommand } from '../../src/cli/lintConf';
import { addSubcommand } from '../../src/cli/main';
import { fixtureDir, fixtureYang } from './ncsconfHelpers';
import { runCaptured, type CapturedRun } from '../helpers/runCaptured';

addSubcommand(lintConfCommand);

const lint = (args: string[]): Promise<CapturedRun> => runCaptured(['lint-conf', ...args]);

const conf = (name: string): string => path.join(fixtureDir, 'conf', name);

describe('nso-workbench lint-conf', () => {
  it('prints file:line:col: severity: message and exits 1 on errors', async () => {
    const r = await lint([conf('broken-values.conf'), '--schema', fixtureYang]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 18);
    assert.equal(
      lines[0],
      `${conf('broken-values.conf')}:5:9: error: '127.0.0.300' is not a valid <ip>: expected an IPv4 address, or an IPv6 address (inet:ip-address, union).`,
    );
    assert.ok(lines.every((l) => /^.+:\d+:\d+: (error|warning|info): .+$/.test(l)));
  });

  it('exits 0 when there are only warnings, and treats ncs.conf.d/ files as fragments', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-lint-'));
    try {
      // A byte order mark (as some Windows editors save) neither errs nor shifts line 1.
      const bom = path.join(dir, 'bom.conf');
      fs.writeFileSync(
        bom,
        '\uFEFF<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config"><state-dir>${STATE}/x</state-dir></ncs-config>\n',
      );
      const marked = await lint([bom]);
      assert.equal(marked.code, 0);
      assert.equal(
        marked.out,
        `${bom}:1:72: warning: \${STATE} is neither an NSO variable (NCS_DIR, NCS_CONFIG_DIR, NCS_RUN_DIR, NCS_LOG_DIR) nor a known environment variable: NSO cannot expand it.\n`,
      );

      const file = path.join(dir, 'ncs.conf');
      fs.writeFileSync(
        file,
        '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <state-dir>${STATE}/x</state-dir>\n</ncs-config>\n',
      );
      const warn = await lint([file, conf('ncs.conf.d/logging.conf'), '--schema', fixtureYang]);
      assert.equal(warn.code, 0);
      assert.match(warn.out, /ncs\.conf:2:14: warning: \$\{STATE\} is neither an NSO variable/);
      assert.equal(warn.out.trim().split('\n').length, 1);
      const known = await lint([file, '--schema', fixtureYang, '--env', 'STATE']);
      assert.deepEqual([known.code, known.out], [0, '']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes JSON with positions, codes and counts', async () => {
    const r = await lint([conf('broken-structure.conf'), '--schema', fixtureYang, '--json']);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.out) as {
      schema: { label: string };
      files: {
        file: string;
        problems: {
          line: number;
          column: number;
          endColumn: number;
          code: string;
          severity: string;
        }[];
      }[];
      errors: number;
      warnings: number;
    };
    assert.equal(json.schema.label, 'wb-ncs-config 2024-02-01');
    assert.deepEqual([json.errors, json.warnings], [14, 3]);
    const typo = json.files[0]!.problems.find((p) => p.code === 'unknown-element')!;
    assert.deepEqual([typo.line, typo.column, typo.endColumn], [11, 6, 20]);
  });

  it('works without a schema, and reads a compact schema it wrote', async () => {
    const bare = await lint([conf('broken-values.conf')]);
    assert.deepEqual([bare.code, bare.out], [0, '']);
    assert.match(bare.err, /no --schema: checking well-formedness/);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-lint-'));
    try {
      const json = path.join(dir, 'schema.json');
      const written = await lint([
        '--schema',
        fixtureYang,
        '--write-schema',
        json,
        '--nso-version',
        '9.1.2',
      ]);
      assert.equal(written.code, 0);
      const again = await lint([conf('broken-values.conf'), '--schema', json, '--json']);
      const parsed = JSON.parse(again.out) as { schema: { label: string }; errors: number };
      assert.deepEqual(
        [parsed.schema.label, parsed.errors],
        ['NSO 9.1.2: wb-ncs-config 2024-02-01', 18],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 on usage errors, a missing schema or an unreadable file', async () => {
    const none = await lint([]);
    assert.equal(none.code, 2);
    // Named as every other command names itself in its messages.
    assert.match(none.err, /^nso-workbench lint-conf: name at least one file\./);
    assert.equal((await lint(['--bogus', 'x'])).code, 2);
    const noSchema = await lint([conf('valid.conf'), '--schema', path.join(fixtureDir, 'nope')]);
    assert.equal(noSchema.code, 2);
    assert.match(noSchema.err, /cannot use the schema: --schema .*nope does not exist/);
    const missing = await lint([path.join(fixtureDir, 'missing.conf')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /missing\.conf: cannot read/);
  });

  it('under --json, names an unreadable file and a schema it cannot use in the JSON on stdout', async () => {
    const missing = path.join(fixtureDir, 'missing.conf');
    const r = await lint([conf('valid.conf'), missing, '--json']);
    assert.equal(r.code, 2);
    assert.equal(r.err, '');
    const json = JSON.parse(r.out) as {
      ok: boolean;
      files: { file: string; error?: string }[];
      unreadable: number;
    };
    assert.equal(json.ok, false);
    assert.equal(json.unreadable, 1);
    assert.deepEqual(
      json.files.map((f) => [f.file, f.error !== undefined]),
      [
        [conf('valid.conf'), false],
        [missing, true],
      ],
    );
    assert.match(json.files[1]!.error!, /^cannot read: ENOENT/);

    const noSchema = await lint([
      conf('valid.conf'),
      '--schema',
      path.join(fixtureDir, 'nope'),
      '--json',
    ]);
    assert.equal(noSchema.code, 2);
    const failed = JSON.parse(noSchema.out) as { ok: boolean; error: string };
    assert.equal(failed.ok, false);
    assert.match(failed.error, /cannot use the schema: --schema .*nope does not exist/);
  });
});
