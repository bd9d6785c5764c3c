// A stand-in for a remote Docker host reached over ssh://, on 127.0.0.1 only:
// an SSH server (ssh2's) that accepts one public key and answers the one
// command docker-modem runs, `docker system dial-stdio`, by joining the
// channel to the local engine's socket, which is what that command does on a
// real host. Host and client keys come from ssh-keygen in a temporary home.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Server, utils } from 'ssh2';

export interface SshDialServer {
  readonly port: number;
  /** A home folder with .ssh/id_ed25519 (the accepted key) and an empty known_hosts. */
  readonly home: string;
  /** The known_hosts line for this server, to write into the home's known_hosts. */
  readonly knownHostsLine: string;
  /** Commands the server was asked to run. */
  readonly commands: string[];
  close(): Promise<void>;
}

export async function startSshDialServer(
  user: string,
  dockerSocket = '/var/run/docker.sock',
): Promise<SshDialServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nsowb-dockertest-ssh-'));
  const sshDir = path.join(home, '.ssh');
  fs.mkdirSync(sshDir, { mode: 0o700 });
  const keygen = (file: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nsowb-test', '-f', file]);
  keygen(path.join(home, 'host_key'));
  keygen(path.join(sshDir, 'id_ed25519'));
  fs.writeFileSync(path.join(sshDir, 'known_hosts'), '');

  const clientKey = utils.parseKey(fs.readFileSync(path.join(sshDir, 'id_ed25519.pub')));
  if (clientKey instanceof Error) throw clientKey;
  const commands: string[] = [];

  const server = new Server(
    { hostKeys: [fs.readFileSync(path.join(home, 'host_key'))] },
    (client) => {
      client.on('authentication', (context) => {
        if (
          context.method === 'publickey' &&
          context.username === user &&
          context.key.algo === clientKey.type &&
          context.key.data.equals(clientKey.getPublicSSH())
        ) {
          if (context.signature === undefined) {
            context.accept();
            return;
          }
          if (
            clientKey.verify(
              context.blob ?? Buffer.alloc(0),
              context.signature,
              context.hashAlgo,
            ) === true
          ) {
            context.accept();
            return;
          }
        }
        context.reject(['publickey']);
      });
      client.on('ready', () => {
        client.on('session', (acceptSession) => {
          const session = acceptSession();
          session.on('exec', (acceptExec, rejectExec, info) => {
            commands.push(info.command);
            if (info.command !== 'docker system dial-stdio') {
              rejectExec();
              return;
            }
            const channel = acceptExec();
            const engine = net.connect(dockerSocket);
            channel.pipe(engine).pipe(channel);
            engine.on('error', () => channel.close());
            channel.on('close', () => engine.destroy());
            engine.on('close', () => {
              channel.exit(0);
              channel.end();
            });
          });
        });
      });
      client.on('error', () => undefined);
    },
  );

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  const [type, base64] = fs.readFileSync(path.join(home, 'host_key.pub'), 'utf8').split(' ');

  return {
    port: address.port,
    home,
    knownHostsLine: `[127.0.0.1]:${address.port} ${type} ${base64}`,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          fs.rmSync(home, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
