import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  schemaStatusChangedMethod,
  schemaStatusMethod,
  setContainerContextMethod,
  setEnvironmentMethod,
  setSchemaMethod,
  type NcsConfInitializationOptions,
  type SchemaSource,
  type SchemaStatus,
} from '../shared/ncsConfProtocol';
import type { NsoHealth } from '../core/nso/health';
import type { WorkbenchContext } from './context';
import { applyToRunningNso } from './ncsconf/applyCommand';
import { findContainerContext } from './ncsconf/containerContext';
import {
  chooseSchemaFolder,
  configuredYangDirs,
  currentSchemaSource,
  loadSchemaFromContainer,
  loadSchemaFromImage,
  storedSchemaKey,
} from './ncsconf/schemaChoice';

import { extraGlobs, loadSchemaCommand } from './ncsConfTrigger';

/** What src/extension/ncsConfTrigger.ts calls once this bundle is loaded. */
export interface NcsConfFeature {
  /** Starts the language server (the first call; later calls do nothing). */
  start(): void;
  /** NSO: Load ncs.conf Schema… */
  loadSchema(): Promise<void>;
  /** NSO: Apply ncs.conf to Running NSO */
  applyToRunningNso(uri?: vscode.Uri): Promise<boolean>;
}

/**
 * The ncs.conf language client, a separate bundle (dist/ncsconf.js, with
 * vscode-languageclient) that src/extension/ncsConfTrigger.ts loads when an
 * ncs.conf document is open or one of its commands runs. Gives the server
 * the schema (the setting, or what was read from the NSO image earlier) and
 * shows the schema in use in a language status item.
 */
export function setupNcsConfClient(
  ctx: WorkbenchContext,
  followed?: vscode.Event<NsoHealth>,
): NcsConfFeature {
  let client: LanguageClient | undefined;
  let lastSource: SchemaSource | null = null;

  const status = vscode.languages.createLanguageStatusItem('nso.ncsConf.schema', {
    language: 'ncs-conf',
  });
  status.name = 'ncs.conf schema';
  status.text = 'ncs.conf: no schema';
  status.command = { title: 'Load Schema', command: loadSchemaCommand };
  ctx.subscriptions.push(status);

  const showStatus = (s: SchemaStatus): void => {
    status.text = s.label;
    status.detail = s.detail;
    status.busy = s.state === 'loading';
    status.severity =
      s.state === 'failed'
        ? vscode.LanguageStatusSeverity.Error
        : s.state === 'none'
          ? vscode.LanguageStatusSeverity.Warning
          : vscode.LanguageStatusSeverity.Information;
    status.command =
      s.state === 'ready'
        ? { title: 'Reload Schema', command: loadSchemaCommand }
        : { title: 'Load Schema', command: loadSchemaCommand };
    // Remember the compact schema the server compiled, so the next session skips YANG parsing.
    const stored = ctx.extension.globalState.get<SchemaSource>(storedSchemaKey);
    if (
      s.state === 'ready' &&
      s.schemaPath &&
      stored &&
      lastSource?.origin === stored.origin &&
      stored.compactSchemaPath !== s.schemaPath
    ) {
      void ctx.extension.globalState.update(storedSchemaKey, {
        ...stored,
        compactSchemaPath: s.schemaPath,
      });
    }
  };

  const sendSchema = (source: SchemaSource | null): void => {
    lastSource = source;
    if (client?.isRunning()) void client.sendNotification(setSchemaMethod, source);
  };

  const sendContainerContext = async (): Promise<void> => {
    const context = await findContainerContext(ctx);
    if (!client?.isRunning()) return;
    await client.sendNotification(setContainerContextMethod, context);
    // `${VAR}` checks, completion and hover: the variables set where NSO runs, from the same
    // inspect, secret values already redacted (findContainerContext).
    await client.sendNotification(setEnvironmentMethod, context?.container.env ?? {});
  };

  const start = (): void => {
    if (client) return;
    const module = ctx.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6019'] } },
    };
    lastSource = currentSchemaSource(ctx);
    const initializationOptions: NcsConfInitializationOptions = {
      cacheDir: ctx.extension.globalStorageUri.fsPath,
      environment: {},
      ...(lastSource ? { schema: lastSource } : {}),
    };
    const documentSelector: DocumentSelector = [
      { language: 'ncs-conf' },
      ...extraGlobs().map((pattern) => ({ scheme: 'file', pattern })),
    ];
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      outputChannel: ctx.log,
      initializationOptions,
    };
    const c = new LanguageClient('nso.ncsConf', 'ncs.conf', serverOptions, clientOptions);
    client = c;
    ctx.subscriptions.push({ dispose: () => void c.stop() });
    c.start()
      .then(async () => {
        ctx.subscriptions.push(c.onNotification(schemaStatusChangedMethod, showStatus));
        showStatus(await c.sendRequest<SchemaStatus>(schemaStatusMethod));
        await sendContainerContext();
      })
      .catch((err: unknown) => {
        ctx.log.error(`The ncs.conf language server did not start: ${String(err)}`);
      });
  };

  const loadSchema = async (): Promise<void> => {
    const choice = await vscode.window.showQuickPick(
      [
        { label: 'From the NSO Image', detail: 'Copy tailf-ncs-config.yang out of the image' },
        {
          label: 'From the NSO Container',
          detail: "Copy tailf-ncs-config.yang out of the workspace's production container",
        },
        { label: 'Choose Folder…', detail: 'A folder holding tailf-ncs-config.yang' },
      ],
      { title: 'ncs.conf schema' },
    );
    if (!choice) return;
    const source =
      choice.label === 'Choose Folder…'
        ? await chooseSchemaFolder()
        : choice.label === 'From the NSO Container'
          ? await loadSchemaFromContainer(ctx)
          : await loadSchemaFromImage(ctx);
    // A folder written to the setting reaches the server through the configuration change.
    if (source && source.origin !== 'nso.ncsConf.schemaPath') sendSchema(source);
  };

  ctx.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nso.ncsConf.schemaPath')) sendSchema(currentSchemaSource(ctx));
      // A schema read from an image follows the image: read it again from the new one.
      const stored = ctx.extension.globalState.get<SchemaSource>(storedSchemaKey);
      if (
        client &&
        stored &&
        configuredYangDirs().length === 0 &&
        (e.affectsConfiguration('nso.prodImage') || e.affectsConfiguration('nso.buildImage'))
      ) {
        void loadSchemaFromImage(ctx).then((source) => {
          if (source) sendSchema(source);
        });
      }
    }),
    ctx.onDidChangeDocker(() => void sendContainerContext()),
  );
  if (followed) {
    // The container the Health view follows: a new one (picked there, attached with Use
    // Existing Container…, recreated by a restore) or a new run of it (another ncs.conf may
    // be mounted, other variables set) is read again; health probes alone change nothing.
    let lastKey: string | undefined;
    ctx.subscriptions.push(
      followed((health) => {
        const c = health.container;
        const key = c ? `${c.id}@${c.startedAt ?? ''}` : '';
        if (lastKey !== undefined && key !== lastKey && client?.isRunning()) {
          void sendContainerContext();
        }
        lastKey = key;
      }),
    );
  }

  return { start, loadSchema, applyToRunningNso: (uri) => applyToRunningNso(ctx, uri) };
}
