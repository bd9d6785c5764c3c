// Checks a leaf value against its resolved YANG type and says, in words,
// what the type allows: the message a user needs to fix the value.

import type { RtType } from './schemaIndex';

const xsdLexical: Record<string, RegExp> = {
  duration: /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
  date: /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  hexBinary: /^([0-9a-fA-F]{2})*$/,
  decimal: /^[+-]?(\d+(\.\d*)?|\.\d+)$/,
  float: /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/,
  double: /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$/,
  QName: /^([\p{L}_][\p{L}\p{N}_.-]*:)?[\p{L}_][\p{L}\p{N}_.-]*$/u,
  token: /^(\S+( \S+)*)?$/,
};

const xsdWords: Record<string, string> = {
  duration: 'an XML Schema duration such as PT30S, PT5M or P1DT2H',
  date: 'a date such as 2024-04-09',
  time: 'a time such as 13:45:00',
  hexBinary: 'hexadecimal octets such as 0a1b2c',
  decimal: 'a decimal number',
  float: 'a floating-point number',
  double: 'a floating-point number',
  QName: 'a qualified name such as prefix:name',
  token: 'a token (no leading, trailing or double spaces)',
};

/** Words for string types whose patterns are unreadable to a person. */
const typedefWords: Record<string, string> = {
  'ip-address': 'an IPv4 or IPv6 address',
  'ipv4-address': 'an IPv4 address',
  'ipv6-address': 'an IPv6 address',
  'ip-address-no-zone': 'an IPv4 or IPv6 address',
  'ipv4-address-no-zone': 'an IPv4 address',
  'ipv6-address-no-zone': 'an IPv6 address',
  'ip-prefix': 'an IPv4 or IPv6 prefix such as 10.0.0.0/8',
  'ipv4-prefix': 'an IPv4 prefix such as 10.0.0.0/8',
  'ipv6-prefix': 'an IPv6 prefix such as 2001:db8::/32',
  'domain-name': 'a domain name',
  host: 'an IP address or a domain name',
  'port-number': 'a port number',
  size: 'a size such as S10M or S1G8M7K956B (S, then G, M, K, B counts in that order)',
  'mac-address': 'a MAC address such as 00:1a:2b:3c:4d:5e',
  'date-and-time': 'a date and time such as 2024-04-09T13:45:00Z',
  'fq-domain-name-with-optional-node-id': 'a fully qualified domain name, optionally node@',
  'ip-address-with-optional-node-id': 'an IP address, optionally prefixed by node@',
};

const integerBases = new Set([
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
]);

function typedefName(t: RtType): string | undefined {
  const first = t.info.derivedFrom?.[0];
  return first === undefined ? undefined : first.slice(first.indexOf(':') + 1);
}

function intervals(r: [string, string][]): string {
  return r.map(([lo, hi]) => (lo === hi ? lo : `${lo}..${hi}`)).join(', ');
}

function listWords(names: string[], max = 12): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/** What a type allows, in words: "an integer in 1..65535", "one of a, b, c". */
export function describeType(t: RtType): string {
  const { info } = t;
  const named = typedefName(t);
  if (info.xsd) return xsdWords[info.xsd] ?? info.xsd;
  switch (info.base) {
    case 'boolean':
      return 'true or false';
    case 'empty':
      return 'no value (an empty element)';
    case 'enumeration':
      return `one of ${listWords((info.enums ?? []).map((e) => e.name))}`;
    case 'bits':
      return `space-separated bits from ${listWords(info.bits ?? [])}`;
    case 'union': {
      const parts: string[] = [];
      for (const m of t.members ?? []) {
        const d = describeType(m);
        if (!parts.includes(d)) parts.push(d);
      }
      return parts.join(', or ');
    }
    case 'decimal64':
      return `a decimal number with at most ${info.fractionDigits ?? 1} fraction digits in ${intervals(info.range ?? [])}`;
    case 'binary':
      return 'base64-encoded data';
    case 'leafref':
    case 'identityref':
    case 'instance-identifier':
      return `a ${info.base}`;
    case 'string': {
      if (named && typedefWords[named]) return typedefWords[named];
      const pats = info.patterns ?? [];
      const len = info.length?.filter(([lo, hi]) => !(lo === '0' && hi.length >= 19));
      let s = 'a string';
      if (len && len.length > 0) s += ` of length ${intervals(len)}`;
      if (pats.length > 0) s += ` matching ${pats.map((p) => `'${p.xsd}'`).join(' and ')}`;
      return s;
    }
    default:
      if (integerBases.has(info.base)) {
        const prefix = named && typedefWords[named] ? `${typedefWords[named]}, ` : '';
        return `${prefix}an integer in ${intervals(info.range ?? [])}`;
      }
      return info.base;
  }
}

