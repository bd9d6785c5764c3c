import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  createMessageConnection,
  StreamMessageReader as ClientReader,
  StreamMessageWriter as ClientWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { redactEnvironment } from '../../src/ncsconf/variables';
import { startNcsConfServer } from '../../src/server/ncsConfServer';
import {
  schemaStatusChangedMethod,
  schemaStatusMethod,
  setContainerContextMethod,
  setEnvironmentMethod,
  setSchemaMethod,
  type NcsConfInitializationOptions,
  type SchemaStatus,
} from '../../src/shared/ncsConfProtocol';
import { repoRoot } from '../helpers/paths';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'ncsconf');
const yangDir = path.join(fixtures, 'yang');
const readConf = (name: string): string =>
  fs.readFileSync(path.join(fixtures, 'conf', name), 'utf8');

/** Collects what the server sends and lets a test wait for a matching message. */
class Inbox<T> {
  readonly items: T[] = [];
  private waiters: { match: (t: T) => boolean; resolve: (t: T) => void }[] = [];

  push(t: T): void {
    this.items.push(t);
    this.waiters = this.waiters.filter((w) => (w.match(t) ? (w.resolve(t), false) : true));
  }

  /** The first message from `from` on that matches, waiting up to timeoutMs for it. */
  next(match: (t: T) => boolean, timeoutMs = 5000, from = 0): Promise<T> {
    const seen = this.items.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      });
    });
  }
}

interface Harness {
  client: MessageConnection;
  diagnostics: Inbox<PublishDiagnosticsParams>;
  statuses: Inbox<SchemaStatus>;
  logs: Inbox<{ type: number; message: string }>;
  close(): Promise<void>;
}

async function startServer(options: NcsConfInitializationOptions): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
  );
  startNcsConfServer(server);
  server.listen();

  const client = createMessageConnection(new ClientReader(toClient), new ClientWriter(toServer));
  const h: Harness = {
    client,
    diagnostics: new Inbox(),
    statuses: new Inbox(),
    logs: new Inbox(),
    close: async () => {
      // A clean LSP shutdown stops the server's pending validation timers.
      await client.sendRequest('shutdown');
      client.dispose();
      server.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };
  client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) =>
    h.diagnostics.push(p),
  );
  client.onNotification(schemaStatusChangedMethod, (s: SchemaStatus) => h.statuses.push(s));
  client.onNotification('window/logMessage', (m: { type: number; message: string }) =>
    h.logs.push(m),
  );
  client.listen();
  await client.sendRequest('initialize', {
    processId: null,
    rootUri: null,
    capabilities: {},
    initializationOptions: options,
  });
  await client.sendNotification('initialized', {});
  return h;
}

function open(h: Harness, uri: string, text: string, version = 1): Promise<void> {
  return h.client.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'ncs-conf', version, text },
  });
}

const lines = (d: Diagnostic[]): number[] => d.map((x) => x.range.start.line + 1);

