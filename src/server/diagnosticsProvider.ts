// Diagnostics as you type: validation runs ~150 ms after the last change, on
// the latest text only; opening a file validates at once.

import {
  DiagnosticSeverity,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkForContainer } from '../ncsconf/containerChecks';
import type { ConfProblem } from '../ncsconf/problems';
import { validateScanned } from '../ncsconf/validator';
import type { ConfDocuments } from './confDocuments';

const severity = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
} as const;

/** Carried in Diagnostic.data so the code action provider can offer the fix. */
export interface FixData {
  version: number;
  title: string;
  edits: TextEdit[];
}

export function toDiagnostic(document: TextDocument, p: ConfProblem): Diagnostic {
  const d: Diagnostic = {
    range: { start: document.positionAt(p.offset), end: document.positionAt(p.offset + p.length) },
    severity: severity[p.severity],
    source: 'ncs.conf',
    message: p.message,
  };
  if (p.code) d.code = p.code;
  if (p.fix) {
    const data: FixData = {
      version: document.version,
      title: p.fix.title,
      edits: p.fix.edits.map((e) => ({
        range: {
          start: document.positionAt(e.offset),
          end: document.positionAt(e.offset + e.length),
        },
        newText: e.newText,
      })),
    };
    d.data = data;
  }
  return d;
}

/** All problems of a document: schema (or schema-less) validation plus container checks. */
export function problemsOf(document: TextDocument, confDocs: ConfDocuments): ConfProblem[] {
  const text = document.getText();
  const doc = confDocs.scan(document);
  const fragment = confDocs.isFragment(document.uri);
  const schema = confDocs.schema.current;
  const opts: Parameters<typeof validateScanned>[2] = {
    fragment,
    environment: Object.keys(confDocs.variables()),
  };
  if (schema) opts.schema = schema;
  const problems = validateScanned(text, doc, opts);
  const container = confDocs.containerFor(document.uri);
  if (container) {
    const copts: Parameters<typeof checkForContainer>[3] = { fragment };
    if (schema) copts.schema = schema;
    problems.push(...checkForContainer(text, doc, container, copts));
    problems.sort((a, b) => a.offset - b.offset);
  }
  return problems;
}

export class DiagnosticsProvider {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly confDocs: ConfDocuments,
    private readonly delayMs: number,
  ) {
    // Opening fires both events: validate the opened file at once, typing after a pause.
    const opened = new Set<string>();
    documents.onDidOpen((e) => {
      opened.add(e.document.uri);
      this.schedule(e.document.uri, 0);
    });
    documents.onDidChangeContent((e) => {
      if (!opened.delete(e.document.uri)) this.schedule(e.document.uri, this.delayMs);
    });
    documents.onDidClose((e) => {
      this.cancel(e.document.uri);
      confDocs.forget(e.document.uri);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
  }

  /** Revalidates every open document, e.g. after the schema or the container changed. */
  refreshAll(): void {
    for (const d of this.documents.all()) this.schedule(d.uri, 0);
  }

  private cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
  }

  private schedule(uri: string, delayMs: number): void {
    this.cancel(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publish(uri);
      }, delayMs),
    );
  }

  private publish(uri: string): void {
    // The latest version, whatever version triggered the timer.
    const document = this.documents.get(uri);
    if (!document) return;
    try {
      const started = performance.now();
      const diagnostics = problemsOf(document, this.confDocs).map((p) => toDiagnostic(document, p));
      const ms = performance.now() - started;
      if (ms > 50) this.connection.console.warn(`Validating ${uri} took ${ms.toFixed(0)} ms`);
      void this.connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    } catch (err) {
      this.connection.console.error(
        `Validating ${uri} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
