// A stand-in for a tcp:// engine with TLS, on 127.0.0.1 only: a TLS server
// that requires a client certificate from its own CA and joins each
// connection to the local engine's socket. Certificates are made with the
// openssl command in a temporary folder laid out as DOCKER_CERT_PATH expects
// (ca.pem, cert.pem, key.pem for the client).

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

export interface TlsProxy {
  readonly port: number;
  /** ca.pem, cert.pem and key.pem for a client the proxy accepts. */
  readonly certDir: string;
  /** The same client files, but a ca.pem of another CA, which the server's certificate fails. */
  readonly wrongCaDir: string;
  close(): Promise<void>;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

function makeSigned(dir: string, name: string, ca: string, extensions: string): void {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}-key.pem`,
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  );
}

export async function startTlsProxy(dockerSocket = '/var/run/docker.sock'): Promise<TlsProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-dockertest-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeSigned(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeSigned(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\n');

  const certDir = path.join(dir, 'client-certs');
  const wrongCaDir = path.join(dir, 'wrong-ca');
  for (const [target, ca] of [
    [certDir, 'ca.pem'],
    [wrongCaDir, 'other-ca.pem'],
  ] as const) {
    fs.mkdirSync(target);
    fs.copyFileSync(path.join(dir, ca), path.join(target, 'ca.pem'));
    fs.copyFileSync(path.join(dir, 'client.pem'), path.join(target, 'cert.pem'));
    fs.copyFileSync(path.join(dir, 'client-key.pem'), path.join(target, 'key.pem'));
  }

  const read = (file: string) => fs.readFileSync(path.join(dir, file));
  const open = new Set<net.Socket>();
  const server = tls.createServer(
    {
      // dockerd accepts a half-closed TLS connection (the end of an exec's
      // stdin) and keeps answering on it; so must its stand-in.
      allowHalfOpen: true,
      key: read('server-key.pem'),
      cert: read('server.pem'),
      ca: read('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (connection) => {
      const engine = net.connect({ path: dockerSocket, allowHalfOpen: true });
      open.add(engine);
      engine.on('close', () => open.delete(engine));
      connection.pipe(engine).pipe(connection);
      connection.on('error', () => engine.destroy());
      engine.on('error', () => connection.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  // Every TCP connection, also those still in (or failing) the handshake.
  server.on('connection', (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as net.AddressInfo).port,
    certDir,
    wrongCaDir,
    close: () =>
      new Promise<void>((resolve) => {
        // Clients keep idle connections for reuse; end them so that close completes.
        for (const socket of open) socket.destroy();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
