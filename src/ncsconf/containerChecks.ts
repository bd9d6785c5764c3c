// Checks that only make sense for the production container that reads this
// ncs.conf: what its environment, published ports, volumes and fixed
// directories expect from the file. Pure: the caller describes the container.

import type { ConfProblem, QuickFix } from './problems';
import type { RtNode, SchemaIndex } from './schemaIndex';
import { insertFirstChildFix, nameRange, valueRange, type Range } from './textRanges';
import { expandVariables, nsoVariables } from './variables';
import type { XmlDocument, XmlElement } from './xmlScanner';

/** What the extension knows about the production container that uses this file. */
export interface ProductionContainer {
  /** Container (or compose service) name, for messages. */
  name: string;
  /** The container's environment; values matter only for `${VAR}` expansion. */
  env: Record<string, string>;
  /** Ports published to the host, by their port inside the container. */
  publishedPorts: { containerPort: number; hostPort?: number; protocol?: 'tcp' | 'udp' }[];
  /** Where this file appears inside the container, when it is mounted there. */
  mountedAt?: string;
  /** The ncs.conf NSO reads at start: the first of /etc/ncs, /nso/etc, /defaults that exists. */
  ncsConfInUse?: string;
}

/** Where the production image keeps the TLS pair it generates when missing. */
export const containerTlsDir = '/nso/ssl/cert/';
const packagesDir = '/nso/run/packages';

interface Northbound {
  label: string;
  /** Section whose `enabled` switches the whole interface. */
  gate: string[];
  /** Container holding enabled / ip / port / extra-listen. */
  transport: string[];
  /** Ports the NSO documentation and the image's default ncs.conf use for it. */
  conventionalPorts: number[];
}

const northbound: Northbound[] = [
  { label: 'CLI over SSH', gate: ['cli'], transport: ['cli', 'ssh'], conventionalPorts: [2024] },
  {
    label: 'NETCONF over SSH',
    gate: ['netconf-north-bound'],
    transport: ['netconf-north-bound', 'transport', 'ssh'],
    conventionalPorts: [2022],
  },
  {
    label: 'NETCONF over TCP',
    gate: ['netconf-north-bound'],
    transport: ['netconf-north-bound', 'transport', 'tcp'],
    conventionalPorts: [2023],
  },
  {
    label: 'the web UI, JSON-RPC and RESTCONF over HTTP',
    gate: ['webui'],
    transport: ['webui', 'transport', 'tcp'],
    conventionalPorts: [8080, 8008],
  },
  {
    label: 'the web UI, JSON-RPC and RESTCONF over HTTPS',
    gate: ['webui'],
    transport: ['webui', 'transport', 'ssl'],
    conventionalPorts: [8888, 8889, 443],
  },
  {
    label: 'RESTCONF over HTTP on its own listener',
    gate: ['restconf'],
    transport: ['restconf', 'transport', 'tcp'],
    conventionalPorts: [8009],
  },
  {
    label: 'RESTCONF over HTTPS on its own listener',
    gate: ['restconf'],
    transport: ['restconf', 'transport', 'ssl'],
    conventionalPorts: [],
  },
  {
    label: 'NETCONF call home',
    gate: ['netconf-call-home'],
    transport: ['netconf-call-home', 'transport', 'tcp'],
    conventionalPorts: [4334],
  },
];

const tlsFiles = [
  ['webui', 'transport', 'ssl'],
  ['restconf', 'transport', 'ssl'],
];

function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.localName === name);
}

function descend(el: XmlElement | undefined, path: readonly string[]): XmlElement | undefined {
  let cur = el;
  for (const step of path) cur = child(cur, step);
  return cur;
}

/** A leaf's value: as NSO in the container reads it, else the schema default, else undefined (unknown). */
interface Setting {
  value: string | undefined;
  el: XmlElement | undefined;
  /** Set when the value comes from `${…}` in the file: the text as written. */
  written?: string;
}

class ContainerChecker {
  readonly problems: ConfProblem[] = [];
  private readonly root: XmlElement;
  private readonly vars: Record<string, string>;