function inBigRange(v: bigint, r: [bigint, bigint][] | undefined): boolean {
  if (!r || r.length === 0) return true;
  for (const [lo, hi] of r) if (v >= lo && v <= hi) return true;
  return false;
}

function inDecimalRange(v: number, r: [string, string][] | undefined): boolean {
  if (!r || r.length === 0) return true;
  for (const [lo, hi] of r) if (v >= Number(lo) && v <= Number(hi)) return true;
  return false;
}

function lengthOk(len: number, r: [string, string][] | undefined): boolean {
  if (!r) return true;
  for (const [lo, hi] of r) if (len >= Number(lo) && len <= Number(hi)) return true;
  return false;
}

/** True when the value is in the type's value space. The value is already trimmed. */
export function valueMatches(t: RtType, value: string): boolean {
  const { info } = t;
  if (info.xsd) {
    const re = xsdLexical[info.xsd];
    if (re && !re.test(value)) return false;
  }
  switch (info.base) {
    case 'boolean':
      return value === 'true' || value === 'false';
    case 'empty':
      return value === '';
    case 'enumeration':
      return (info.enums ?? []).some((e) => e.name === value);
    case 'bits': {
      const names = new Set(info.bits ?? []);
      return value === '' || value.split(/\s+/).every((b) => names.has(b));
    }
    case 'union':
      return (t.members ?? []).some((m) => valueMatches(m, value));
    case 'decimal64': {
      const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(value);
      if (!m) return false;
      if ((m[2]?.length ?? 0) > (info.fractionDigits ?? 1)) return false;
      return inDecimalRange(Number(value), info.range);
    }
    case 'binary':
      return (
        /^[A-Za-z0-9+/\s]*={0,2}$/.test(value) &&
        lengthOk(Buffer.from(value, 'base64').length, info.length)
      );
    case 'leafref':
    case 'identityref':
    case 'instance-identifier':
      return true;
    case 'string':
      return stringMatches(t, value);
    default:
      if (integerBases.has(info.base)) {
        if (!/^[+-]?\d+$/.test(value)) return false;
        return inBigRange(BigInt(value), t.bigRange);
      }
      return true;
  }
}

function stringMatches(t: RtType, value: string): boolean {
  const { info } = t;
  if (info.length && !lengthOk([...value].length, info.length)) return false;
  const pats = info.patterns;
  if (pats) {
    for (let i = 0; i < pats.length; i++) {
      const re = t.regexes[i];
      if (!re) continue;
      if (re.test(value) === Boolean(pats[i]!.invertMatch)) return false;
    }
  }
  return true;
}

/**
 * True when enumeratedValues lists every value the type allows (an enumeration,
 * a boolean, or a union of only those): a pick list then says it all, where a
 * number-or-`unbounded` type would lose its numbers.
 */
export function isFullyEnumerated(t: RtType): boolean {
  const { base } = t.info;
  if (base === 'boolean' || base === 'enumeration') return true;
  return base === 'union' && (t.members ?? []).every(isFullyEnumerated);
}

/** Values completion can offer: enumeration names and booleans, through unions. */
export function enumeratedValues(t: RtType): { name: string; description?: string }[] {
  const out: { name: string; description?: string }[] = [];
  const walk = (x: RtType): void => {
    if (x.info.base === 'boolean') out.push({ name: 'true' }, { name: 'false' });
    else if (x.info.base === 'enumeration') out.push(...(x.info.enums ?? []));
    else if (x.info.base === 'union') for (const m of x.members ?? []) walk(m);
  };
  walk(t);
  const seen = new Set<string>();
  return out.filter((v) => (seen.has(v.name) ? false : (seen.add(v.name), true)));
}
