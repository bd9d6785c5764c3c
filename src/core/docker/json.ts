// Readers for the engine's JSON. Fields the API documents as arrays or maps
// arrive as null often enough (imported images have no Cmd, no Labels) that
// every read goes through these instead of trusting declared types.

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : {};
}

export function asString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function asNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function asBoolean(value: unknown): boolean {
  return value === true;
}

/** A string array; a lone string (old engines' Entrypoint/Cmd) becomes one element. */
export function asStrings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function asStringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(asObject(value))) {
    if (typeof item === 'string') {
      result[key] = item;
    }
  }
  return result;
}

/** `["A=1", "B=x=y"]` → `{ A: '1', B: 'x=y' }`. */
export function envListToMap(list: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of asStrings(list)) {
    const equals = entry.indexOf('=');
    if (equals > 0) {
      result[entry.slice(0, equals)] = entry.slice(equals + 1);
    } else if (entry !== '') {
      result[entry] = '';
    }
  }
  return result;
}

export function envMapToList(env: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(env ?? {}).map(([key, value]) => `${key}=${value}`);
}

/** Docker's dates: "0001-01-01T00:00:00Z" means "never". */
export function asDate(value: unknown): Date | undefined {
  if (typeof value === 'number') {
    return new Date(value * 1000);
  }
  if (typeof value !== 'string' || value === '' || value.startsWith('0001-01-01')) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
