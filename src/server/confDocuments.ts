// What the providers share about an open ncs.conf: its scan (reused while the
// text is unchanged), whether it is an ncs.conf.d/ fragment, and the settings
// that shape validation (schema, environment, production container).

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isFragmentPath } from '../ncsconf/binding';
import type { ProductionContainer } from '../ncsconf/containerChecks';
import { scanXml, type XmlDocument } from '../ncsconf/xmlScanner';
import type { ContainerContext } from '../shared/ncsConfProtocol';
import type { SchemaHolder } from './schemaHolder';

export class ConfDocuments {
  private readonly scans = new Map<string, { version: number; doc: XmlDocument }>();
  environment: Record<string, string> = {};
  container: ContainerContext | undefined;

  constructor(readonly schema: SchemaHolder) {}

  scan(document: TextDocument): XmlDocument {
    const known = this.scans.get(document.uri);
    if (known && known.version === document.version) return known.doc;
    const doc = scanXml(document.getText());
    this.scans.set(document.uri, { version: document.version, doc });
    return doc;
  }

  forget(uri: string): void {
    this.scans.delete(uri);
  }

  isFragment(uri: string): boolean {
    return isFragmentPath(uriPath(uri));
  }

  /** Variables set where NSO runs: the given environment and the production container's. */
  variables(): Record<string, string> {
    return { ...this.environment, ...(this.container?.container.env ?? {}) };
  }

  /** The production container as this document sees it (with its mount point), if any. */
  containerFor(uri: string): ProductionContainer | undefined {
    const ctx = this.container;
    if (!ctx) return undefined;
    const mountedAt = mountPoint(ctx.mounts ?? [], uri);
    return mountedAt !== undefined ? { ...ctx.container, mountedAt } : { ...ctx.container };
  }
}

/**
 * Where a document appears inside the container: a file mounted as itself, or
 * a file inside a mounted folder (`./config:/nso/etc`); the deepest mount wins,
 * as it does in the container.
 */
function mountPoint(
  mounts: readonly { uri: string; containerPath: string }[],
  uri: string,
): string | undefined {
  let best: { length: number; at: string } | undefined;
  for (const m of mounts) {
    const folder = m.uri.replace(/\/+$/, '');
    let at: string | undefined;
    if (m.uri === uri) at = m.containerPath;
    else if (uri.startsWith(`${folder}/`))
      at = `${m.containerPath.replace(/\/+$/, '')}/${decodePath(uri.slice(folder.length + 1))}`;
    if (at !== undefined && (!best || folder.length > best.length))
      best = { length: folder.length, at };
  }
  return best?.at;
}

function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}