  constructor(
    private readonly text: string,
    doc: XmlDocument & { root: XmlElement },
    private readonly container: ProductionContainer,
    private readonly schema: SchemaIndex | undefined,
    private readonly fragment: boolean,
  ) {
    this.root = doc.root;
    this.vars = { ...container.env };
    for (const [k, v] of Object.entries(nsoVariables)) this.vars[k] = v.containerValue;
  }

  private warn(range: Range, code: string, message: string, fix?: QuickFix, info = false): void {
    const p: ConfProblem = {
      offset: range.offset,
      length: Math.max(1, range.length),
      severity: info ? 'information' : 'warning',
      code,
      message,
    };
    if (fix) p.fix = fix;
    this.problems.push(p);
  }

  private schemaNode(path: readonly string[]): RtNode | undefined {
    return this.schema?.lookup([this.root.localName, ...path]);
  }

  private setting(path: readonly string[]): Setting {
    const el = descend(this.root, path);
    if (el) {
      // `${NCS_CLI_SSH:-false}` (the image's default ncs.conf): the container's environment decides.
      const written = el.text.trim();
      const value = expandVariables(written, this.vars);
      return value === written ? { value, el } : { value, el, written };
    }
    return { value: this.schemaNode(path)?.node.default?.[0], el: undefined };
  }

  /** Range of the deepest existing element on the path (the root at worst). */
  private nearest(path: readonly string[]): Range {
    let cur = this.root;
    for (const step of path) {
      const next = child(cur, step);
      if (!next) break;
      cur = next;
    }
    return nameRange(cur);
  }

  private replaceValueFix(
    el: XmlElement | undefined,
    value: string,
    title: string,
  ): QuickFix | undefined {
    if (!el || el.selfClosing) return undefined;
    const r = valueRange(this.text, el);
    const empty = el.text.trim() === '';
    return {
      title,
      edits: [
        { offset: empty ? el.startTagEnd : r.offset, length: empty ? 0 : r.length, newText: value },
      ],
    };
  }

  run(): void {
    const c = this.container;
    const inUse = c.ncsConfInUse;
    const shadowed = c.mountedAt !== undefined && inUse !== undefined && inUse !== c.mountedAt;
    if (c.mountedAt !== undefined && inUse !== undefined && !this.fragment) {
      this.warn(
        nameRange(this.root),
        shadowed ? 'conf-shadowed' : 'conf-in-use',
        shadowed
          ? `${c.name} reads ${inUse}, which shadows this file (mounted at ${c.mountedAt}): edits here have no effect there.`
          : `${c.name} reads this file as ${inUse}.`,
        undefined,
        true,
      );
    } else if (c.mountedAt === undefined && inUse !== undefined && !this.fragment) {
      // A file the container never sees: its edits reach NSO only when applied (copied in).
      this.warn(
        nameRange(this.root),
        'conf-not-read',
        `${c.name} does not read this file: it reads ${inUse}, and this file is not mounted into the container.`,
        undefined,
        true,
      );
    }
    // A fragment adds to the main file: what it leaves out may well be there.
    if (!shadowed && !this.fragment) {
      this.adminUser();
      this.publishedPorts();
    }
    if (!this.fragment) this.loadPath();
    this.absolutePaths();
    this.tlsLocation();
  }

  private adminUser(): void {
    const env = this.container.env;
    const which = ['ADMIN_PASSWORD', 'ADMIN_SSHKEY'].filter((k) => (env[k] ?? '') !== '');
    if (which.length === 0) return;
    const path = ['aaa', 'local-authentication', 'enabled'];
    const section = descend(this.root, ['aaa', 'local-authentication']);
    // Without the section the effective setting depends on NSO's built-in behaviour: say nothing.
    if (!section) return;
    const s = this.setting(path);
    if (s.value !== 'false') return;
    this.warn(
      s.el ? valueRange(this.text, s.el) : nameRange(section),
      'admin-without-local-auth',
      `${this.container.name} sets ${which.join(' and ')}, but local authentication is disabled here: the admin user it creates cannot log in. Enable /ncs-config/aaa/local-authentication, or authenticate that user through PAM.`,
      this.replaceValueFix(s.el, 'true', 'Enable local authentication'),
    );
  }

  private publishedPorts(): void {
    const tcp = this.container.publishedPorts.filter((p) => (p.protocol ?? 'tcp') === 'tcp');
    for (const published of tcp) this.publishedPort(published.containerPort);
  }

