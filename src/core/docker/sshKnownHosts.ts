// Host key checking for ssh:// engines. The Docker CLI runs the system `ssh`,
// which refuses unknown or changed host keys; ssh2 (what docker-modem uses)
// accepts any key unless told otherwise. We check the same known_hosts files
// OpenSSH does, and refuse what OpenSSH would refuse.

import { createHmac } from 'node:crypto';

export type HostKeyVerdict = 'match' | 'unknown' | 'changed' | 'revoked';

/** The name OpenSSH records a host under: `host`, or `[host]:port` off port 22. */
export function knownHostsName(hostname: string, port: number): string {
  return port === 22 ? hostname : `[${hostname}]:${port}`;
}

/**
 * Looks a server's public key (the raw SSH wire blob) up in the text of one or
 * more known_hosts files. Supports hashed names (|1|salt|hash), patterns with
 * * and ?, negated patterns and @revoked; @cert-authority lines are not used.
 */
export function checkHostKey(
  knownHostsTexts: readonly string[],
  hostname: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const name = knownHostsName(hostname, port);
  const keyBase64 = key.toString('base64');
  let sawHost = false;

  for (const text of knownHostsTexts) {
    for (const rawLine of text.split(/\r?\n/)) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) {
        continue;
      }
      const fields = line.split(/\s+/);
      let marker: string | undefined;
      if (fields[0]?.startsWith('@')) {
        marker = fields.shift();
      }
      const [patterns, , lineKey] = fields;
      if (patterns === undefined || lineKey === undefined || !hostMatches(patterns, name)) {
        continue;
      }
      if (marker === '@cert-authority') {
        continue;
      }
      if (marker === '@revoked') {
        if (lineKey === keyBase64) {
          return 'revoked';
        }
        continue;
      }
      if (lineKey === keyBase64) {
        return 'match';
      }
      sawHost = true;
    }
  }
  return sawHost ? 'changed' : 'unknown';
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    return hashedMatches(patterns, name);
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (wildcardMatches(body, name)) {
      if (negated) {
        return false;
      }
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split('|');
  if (salt === undefined || hash === undefined) {
    return false;
  }
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function wildcardMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name.toLowerCase());
}

/** Whether a private key file needs a passphrase (we cannot ask for one, so we skip such keys). */
export function isEncryptedPrivateKey(text: string): boolean {
  if (/Proc-Type:\s*4,ENCRYPTED/.test(text) || text.includes('BEGIN ENCRYPTED PRIVATE KEY')) {
    return true;
  }
  const body =
    /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(
      text,
    )?.[1];
  if (body === undefined) {
    return false;
  }
  // openssh-key-v1\0, then the cipher name as a length-prefixed string: "none" when clear.
  const blob = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (blob.length < magic.length + 4 || blob.toString('latin1', 0, magic.length) !== magic) {
    return false;
  }
  const cipherLength = blob.readUInt32BE(magic.length);
  const cipher = blob.toString('latin1', magic.length + 4, magic.length + 4 + cipherLength);
  return cipher !== 'none';
}
