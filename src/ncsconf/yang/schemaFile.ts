// The compact schema as a file: what SchemaCache and `lint-conf --write-schema`
// write and what the server reads. No file system here, so SchemaIndex can
// ask for descriptions without pulling in the cache.

import { compactSchemaFormat, type CompactSchema, type SchemaNode } from './schema';

export class SchemaCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCacheError';
  }
}

/**
 * Descriptions are most of a schema's bytes but only hover and completion read
 * them, so a file keeps them apart: line 1 is the schema without them, line 2
 * the descriptions in the order {@link forEachDescribed} visits their owners.
 * Loading parses line 1 only; {@link withDescriptions} parses line 2 when
 * first asked. (Format 1 files, descriptions inline, are still read.)
 */
export function serializeCompactSchema(schema: CompactSchema): string {
  const descriptions: (string | null)[] = [];
  forEachDescribed(schema, (owner) => descriptions.push(owner.description ?? null));
  while (descriptions.length > 0 && descriptions[descriptions.length - 1] === null)
    descriptions.pop();
  const bare = JSON.stringify({ ...schema, format: compactSchemaFormat }, (key, value: unknown) =>
    key === 'description' ? undefined : value,
  );
  // JSON.stringify escapes line breaks inside strings: the first newline ends line 1.
  return `${bare}\n${JSON.stringify(descriptions)}\n`;
}

/** Line 2 of the file each loaded schema came from, until its descriptions are asked for. */
const pendingDescriptions = new WeakMap<CompactSchema, string>();

/** Every node, type and enum that may carry a description, in one fixed order. */
function forEachDescribed(
  schema: CompactSchema,
  visit: (owner: { description?: string }) => void,
): void {
  const walk = (nodes: readonly SchemaNode[]): void => {
    for (const n of nodes) {
      visit(n);
      if (n.children) walk(n.children);
    }
  };
  walk(schema.top);
  for (const t of schema.types) {
    visit(t);
    for (const e of t.enums ?? []) visit(e);
  }
}

/** The schema with its descriptions in place (parses them on the first call after a load). */
export function withDescriptions(schema: CompactSchema): CompactSchema {
  const text = pendingDescriptions.get(schema);
  if (text === undefined) return schema;
  pendingDescriptions.delete(schema);
  let descriptions: unknown;
  try {
    descriptions = JSON.parse(text);
  } catch {
    // A torn second line loses the descriptions, not the schema.
    return schema;
  }
  if (!Array.isArray(descriptions)) return schema;
  let i = 0;
  forEachDescribed(schema, (owner) => {
    const d: unknown = descriptions[i++];
    if (typeof d === 'string') owner.description = d;
  });
  return schema;
}

/** Parses a compact schema file's text (format 1 or 2). */
export function parseCompactSchema(text: string, file: string): CompactSchema {
  let parsed: unknown;
  let rest: string | undefined;
  try {
    const newline = text.indexOf('\n');
    const head = newline < 0 ? text : text.slice(0, newline);
    parsed = JSON.parse(head);
    if (newline >= 0 && text.slice(newline + 1).trim() !== '') rest = text.slice(newline + 1);
  } catch (err) {
    throw new SchemaCacheError(
      `cannot read the schema ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const s = parsed as Partial<CompactSchema> | null;
  if (
    !s ||
    (s.format !== compactSchemaFormat && s.format !== 1) ||
    !Array.isArray(s.top) ||
    !Array.isArray(s.types) ||
    !Array.isArray(s.modules)
  ) {
    throw new SchemaCacheError(
      `${file} is not a compact ncs.conf schema of format ${compactSchemaFormat}`,
    );
  }
  const schema = s as CompactSchema;
  if (rest !== undefined) pendingDescriptions.set(schema, rest);
  return schema;
}
