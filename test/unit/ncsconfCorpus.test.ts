// Real ncs.conf files from public NSO material, each validated against the
// schema of its NSO generation (read from the shared corpus, never copied).

import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { SchemaIndex } from '../../src/ncsconf/schemaIndex';
import { validateConf } from '../../src/ncsconf/validator';
import { compileSchemaFromDirectories } from '../../src/ncsconf/yang/loadSchema';
import { corpusPath } from '../helpers/paths';
import { lineAt } from './ncsconfHelpers';

type Generation = 'nso-6.2.5' | 'nso-5.7.1';

interface Expectation {
  /** File name prefix in corpus/ncs-conf/. */
  prefix: string;
  schema: Generation;
  /** Words of the SOURCES.tsv description that decide the generation. */
  because: string;
  fragment?: boolean;
  /** Errors expected, as [line, code, element or value]; empty for a file NSO of that generation accepts. */
  errors: [number, string, string][];
  /** Why a file gets errors although it is valid for the NSO it was written for. */
  note?: string;
}

const expectations: Expectation[] = [
  { prefix: '01_', schema: 'nso-6.2.5', because: 'NSO 6.2.5 local install', errors: [] },
  { prefix: '02_', schema: 'nso-5.7.1', because: 'NSO 5.7.1 (darwin) local install', errors: [] },
  { prefix: '03_', schema: 'nso-6.2.5', because: 'NSO 6.x', errors: [] },
  { prefix: '04_', schema: 'nso-6.2.5', because: 'HA Raft example (6.1+)', errors: [] },
  { prefix: '05_', schema: 'nso-6.2.5', because: 'LSA container example', errors: [] },
  { prefix: '06_', schema: 'nso-6.2.5', because: 'LSA container example', errors: [] },
  { prefix: '07_', schema: 'nso-6.2.5', because: '(6.x)', errors: [] },
  { prefix: '08_', schema: 'nso-6.2.5', because: 'compose uses 6.1', errors: [] },
  {
    prefix: '11_',
    schema: 'nso-5.7.1',
    because: 'NSO 4.x/5.x era',
    errors: [
      [294, 'unknown-element', 'show-log-directory'],
      [325, 'unknown-element', 'rest'],
      [365, 'removed-element', 'large-scale'],
    ],
    // The 5.7.1 tailf-ncs-config.yang: /ncs-config/cli (container cli, lines 2636-3483) has no
    // show-log-directory, and no revision says when it went; /ncs-config/rest existed (revision
    // 2015-03-19, NCS-3.4, line 325: "Added /ncs-config/rest/custom-headers") but is not among
    // the children of container ncs-config (line 750); revision 2021-09-02 (NCS-5.6, line 35):
    // "Removed /ncs-config/large-scale".
    note: 'written for an older NSO: 5.7.1 has no cli/show-log-directory nor /ncs-config/rest, and removed large-scale in 5.6',
  },
  {
    prefix: '12_',
    schema: 'nso-5.7.1',
    because: 'NSO 5.x',
    errors: [
      [293, 'unknown-element', 'show-log-directory'],
      [360, 'removed-element', 'large-scale'],
    ],
    // Same two elements as 11_, same schema lines.
    note: 'written for an older NSO: 5.7.1 has no cli/show-log-directory, and removed large-scale in 5.6',
  },
  {
    prefix: '14_',
    schema: 'nso-6.2.5',
    because: 'ncs.conf.d fragment',
    fragment: true,
    errors: [],
  },
  {
    prefix: '15_',
    schema: 'nso-6.2.5',
    because: 'NSO 6.7.1 examples',
    errors: [[237, 'misplaced-element', 'ssl']],
    // The 6.2.5 container ha (lines 5775-5820) holds enabled, ip, port, extra-listen and
    // tick-timeout only; the 6.7 ncs.conf(5) man page (corpus docs/, line 3735) lists
    // /ncs-config/ha/ssl/enabled, the 6.5 one does not.
    note: 'written for NSO 6.7: /ncs-config/ha/ssl came after 6.5 (6.7 man page); 6.2.5 has no ha/ssl',
  },
  { prefix: '17_', schema: 'nso-6.2.5', because: 'NSO 6.2.5 bundled examples', errors: [] },
  {
    prefix: '18_BROKEN',
    schema: 'nso-6.2.5',
    because: '',
    errors: [
      [2, 'namespace', 'ncs-config'],
      [45, 'xml', 'port'],
      [45, 'invalid-value', '8008>/ip>'],
    ],
  },
];