describe('ncs.conf language server', function () {
  this.timeout(20000);
  let cacheDir: string;
  let h: Harness;

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nso-wb-server-'));
  });
  afterEach(async () => {
    await h?.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('loads the schema from initializationOptions and publishes diagnostics on open', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir], nsoVersion: '9.1.2' }, cacheDir });
    const ready = await h.statuses.next((s) => s.state === 'ready');
    assert.equal(ready.label, 'ncs.conf: NSO 9.1.2: wb-ncs-config 2024-02-01');
    assert.equal(ready.fromCache, false);
    assert.ok(ready.schemaPath?.startsWith(cacheDir));
    const status = await h.client.sendRequest<SchemaStatus>(schemaStatusMethod);
    assert.deepEqual(status, ready);

    const uri = 'file:///ws/ncs.conf';
    await open(h, uri, readConf('broken-values.conf'));
    const d = await h.diagnostics.next((p) => p.uri === uri && p.diagnostics.length > 0);
    assert.equal(d.version, 1);
    assert.deepEqual(
      lines(d.diagnostics),
      [5, 6, 8, 9, 10, 11, 13, 14, 18, 20, 22, 27, 29, 30, 33, 34, 38, 42],
    );
    const first = d.diagnostics[0]!;
    assert.deepEqual(first.range, {
      start: { line: 4, character: 8 },
      end: { line: 4, character: 19 },
    });
    assert.equal(first.severity, 1);
    assert.equal(first.source, 'ncs.conf');
    assert.equal(first.code, 'invalid-value');
  });

  it('validates once after a burst of edits, on the latest version only', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir] }, cacheDir, diagnosticsDelayMs: 150 });
    await h.statuses.next((s) => s.state === 'ready');
    const uri = 'file:///ws/ncs.conf';
    const text = readConf('valid.conf');
    await open(h, uri, text);
    await h.diagnostics.next((p) => p.uri === uri && p.version === 1);
    const before = h.diagnostics.items.length;

    // Type "2024" over the history-size default, one keystroke per version.
    const line = text.split('\n').findIndex((l) => l.includes('<prompt1>'));
    const typed = ['<history-size>9', '9', '9', '</history-size>'];
    let character = 4;
    for (const [i, chunk] of typed.entries()) {
      await h.client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [
          { range: { start: { line, character }, end: { line, character } }, text: chunk },
        ],
      });
      character += chunk.length;
    }
    const after = await h.diagnostics.next((p) => p.uri === uri && p.version === 5, 5000, before);
    assert.deepEqual(
      after.diagnostics.map((x) => [x.range.start.line + 1, x.code]),
      [[line + 1, 'invalid-value']],
    );
    assert.match(
      after.diagnostics[0]!.message,
      /'999' is not a valid <history-size>: expected an integer in 1\.\.10/,
    );
    // No diagnostics for the intermediate versions.
    assert.deepEqual(
      h.diagnostics.items.slice(before).map((p) => p.version),
      [5],
    );
  });

  it('answers completion, hover, outline and folding', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir] }, cacheDir });
    await h.statuses.next((s) => s.state === 'ready');
    const uri = 'file:///ws/ncs.conf';
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <cli>\n    <ssh>\n      <\n';
    await open(h, uri, text);

    const items = await h.client.sendRequest<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 3, character: 7 },
    });
    assert.deepEqual(
      items.map((i) => i.label),
      ['enabled', 'ip', 'port', 'extra-listen'],
    );
    const port = items[2]!;
    assert.equal(port.insertTextFormat, 2);
    assert.deepEqual(port.textEdit, {
      range: { start: { line: 3, character: 7 }, end: { line: 3, character: 7 } },
      newText: 'port>${1:2024}</port>',
    });
    assert.equal(port.documentation, undefined);
    const resolved = await h.client.sendRequest<CompletionItem>('completionItem/resolve', port);
    assert.match(
      (resolved.documentation as { value: string }).value,
      /`\/ncs-config\/cli\/ssh\/port`/,
    );

    const hover = await h.client.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 4 },
    });
    assert.match(
      (hover.contents as { value: string }).value,
      /^\*\*cli\*\* · container · `\/ncs-config\/cli`/,
    );
    assert.deepEqual(hover.range, {
      start: { line: 1, character: 3 },
      end: { line: 1, character: 6 },
    });

    const valid = 'file:///ws/valid/ncs.conf';
    await open(h, valid, readConf('valid.conf'));
    const symbols = await h.client.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: valid },
    });
    assert.equal(symbols[0]!.name, 'ncs-config');
    assert.equal(symbols[0]!.kind, 2);
    assert.deepEqual(
      symbols[0]!.children!.slice(0, 3).map((s) => [s.name, s.detail ?? '']),
      [
        ['state-dir', '${NCS_RUN_DIR}/state'],
        ['load-path', ''],
        ['ncs-ipc-address', ''],
      ],
    );
    const folds = await h.client.sendRequest<FoldingRange[]>('textDocument/foldingRange', {
      textDocument: { uri: valid },
    });
    // The leading comment (lines 2-3) and the root element (lines 4-150) fold.
    assert.deepEqual(folds[0], { startLine: 1, endLine: 2, kind: 'comment' });
    assert.deepEqual(folds[1], {
      startLine: 3,
      endLine: readConf('valid.conf').split('\n').length - 3,
    });
  });

  it('offers the quick fix a diagnostic carries, only for the version it was made for', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir] }, cacheDir });
    await h.statuses.next((s) => s.state === 'ready');
    const uri = 'file:///ws/ncs.conf';
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <state-dir>x</state-dir>\n  <aaa><pamm/></aaa>\n</ncs-config>\n';
    await open(h, uri, text);
    const d = await h.diagnostics.next((p) => p.uri === uri && p.diagnostics.length > 0);
    const diagnostic = d.diagnostics[0]!;
    assert.equal(
      diagnostic.message,
      'Unknown element <pamm> in /ncs-config/aaa: did you mean <pam>?',
    );
    const request = {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    };
    const actions = await h.client.sendRequest<CodeAction[]>('textDocument/codeAction', request);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, 'Change to <pam>');
    assert.deepEqual(actions[0]!.edit!.changes![uri], [
      {
        range: { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } },
        newText: 'pam',
      },
    ]);

    await h.client.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: `${text}\n` }],
    });
    const stale = await h.client.sendRequest<CodeAction[]>('textDocument/codeAction', request);
    assert.deepEqual(stale, []);
  });

  it('switches schemas on nso/setSchema, reports failures, and validates without one', async () => {
    h = await startServer({ cacheDir });
    const none = await h.client.sendRequest<SchemaStatus>(schemaStatusMethod);
    assert.equal(none.state, 'none');
    assert.match(none.detail, /well-formedness, namespace and container checks/);
    assert.match(none.detail, /from your NSO image or container \(Load Schema\)/);

    const uri = 'file:///ws/ncs.conf';
    await open(h, uri, readConf('broken-values.conf'));
    const bare = await h.diagnostics.next((p) => p.uri === uri);
    assert.deepEqual(bare.diagnostics, []);

    const mark = h.diagnostics.items.length;
    await h.client.sendNotification(setSchemaMethod, { yangDirs: [yangDir], nsoVersion: '9.1.2' });
    const ready = await h.statuses.next((s) => s.state === 'ready');
    const withSchema = await h.diagnostics.next(
      (p) => p.uri === uri && p.diagnostics.length > 0,
      5000,
      mark,
    );
    assert.equal(withSchema.diagnostics.length, 18);

    // The cached compact schema loads directly.
    await h.client.sendNotification(setSchemaMethod, { compactSchemaPath: ready.schemaPath });
    const cached = await h.statuses.next((s) => s.state === 'ready' && s.fromCache === true);
    assert.equal(cached.schemaPath, ready.schemaPath);
    // Descriptions are read from the cache file when hover first needs them.
    const hover = await h.client.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 3 },
    });
    assert.match((hover.contents as { value: string }).value, /NCS configuration\./);

    await h.client.sendNotification(setSchemaMethod, {
      yangDirs: [path.join(cacheDir, 'nowhere')],
    });
    const failed = await h.statuses.next((s) => s.state === 'failed');
    assert.match(failed.detail, /could not be read \(cannot read the YANG directory/);
    await h.logs.next((m) => m.type === 1 && /could not be read/.test(m.message));
  });

  it('adds container-aware warnings on nso/setContainerContext', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir] }, cacheDir });
    await h.statuses.next((s) => s.state === 'ready');
    const uri = 'file:///ws/ncs.conf';
    await open(h, uri, readConf('container.conf'));
    await h.diagnostics.next((p) => p.uri === uri);
    const mark = h.diagnostics.items.length;
    await h.client.sendNotification(setContainerContextMethod, {
      container: {
        name: 'nso-prod',
        env: { ADMIN_PASSWORD: 'x' },
        publishedPorts: [{ containerPort: 2024 }],
        ncsConfInUse: '/nso/etc/ncs.conf',
      },
      mounts: [{ uri, containerPath: '/nso/etc/ncs.conf' }],
    });
    const d = await h.diagnostics.next((p) => p.uri === uri, 5000, mark);
    assert.deepEqual(
      d.diagnostics.map((x) => x.code),
      [
        'conf-in-use',
        'absolute-path',
        'load-path-packages',
        'admin-without-local-auth',
        'published-port-disabled',
        'tls-location',
        'absolute-path',
      ],
    );
    assert.equal(d.diagnostics[0]!.severity, 3);
    assert.equal(d.diagnostics[1]!.severity, 2);

    // Variables the container sets are known; others are not.
    const other = 'file:///ws/other/ncs.conf';
    await open(
      h,
      other,
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <state-dir>${ADMIN_PASSWORD}${NOPE}</state-dir>\n</ncs-config>\n',
    );
    const vars = await h.diagnostics.next((p) => p.uri === other);
    assert.deepEqual(
      vars.diagnostics
        .filter((x) => x.code === 'unknown-variable')
        .map((x) => x.message.slice(0, 8)),
      ['${NOPE} '],
    );
  });

  it('knows the variables sent with nso/setEnvironment, a secret one by name only', async () => {
    h = await startServer({ cacheDir });
    const uri = 'file:///ws/env/ncs.conf';
    const text =
      '<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <state-dir>${SITE}/${ADMIN_PASSWORD}/${NOPE}</state-dir>\n</ncs-config>\n';
    await open(h, uri, text);
    const unknown = (p: PublishDiagnosticsParams): string[] =>
      p.diagnostics.filter((x) => x.code === 'unknown-variable').map((x) => x.message.slice(0, 7));
    const before = await h.diagnostics.next((p) => p.uri === uri);
    assert.deepEqual(unknown(before), ['${SITE}', '${ADMIN', '${NOPE}']);

    const mark = h.diagnostics.items.length;
    await h.client.sendNotification(
      setEnvironmentMethod,
      redactEnvironment({ SITE: 'lab', ADMIN_PASSWORD: 'hunter2' }),
    );
    const after = await h.diagnostics.next((p) => p.uri === uri, 5000, mark);
    assert.deepEqual(unknown(after), ['${NOPE}']);
    const hover = async (character: number): Promise<string> =>
      (
        (
          await h.client.sendRequest<Hover>('textDocument/hover', {
            textDocument: { uri },
            position: { line: 1, character },
          })
        ).contents as { value: string }
      ).value;
    assert.match(await hover(15), /Set to `lab` where NSO runs/);
    const secret = await hover(22);
    assert.match(secret, /a secret: its value is not shown/);
    assert.doesNotMatch(secret, /hunter2/);
  });

  it('validates an ncs.conf.d/ fragment against its section', async () => {
    h = await startServer({ schema: { yangDirs: [yangDir] }, cacheDir });
    await h.statuses.next((s) => s.state === 'ready');
    const uri = 'file:///ws/ncs.conf.d/logging.conf';
    await open(h, uri, '<logs>\n  <developer-log-level>loud</developer-log-level>\n</logs>\n');
    const d = await h.diagnostics.next((p) => p.uri === uri);
    assert.deepEqual(
      d.diagnostics.map((x) => [x.range.start.line + 1, x.code]),
      [[2, 'invalid-value']],
    );
  });

  it('turns a provider exception into a logged ResponseError and keeps serving', async () => {
    h = await startServer({});
    const uri = 'file:///ws/ncs.conf';
    await open(h, uri, '<ncs-config/>');
    await assert.rejects(
      h.client.sendRequest('textDocument/hover', { textDocument: { uri }, position: null }),
      (e: { code?: number; message?: string }) =>
        e.code === -32603 && /^hover failed:/.test(e.message ?? ''),
    );
    await h.logs.next((m) => m.type === 1 && /^hover failed: TypeError/.test(m.message));
    const ok = await h.client.sendRequest<SchemaStatus>(schemaStatusMethod);
    assert.equal(ok.state, 'none');
  });
});
