import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaIndex } from '../../src/ncsconf/schemaIndex';
import { compileSchemaFromDirectories } from '../../src/ncsconf/yang/loadSchema';
import type { ConfProblem } from '../../src/ncsconf/problems';
import { repoRoot } from '../helpers/paths';

export const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'ncsconf');
export const fixtureYang = path.join(fixtureDir, 'yang');

let cached: Promise<SchemaIndex> | undefined;

/** The test schema (test/fixtures/ncsconf/yang), compiled once per test run. */
export function fixtureSchema(): Promise<SchemaIndex> {
  cached ??= compileSchemaFromDirectories([fixtureYang]).then((r) =>
    SchemaIndex.fromCompact(r.schema),
  );
  return cached;
}

export function readConf(name: string): string {
  return fs.readFileSync(path.join(fixtureDir, 'conf', name), 'utf8');
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** `[line, code, text-under-range]` per problem, for compact assertions. */
export function summarize(text: string, problems: ConfProblem[]): [number, string, string][] {
  return problems.map((p) => [
    lineAt(text, p.offset),
    p.code ?? '',
    text.slice(p.offset, p.offset + p.length),
  ]);
}

/** Offset of the n-th occurrence (0-based) of `needle`, plus `delta`. */
export function offsetOf(text: string, needle: string, delta = 0, nth = 0): number {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' (#${nth}) is not in the text`);
  }
  return i + delta;
}