  private publishedPort(port: number): void {
    const name = this.container.name;
    interface Candidate {
      nb: Northbound;
      active: boolean;
      why: () => void;
      loopbackOnly: XmlElement | undefined;
    }
    const candidates: Candidate[] = [];
    for (const nb of northbound) {
      const transport = descend(this.root, nb.transport);
      const portSetting = this.setting([...nb.transport, 'port']);
      const ip = this.setting([...nb.transport, 'ip']);
      const endpoints: {
        ip: string | undefined;
        port: string | undefined;
        ipEl: XmlElement | undefined;
      }[] = [{ ip: ip.value, port: portSetting.value, ipEl: ip.el }];
      for (const extra of transport?.children.filter((x) => x.localName === 'extra-listen') ?? []) {
        const ipEl = child(extra, 'ip');
        endpoints.push({ ip: ipEl?.text.trim(), port: child(extra, 'port')?.text.trim(), ipEl });
      }
      const onPort = endpoints.filter((e) => e.port !== undefined && Number(e.port) === port);
      if (!transport || onPort.length === 0) continue;

      const gate = this.setting([...nb.gate, 'enabled']);
      const enabled = this.setting([...nb.transport, 'enabled']);
      const active = gate.value !== 'false' && enabled.value !== 'false';
      const reachable = onPort.find((e) => !isLoopback(e.ip));
      candidates.push({
        nb,
        active,
        loopbackOnly: reachable ? undefined : (onPort[0]?.ipEl ?? transport),
        why: () => {
          const off =
            gate.value === 'false'
              ? { s: gate, path: nb.gate }
              : { s: enabled, path: nb.transport };
          const how = off.s.written
            ? ` (${off.s.written}, with the environment of ${name})`
            : off.s.el
              ? ''
              : ' by default';
          this.warn(
            off.s.el ? valueRange(this.text, off.s.el) : this.nearest(off.path),
            'published-port-disabled',
            `${name} publishes port ${port}, where ${nb.label} listens, but /ncs-config/${off.path.join('/')} is disabled${how}: the port answers nothing.`,
            // Set from the environment on purpose: writing true over it is not the one clear fix.
            off.s.written
              ? undefined
              : this.replaceValueFix(off.s.el, 'true', `Enable /ncs-config/${off.path.join('/')}`),
          );
        },
      });
    }

    if (candidates.some((c) => c.active && !c.loopbackOnly)) return;
    const loopback = candidates.find((c) => c.active && c.loopbackOnly);
    if (loopback) {
      const el = loopback.loopbackOnly!;
      const isIp = el.localName === 'ip';
      this.warn(
        isIp ? valueRange(this.text, el) : nameRange(el),
        'published-port-loopback',
        `${name} publishes port ${port}, but ${loopback.nb.label} listens on a loopback address only: connections from outside the container never reach it.`,
        isIp ? this.replaceValueFix(el, '0.0.0.0', 'Listen on all addresses (0.0.0.0)') : undefined,
      );
      return;
    }
    const first = candidates[0];
    if (first) {
      first.why();
      return;
    }

    // Nothing listens on the port: point at the interface that usually does.
    const usual = northbound.find((nb) => nb.conventionalPorts.includes(port));
    if (usual) {
      const portSetting = this.setting([...usual.transport, 'port']);
      if (portSetting.el) {
        this.warn(
          valueRange(this.text, portSetting.el),
          'published-port-mismatch',
          `${name} publishes port ${port}, the usual port of ${usual.label}, but it listens on ${portSetting.value ?? '?'} here${portSetting.written ? ` (${portSetting.written}, with the environment of ${name})` : ''}: nothing answers on ${port}.`,
          portSetting.written
            ? undefined
            : this.replaceValueFix(portSetting.el, String(port), `Listen on ${port}`),
        );
        return;
      }
      const transport = descend(this.root, usual.transport);
      // Listening on the port by default, as far as we can tell without a schema.
      if (transport && portSetting.value === undefined) return;
      this.warn(
        this.nearest(usual.transport),
        'published-port-unused',
        transport
          ? `${name} publishes port ${port}, the usual port of ${usual.label}, but it listens on ${portSetting.value ?? 'another port'} here: nothing answers on ${port}.`
          : `${name} publishes port ${port}, the usual port of ${usual.label}, but /ncs-config/${usual.transport.join('/')} is not configured here: nothing answers on ${port}.`,
      );
      return;
    }
    this.warn(
      nameRange(this.root),
      'published-port-unused',
      `${name} publishes port ${port}, but no northbound interface in this ncs.conf listens on it.`,
    );
  }

