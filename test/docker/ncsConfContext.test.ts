// The ncs.conf checks told about a real production container: one created
// (never started) from the simulator image with a folder bind-mounted at
// /nso/etc and a file at /etc/ncs/ncs.conf. What the extension reads from it
// (which ncs.conf NSO uses, the environment with its secrets redacted) goes
// to the language server as the client sends it, and the files get "used by",
// "shadowed by" or "not read" on their root element. The container is named
// nsowb-ncsconfctx-* and removed at the end.

import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader as ClientReader,
  StreamMessageWriter as ClientWriter,
} from 'vscode-jsonrpc/node';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Hover,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

import { createDockerClient } from '../../src/core/docker';
import { readNcsConfContext } from '../../src/core/nso/ncsConfContext';
import { redactedValue } from '../../src/ncsconf/variables';
import { startNcsConfServer } from '../../src/server/ncsConfServer';
import {
  setContainerContextMethod,
  setEnvironmentMethod,
  type ContainerContext,
} from '../../src/shared/ncsConfProtocol';

const image = 'nso-sim/cisco-nso-prod:6.4.1';
const name = `nsowb-ncsconfctx-${process.pid}-${Date.now().toString(36)}`;
const docker = createDockerClient();
const fileUri = (p: string): string => pathToFileURL(p).toString();

function dockerCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

const conf = (extra = ''): string =>
  `<ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">\n  <state-dir>\${NCS_RUN_DIR}/state</state-dir>\n${extra}</ncs-config>\n`;

describe('ncs.conf checks with a real production container', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-ncsconfctx-'));
  const mountedFolder = path.join(dir, 'config');
  const shadowed = path.join(mountedFolder, 'ncs.conf');
  const used = path.join(dir, 'etc-ncs', 'ncs.conf');

  before(async () => {
    fs.mkdirSync(path.dirname(used), { recursive: true });
    fs.mkdirSync(mountedFolder, { recursive: true });
    fs.writeFileSync(shadowed, conf());
    fs.writeFileSync(used, conf());
    await dockerCli([
      'create',
      '--name',
      name,
      '--network',
      'none',
      '-e',
      'ADMIN_PASSWORD=s3cret-pw',
      '-e',
      'BACKUP_API_TOKEN=t0ken-value',
      '-e',
      'SITE_NAME=lab-7',
      '-v',
      `${mountedFolder}:/nso/etc`,
      '-v',
      `${used}:/etc/ncs/ncs.conf`,
      image,
    ]);
  });

  after(async () => {
    await dockerCli(['rm', '-f', '-v', name]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says which file the container reads and never sends a secret', async () => {
    const details = await docker.inspectContainer(name);
    const context: ContainerContext = await readNcsConfContext(docker, details, fileUri);
    assert.equal(context.container.ncsConfInUse, '/etc/ncs/ncs.conf');
    assert.equal(context.container.env.ADMIN_PASSWORD, redactedValue);
    assert.equal(context.container.env.BACKUP_API_TOKEN, redactedValue);
    assert.equal(context.container.env.SITE_NAME, 'lab-7');
    const sent = JSON.stringify(context);
    assert.ok(!sent.includes('s3cret-pw') && !sent.includes('t0ken-value'), sent);

    // The language server, over a pair of streams, told what the client tells it.
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(
      new StreamMessageReader(toServer),
      new StreamMessageWriter(toClient),
    );
    startNcsConfServer(server);
    server.listen();
    const client = createMessageConnection(new ClientReader(toClient), new ClientWriter(toServer));
    const published = new Map<string, PublishDiagnosticsParams>();
    const waiters: (() => void)[] = [];
    client.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(p.uri, p);
      for (const w of waiters.splice(0)) w();
    });
    client.listen();
    const diagnosticsOf = async (
      uri: string,
      ready: (p: PublishDiagnosticsParams) => boolean,
    ): Promise<PublishDiagnosticsParams> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const p = published.get(uri);
        if (p && ready(p)) return p;
        if (Date.now() > deadline) throw new Error(`no matching diagnostics for ${uri}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    };
    try {
      await client.sendRequest('initialize', {
        processId: null,
        rootUri: null,
        capabilities: {},
        initializationOptions: { diagnosticsDelayMs: 0 },
      });
      await client.sendNotification('initialized', {});
      await client.sendNotification(setContainerContextMethod, context);
      await client.sendNotification(setEnvironmentMethod, context.container.env);

      const uses = '  <ha><ip>${SITE_NAME}</ip></ha>\n  <x-secret>${ADMIN_PASSWORD}</x-secret>\n';
      // A file beside the mounts, which the container never sees.
      const notMounted = path.join(dir, 'ncs.conf');
      const docs = [
        { uri: fileUri(used), text: conf(uses) },
        { uri: fileUri(shadowed), text: conf() },
        { uri: fileUri(notMounted), text: conf() },
      ];
      for (const [i, d] of docs.entries()) {
        await client.sendNotification('textDocument/didOpen', {
          textDocument: { uri: d.uri, languageId: 'ncs-conf', version: i + 1, text: d.text },
        });
      }
      const root = { start: { line: 0, character: 1 }, end: { line: 0, character: 11 } };
      const usedDiagnostics = await diagnosticsOf(fileUri(used), (p) =>
        p.diagnostics.some((x) => x.code === 'conf-in-use'),
      );
      const inUse = usedDiagnostics.diagnostics.find((x) => x.code === 'conf-in-use')!;
      assert.equal(inUse.message, `${name} reads this file as /etc/ncs/ncs.conf.`);
      assert.equal(inUse.severity, 3);
      assert.deepEqual(inUse.range, root);
      // Variables the container sets are known, the secret one included (by name).
      assert.deepEqual(
        usedDiagnostics.diagnostics.filter((x) => x.code === 'unknown-variable'),
        [],
      );

      const shadowedDiagnostics = await diagnosticsOf(fileUri(shadowed), (p) =>
        p.diagnostics.some((x) => x.code === 'conf-shadowed'),
      );
      const shadow = shadowedDiagnostics.diagnostics.find((x) => x.code === 'conf-shadowed')!;
      assert.equal(
        shadow.message,
        `${name} reads /etc/ncs/ncs.conf, which shadows this file (mounted at /nso/etc/ncs.conf): edits here have no effect there.`,
      );
      assert.deepEqual(shadow.range, root);

      const elsewhere = await diagnosticsOf(fileUri(notMounted), (p) =>
        p.diagnostics.some((x) => x.code === 'conf-not-read'),
      );
      assert.equal(
        elsewhere.diagnostics.find((x) => x.code === 'conf-not-read')!.message,
        `${name} does not read this file: it reads /etc/ncs/ncs.conf, and this file is not mounted into the container.`,
      );

      const hoverAt = async (character: number): Promise<string> => {
        const h = await client.sendRequest<Hover>('textDocument/hover', {
          textDocument: { uri: fileUri(used) },
          position: { line: character < 0 ? 3 : 2, character: Math.abs(character) },
        });
        return (h.contents as { value: string }).value;
      };
      assert.match(await hoverAt(12), /Set to `lab-7` where NSO runs/);
      const secret = await hoverAt(-16);
      assert.match(secret, /a secret: its value is not shown/);
      assert.ok(!secret.includes('s3cret'));
      await client.sendRequest('shutdown');
    } finally {
      client.dispose();
      server.dispose();
      toServer.destroy();
      toClient.destroy();
    }
  });
});
