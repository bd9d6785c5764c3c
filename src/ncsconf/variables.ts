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
}

const nameChar = /[A-Za-z0-9_]/;

/** The `${NAME}` references in text[from, to). */
export function findVariables(text: string, from: number, to: number): VariableUse[] {
  const out: VariableUse[] = [];
  let i = text.indexOf('${', from);
  while (i >= 0 && i < to) {
    let j = i + 2;
    while (j < to && nameChar.test(text[j]!)) j++;
    const closed = text[j] === '}' && j < to;
    out.push({
      name: text.slice(i + 2, j),
      offset: i,
      length: (closed ? j + 1 : j) - i,
      nameOffset: i + 2,
      closed,
    });
    i = text.indexOf('${', j);
  }
  return out;
}

/** Replaces `${NAME}` by its value where one is known; unknown names stay as written. */
export function expandVariables(value: string, values: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, name: string) => values[name] ?? m);
}
