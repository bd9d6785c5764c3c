import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SchemaIndex } from '../../src/ncsconf/schemaIndex';
import {
  SchemaCache,
  readCompactSchema,
  serializeCompactSchema,
  withDescriptions,
} from '../../src/ncsconf/yang/schemaCache';
import { fixtureYang } from './ncsconfHelpers';

describe('schema cache', () => {
  let dir: string;
  let yangCopy: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-cache-'));
    yangCopy = path.join(dir, 'yang');
    fs.cpSync(fixtureYang, yangCopy, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compiles once per NSO version and input, then reads the JSON', async () => {
    const cache = new SchemaCache(path.join(dir, 'cache'));
    const first = await cache.load([yangCopy], '9.1.2');
    assert.equal(first.fromCache, false);
    assert.match(path.basename(first.path), /^ncs-config-schema-9\.1\.2-[0-9a-f]{16}\.json$/);
    const second = await cache.load([yangCopy], '9.1.2');
    assert.equal(second.fromCache, true);
    assert.equal(second.path, first.path);
    // Descriptions stay unparsed until asked for, then they are all there.
    assert.equal(second.schema.top[0]!.description, undefined);
    assert.deepEqual(withDescriptions(second.schema), first.schema);
    assert.equal((await readCompactSchema(first.path)).nsoVersion, '9.1.2');

    // Another version, or a changed YANG file, is another entry.
    assert.equal((await cache.load([yangCopy], '9.2')).fromCache, false);
    const file = path.join(yangCopy, 'wb-inet-types.yang');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('First version.', 'Changed.'));
    const changed = await cache.load([yangCopy], '9.1.2');
    assert.equal(changed.fromCache, false);
    assert.notEqual(changed.path, first.path);
  });

  it('finds a warm entry by file names, sizes and times, without reading the YANG', async () => {
    const cache = new SchemaCache(path.join(dir, 'cache'));
    // Whole seconds, so setting the time back is exact.
    const file = path.join(yangCopy, 'wb-ncs-config.yang');
    fs.utimesSync(file, 1700000000, 1700000000);
    const first = await cache.load([yangCopy], '9.1.2');
    // Same size and modification time, unreadable content: only the manifest can answer.
    fs.writeFileSync(file, 'x'.repeat(fs.statSync(file).size));
    fs.utimesSync(file, 1700000000, 1700000000);
    const warm = await cache.load([yangCopy], '9.1.2');
    assert.deepEqual([warm.fromCache, warm.path], [true, first.path]);
  });

  it('recompiles over a corrupt entry and refuses a file that is not a schema', async () => {
    const cache = new SchemaCache(path.join(dir, 'cache'));
    const first = await cache.load([yangCopy]);
    fs.writeFileSync(first.path, '{"format": 1, "top": ');
    const again = await cache.load([yangCopy]);
    assert.equal(again.fromCache, false);
    assert.equal(again.schema.modules[0]!.name, 'wb-ncs-config');
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, '{"hello": 1}');
    await assert.rejects(readCompactSchema(other), /not a compact ncs\.conf schema/);
  });

  it('keeps descriptions on a second line that hover reads, and still reads format 1', async () => {
    const compiled = (await new SchemaCache(path.join(dir, 'cache')).load([yangCopy])).schema;
    const full = structuredClone(withDescriptions(compiled));
    const text = serializeCompactSchema(full);
    const [head, tail, end] = text.split('\n');
    assert.equal(end, '');
    assert.doesNotMatch(head!, /"description":/);
    assert.ok((JSON.parse(tail!) as unknown[]).includes(full.top[0]!.description));

    const file = path.join(dir, 'two-lines.json');
    fs.writeFileSync(file, text);
    const index = SchemaIndex.fromCompact(await readCompactSchema(file));
    assert.equal(index.schema.top[0]!.description, undefined);
    assert.deepEqual(index.withDescriptions().schema, full);

    // A file written before descriptions moved to line 2: one JSON document.
    const old = path.join(dir, 'format-1.json');
    fs.writeFileSync(old, JSON.stringify({ ...full, format: 1 }));
    assert.deepEqual(withDescriptions(await readCompactSchema(old)), { ...full, format: 1 });
  });

  it('says when the directory holds no ncs.conf schema', async () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    await assert.rejects(new SchemaCache(dir).load([empty]), /no tailf-ncs-config\.yang/);
  });
});