describe('real ncs.conf files (shared corpus)', function () {
  this.timeout(30000);
  const schemas = new Map<Generation, SchemaIndex>();
  const dir = corpusPath('ncs-conf');
  const sources = fs.readFileSync(corpusPath('SOURCES.tsv'), 'utf8');
  const table: string[][] = [];

  before(async () => {
    for (const g of ['nso-6.2.5', 'nso-5.7.1'] as const) {
      const { schema, warnings } = await compileSchemaFromDirectories([corpusPath('yang', g)]);
      assert.deepEqual(warnings, [], `${g} compiles without warnings`);
      schemas.set(g, SchemaIndex.fromCompact(schema));
    }
  });

  after(() => {
    const rows = [['file', 'schema', 'errors', 'warnings', 'info', 'note'], ...table];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    const text = rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
    process.stdout.write(`\n${text}\n\n`);
  });

  it('covers every file in corpus/ncs-conf', () => {
    const files = fs.readdirSync(dir).sort();
    assert.deepEqual(
      files.map((f) => expectations.filter((e) => f.startsWith(e.prefix)).length),
      files.map(() => 1),
      `each of ${files.join(', ')} has one expectation`,
    );
  });

  for (const e of expectations) {
    it(`${e.prefix}: ${e.errors.length === 0 ? 'no errors' : `${e.errors.length} errors at the right lines`} against ${e.schema}`, () => {
      const file = fs.readdirSync(dir).find((f) => f.startsWith(e.prefix))!;
      const row = sources.split('\n').find((l) => l.startsWith(`ncs-conf/${file}\t`));
      assert.ok(row, `${file} is listed in SOURCES.tsv`);
      assert.ok(row.includes(e.because), `the description of ${file} says '${e.because}'`);

      const text = fs.readFileSync(`${dir}/${file}`, 'utf8');
      const { problems } = validateConf(text, {
        schema: schemas.get(e.schema)!,
        fragment: e.fragment ?? false,
      });
      const count = (s: string): number => problems.filter((p) => p.severity === s).length;
      table.push([
        file,
        e.schema,
        String(count('error')),
        String(count('warning')),
        String(count('information')),
        e.note ?? '',
      ]);

      const errors = problems
        .filter((p) => p.severity === 'error')
        .map((p) => [
          lineAt(text, p.offset),
          p.code ?? '',
          text.slice(p.offset, p.offset + p.length),
        ]);
      assert.deepEqual(errors, e.errors);
      // Real files carry no warnings either; deprecated settings are information only.
      if (!file.startsWith('18_')) assert.equal(count('warning'), 0);
    });
  }

  it('explains the version mismatches in words a user can act on', () => {
    const text = fs.readFileSync(
      `${dir}/${fs.readdirSync(dir).find((f) => f.startsWith('12_'))!}`,
      'utf8',
    );
    const { problems } = validateConf(text, { schema: schemas.get('nso-5.7.1')! });
    assert.match(
      problems.find((p) => p.code === 'removed-element')!.message,
      /<large-scale> is not in this schema: tailf-ncs-config removed it in NCS-5\.6; an NSO of this version refuses it\./,
    );
    const broken = fs.readFileSync(
      `${dir}/${fs.readdirSync(dir).find((f) => f.startsWith('18_'))!}`,
      'utf8',
    );
    const messages = validateConf(broken, { schema: schemas.get('nso-6.2.5')! }).problems.map(
      (p) => p.message,
    );
    assert.deepEqual(messages, [
      '<ncs-config> is in namespace http://tail-f.com/yang/tailf-ncs-config/1.0; NSO expects http://tail-f.com/yang/tailf-ncs-config.',
      '<port> is never closed.',
      "'8008>/ip>' is not a valid <port>: expected a port number, an integer in 0..65535 (port-number, uint16).",
    ]);
  });
});