  private loadPath(): void {
    const loadPath = child(this.root, 'load-path');
    const dirs = loadPath?.children.filter((d) => d.localName === 'dir') ?? [];
    const ok = dirs.some(
      (d) => expandVariables(d.text.trim(), this.vars).replace(/\/+$/, '') === packagesDir,
    );
    if (ok) return;
    const message = `The production container mounts the packages at ${packagesDir}, but the load path has no \${NCS_RUN_DIR}/packages: NSO will not find them.`;
    const xml = '<dir>${NCS_RUN_DIR}/packages</dir>';
    if (loadPath) {
      this.warn(
        nameRange(loadPath),
        'load-path-packages',
        message,
        insertFirstChildFix(
          this.text,
          loadPath,
          xml,
          'Add ${NCS_RUN_DIR}/packages to the load path',
        ),
      );
    } else {
      this.warn(
        nameRange(this.root),
        'load-path-packages',
        message,
        insertFirstChildFix(
          this.text,
          this.root,
          `<load-path>\n    ${xml}\n  </load-path>`,
          'Add a load path with ${NCS_RUN_DIR}/packages',
        ),
      );
    }
  }

  private absolutePaths(): void {
    const prefixes = Object.entries(nsoVariables)
      .map(([name, v]) => ({ name, value: v.containerValue }))
      .sort((a, b) => b.value.length - a.value.length);
    for (const el of this.leaves()) {
      const r = valueRange(this.text, el);
      const value = this.text.slice(r.offset, r.offset + r.length);
      const hit = prefixes.find((p) => value === p.value || value.startsWith(`${p.value}/`));
      if (!hit) continue;
      this.warn(
        { offset: r.offset, length: hit.value.length },
        'absolute-path',
        `${hit.value} is where \${${hit.name}} points in the production container: write \${${hit.name}} so the file keeps working if the layout changes.`,
        {
          title: `Use \${${hit.name}}`,
          edits: [{ offset: r.offset, length: hit.value.length, newText: `\${${hit.name}}` }],
        },
      );
    }
  }

  private tlsLocation(): void {
    for (const path of tlsFiles) {
      const ssl = descend(this.root, path);
      for (const [leaf, file] of [
        ['key-file', 'host.key'],
        ['cert-file', 'host.cert'],
      ] as const) {
        const el = child(ssl, leaf);
        if (!el) continue;
        const value = expandVariables(el.text.trim(), this.vars);
        if (value.startsWith(containerTlsDir)) continue;
        const target = `${containerTlsDir}${file}`;
        this.warn(
          valueRange(this.text, el),
          'tls-location',
          `The production container keeps its TLS certificate and key in ${containerTlsDir} (on the /nso volume, generated when missing); this ${leaf} resolves to ${value}.`,
          this.replaceValueFix(el, target, `Use ${target}`),
        );
      }
    }
  }

  /** Elements holding a value (no element children), below the root. */
  private *leaves(): Generator<XmlElement> {
    const stack = [...this.root.children];
    while (stack.length > 0) {
      const el = stack.pop()!;
      if (el.children.length > 0) stack.push(...el.children);
      else if (el.text.trim() !== '') yield el;
    }
  }
}

function isLoopback(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  return ip.startsWith('127.') || ip === '::1' || ip === 'localhost';
}

/** The container-aware warnings for one ncs.conf; empty when the document has no root. */
export function checkForContainer(
  text: string,
  doc: XmlDocument,
  container: ProductionContainer,
  options: { schema?: SchemaIndex; fragment?: boolean } = {},
): ConfProblem[] {
  if (!doc.root) return [];
  const checker = new ContainerChecker(
    text,
    doc as XmlDocument & { root: XmlElement },
    container,
    options.schema,
    options.fragment ?? false,
  );
  checker.run();
  return checker.problems.sort((a, b) => a.offset - b.offset);
}
