// `${VAR}` in ncs.conf values: NSO expands its own installation variables
// and the environment when it reads the file.

export interface NsoVariable {
  description: string;
  /** Its value in the production container (a System Install); overriding it is not supported there. */
  containerValue: string;
}

export const nsoVariables: Readonly<Record<string, NsoVariable>> = {
  NCS_DIR: { description: 'Where NSO is installed.', containerValue: '/opt/ncs/current' },
  NCS_CONFIG_DIR: {
    description: 'The configuration directory (ncs.conf, SSH host keys, crypto keys).',
    containerValue: '/etc/ncs',
  },
  NCS_RUN_DIR: {
    description: 'The run directory: cdb/, state/, packages/, backups/.',
    containerValue: '/nso/run',
  },
  NCS_LOG_DIR: { description: 'Where NSO writes its logs.', containerValue: '/log' },
};

/**
 * Stands for the value of a secret variable (a password, a token) wherever
 * the environment leaves the extension: checks see that it is set, nobody
 * sees the value.
 */
export const redactedValue = '(secret, not shown)';

/**
 * Names whose values are secrets: ADMIN_PASSWORD and anything naming a
 * password, secret, token, key or credential. Broad on purpose: a harmless
 * variable taken for a secret is only hidden, a secret taken for harmless
 * ends up on disk.
 */
export function isSecretName(name: string): boolean {
  return /PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL/i.test(name);
}

/** The environment with every secret value replaced by {@link redactedValue} (empty stays empty: unset). */
export function redactEnvironment(env: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    out[name] = isSecretName(name) && value !== '' ? redactedValue : value;
  return out;
}

export interface VariableUse {
  name: string;
  /** Offset of `$`. */
  offset: number;
  /** Length through the closing `}` (or the name when unclosed). */
  length: number;
  nameOffset: number;
  closed: boolean;
  /** What `${NAME:-default}` gives when NAME is not set (NSO's own syntax, as in the image's default ncs.conf). */
  fallback?: string;
}

const nameChar = /[A-Za-z0-9_]/;

/** The `${NAME}` and `${NAME:-default}` references in text[from, to). */
export function findVariables(text: string, from: number, to: number): VariableUse[] {
  const out: VariableUse[] = [];
  let i = text.indexOf('${', from);
  while (i >= 0 && i < to) {
    let j = i + 2;
    while (j < to && nameChar.test(text[j]!)) j++;
    const nameEnd = j;
    let fallback: string | undefined;
    if (text.startsWith(':-', j) && j + 2 <= to) {
      const close = text.indexOf('}', j + 2);
      if (close >= 0 && close < to) {
        fallback = text.slice(j + 2, close);
        j = close;
      }
    }
    const closed = text[j] === '}' && j < to;
    const use: VariableUse = {
      name: text.slice(i + 2, nameEnd),
      offset: i,
      length: (closed ? j + 1 : j) - i,
      nameOffset: i + 2,
      closed,
    };
    if (fallback !== undefined) use.fallback = fallback;
    out.push(use);
    i = text.indexOf('${', j);
  }
  return out;
}

const reference = /\$\{([A-Za-z0-9_]+)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` by its value where one is known, and `${NAME:-default}`
 * by the default where it is not (as NSO does); other names stay as written.
 */
export function expandVariables(value: string, values: Readonly<Record<string, string>>): string {
  return value.replace(
    reference,
    (m, name: string, fallback: string | undefined) => values[name] ?? fallback ?? m,
  );
}

/**
 * The value as NSO reads it when none of its variables is set, or undefined
 * when a variable has no default (the value then depends on the environment).
 */
export function valueWithFallbacks(value: string): string | undefined {
  let complete = true;
  const out = value.replace(reference, (_m, _name: string, fallback: string | undefined) => {
    if (fallback === undefined) complete = false;
    return fallback ?? '';
  });
  return complete && !out.includes('${') ? out : undefined;
}
