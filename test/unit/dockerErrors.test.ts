import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  DockerError,
  type DockerOperation,
  dockerCancelledError,
  dockerTimeoutError,
  type EndpointLabel,
  translateDockerError,
} from '../../src/core/docker/errors';

const socket: EndpointLabel = {
  description: 'unix:///var/run/docker.sock',
  transport: 'unix',
  socketPath: '/var/run/docker.sock',
};
const tcp: EndpointLabel = {
  description: 'tcp://build-host:2376',
  transport: 'tcp',
  hostname: 'build-host',
};
const ssh: EndpointLabel = {
  description: "context 'remote' (ssh://me@build-host)",
  transport: 'ssh',
  hostname: 'build-host',
  username: 'me',
};
const pipe: EndpointLabel = {
  description: 'npipe:////./pipe/docker_engine',
  transport: 'npipe',
  socketPath: '//./pipe/docker_engine',
};

const startNso: DockerOperation = {
  action: 'start container nso-dev',
  resource: { type: 'container', name: 'nso-dev' },
};

/** An error shaped as docker-modem builds it from an engine answer. */
function httpError(statusCode: number, message: string, reason = 'error'): Error {
  const error = new Error(`(HTTP code ${statusCode}) ${reason} - ${message} `) as Error & {
    statusCode: number;
    reason: string;
    json: unknown;
  };
  error.statusCode = statusCode;
  error.reason = reason;
  error.json = { message };
  return error;
}

/** An error shaped as Node builds it for a failed connect. */
function connectError(code: string, address: string): Error {
  const error = new Error(`connect ${code} ${address}`) as Error & Record<string, unknown>;
  error.code = code;
  error.errno = -1;
  error.syscall = 'connect';
  error.address = address;
  return error;
}

function sshError(level: string, message: string): Error {
  return Object.assign(new Error(message), { level });
}

describe('Docker error translation', () => {
  it('says the engine is unreachable for a missing socket, from a real connect error', async () => {
    const missing = path.join(os.tmpdir(), `nsowb-no-such-${process.pid}.sock`);
    const raw = await new Promise<Error>((resolve) => {
      net.connect(missing).once('error', resolve);
    });
    const endpoint = { ...socket, description: `unix://${missing}`, socketPath: missing };
    const error = translateDockerError(raw, startNso, endpoint);
    assert.equal(error.kind, 'unreachable');
    assert.equal(error.code, 'ENOENT');
    assert.equal(
      error.message,
      `Docker is not reachable at unix://${missing}: is the Docker daemon running? (connect ENOENT ${missing})`,
    );
    assert.equal(error.cause, raw);
  });

  it('says unreachable for a refused socket', () => {
    const error = translateDockerError(
      connectError('ECONNREFUSED', '/var/run/docker.sock'),
      startNso,
      socket,
    );
    assert.equal(error.kind, 'unreachable');
    assert.match(
      error.message,
      /^Docker is not reachable at unix:\/\/\/var\/run\/docker\.sock: is the Docker daemon running\?/,
    );
  });

  it('says what to do about permission denied on the socket', () => {
    const error = translateDockerError(
      connectError('EACCES', '/var/run/docker.sock'),
      startNso,
      socket,
    );
    assert.equal(error.kind, 'permission');
    assert.equal(
      error.message,
      'Permission denied on /var/run/docker.sock: add your user to the docker group (then log in ' +
        'again) or use a rootless engine (connect EACCES /var/run/docker.sock)',
    );
  });

  it('names the pipe and Docker Desktop on Windows', () => {
    const denied = translateDockerError(
      connectError('EPERM', '//./pipe/docker_engine'),
      startNso,
      pipe,
    );
    assert.equal(denied.kind, 'permission');
    assert.match(denied.message, /^Permission denied on the pipe \/\/\.\/pipe\/docker_engine/);
    const missing = translateDockerError(
      connectError('ENOENT', '//./pipe/docker_engine'),
      startNso,
      pipe,
    );
    assert.match(missing.message, /: is Docker Desktop running\? \(connect ENOENT/);
  });

  it('tells network problems of tcp engines apart', () => {
    const refused = translateDockerError(
      connectError('ECONNREFUSED', '10.0.0.5:2376'),
      startNso,
      tcp,
    );
    assert.match(refused.message, /running and listening on that address\?/);

    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND build-host'), {
      code: 'ENOTFOUND',
      hostname: 'build-host',
    });
    assert.match(
      translateDockerError(dns, startNso, tcp).message,
      /the host name build-host does not resolve/,
    );

    for (const code of ['EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']) {
      const error = translateDockerError(connectError(code, '10.0.0.5:2376'), startNso, tcp);
      assert.equal(error.kind, 'unreachable', code);
      assert.match(error.message, /cannot be reached over the network/, code);
    }
  });

  it('explains TLS failures', () => {
    const raw = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    const error = translateDockerError(raw, startNso, tcp);
    assert.equal(error.kind, 'authentication');
    assert.match(
      error.message,
      /^The TLS connection to Docker at tcp:\/\/build-host:2376 failed: check the certificates/,
    );
  });

  it('spots plain HTTP sent to a TLS engine', () => {
    const raw = httpError(400, 'Client sent an HTTP request to an HTTPS server.');
    const error = translateDockerError(raw, startNso, tcp);
    assert.equal(error.kind, 'configuration');
    assert.match(error.message, /expects TLS: set DOCKER_TLS_VERIFY=1/);
  });

  it('explains ssh login, handshake and dial-stdio failures', () => {
    const login = translateDockerError(
      sshError('client-authentication', 'All configured authentication methods failed'),
      startNso,
      ssh,
    );
    assert.equal(login.kind, 'authentication');
    assert.match(
      login.message,
      /^SSH login to me@build-host was refused: add your key to ssh-agent/,
    );

    const slow = translateDockerError(
      sshError('client-timeout', 'Timed out while waiting for handshake'),
      startNso,
      ssh,
    );
    assert.equal(slow.kind, 'unreachable');

    const refused = translateDockerError(
      Object.assign(connectError('ECONNREFUSED', '10.0.0.9:22'), { level: 'client-socket' }),
      startNso,
      ssh,
    );
    assert.equal(refused.kind, 'unreachable');

    const hungUp = translateDockerError(
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      startNso,
      ssh,
    );
    assert.match(hungUp.message, /is Docker installed on that host and may me@build-host use it/);
  });

  it('names a missing image and how to load it, from the engine message', () => {
    const raw = httpError(404, 'No such image: cisco-nso-prod:6.4', 'no such container');
    const error = translateDockerError(
      raw,
      {
        action: 'create container nso-dev',
        resource: { type: 'image', name: 'cisco-nso-prod:6.4' },
      },
      socket,
    );
    assert.equal(error.kind, 'notFound');
    assert.deepEqual(error.resource, { type: 'image', name: 'cisco-nso-prod:6.4' });
    assert.equal(
      error.message,
      'Image cisco-nso-prod:6.4 is not loaded in Docker at unix:///var/run/docker.sock: ' +
        'load it with `docker load -i <file>.tar.gz`',
    );
    assert.equal(error.engineMessage, 'No such image: cisco-nso-prod:6.4');
    assert.equal(error.statusCode, 404);
  });

  it('reads the doubled image message of image inspect', () => {
    const raw = httpError(
      404,
      'no such image: cisco-nso-prod:6.4: No such image: cisco-nso-prod:6.4',
    );
    const error = translateDockerError(raw, { action: 'inspect image cisco-nso-prod:6.4' }, socket);
    assert.deepEqual(error.resource, { type: 'image', name: 'cisco-nso-prod:6.4' });
  });

  it('names missing containers, volumes and paths', () => {
    const container = translateDockerError(
      httpError(404, 'No such container: nso-dev'),
      startNso,
      socket,
    );
    assert.equal(container.message, 'Container nso-dev does not exist: it may have been removed');

    const volume = translateDockerError(
      httpError(404, 'get NSO-vol: no such volume'),
      { action: 'inspect volume NSO-vol', resource: { type: 'volume', name: 'NSO-vol' } },
      socket,
    );
    assert.equal(volume.message, 'Volume NSO-vol does not exist');

    const file = translateDockerError(
      httpError(404, 'Could not find the file /nso/run/x in container nso-dev'),
      {
        action: 'read /nso/run/x',
        resource: { type: 'path', name: '/nso/run/x', container: 'nso-dev' },
      },
      socket,
    );
    assert.equal(file.kind, 'notFound');
    assert.equal(file.message, '/nso/run/x does not exist in container nso-dev');
  });

  it('says what conflicts and what to do', () => {
    const nameInUse = translateDockerError(
      httpError(
        409,
        'Conflict. The container name "/nso-dev" is already in use by container "0123456789ab". ' +
          'You have to remove (or rename) that container to be able to reuse that name.',
      ),
      { action: 'create container nso-dev', resource: { type: 'image', name: 'img' } },
      socket,
    );
    assert.equal(nameInUse.kind, 'conflict');
    assert.equal(
      nameInUse.message,
      'The container name nso-dev is already in use: remove that container or choose another name',
    );

    const running = translateDockerError(
      httpError(
        409,
        'You cannot remove a running container 0123. Stop the container before attempting removal or force remove',
      ),
      { action: 'remove container nso-dev', resource: { type: 'container', name: 'nso-dev' } },
      socket,
    );
    assert.equal(running.message, 'Container nso-dev is running: stop it before removing it');

    const stopped = translateDockerError(
      httpError(409, 'Container 0123abc is not running'),
      {
        action: 'run ncs_cli in container nso-dev',
        resource: { type: 'container', name: 'nso-dev' },
      },
      socket,
    );
    assert.equal(stopped.message, 'Container nso-dev is not running: start it first');

    const imageInUse = translateDockerError(
      httpError(
        409,
        'conflict: unable to remove repository reference "cisco-nso-prod:6.4" (must force) - ' +
          'container 0123456789abcdef is using its referenced image 89ab',
      ),
      {
        action: 'remove image cisco-nso-prod:6.4',
        resource: { type: 'image', name: 'cisco-nso-prod:6.4' },
      },
      socket,
    );
    assert.equal(imageInUse.kind, 'conflict');
    assert.equal(
      imageInUse.message,
      'Image cisco-nso-prod:6.4 is used by container 0123456789ab: remove that container first',
    );

    const unknownConflict = translateDockerError(
      httpError(409, 'something new the engine says'),
      { action: 'rename container nso-dev' },
      socket,
    );
    assert.equal(
      unknownConflict.message,
      'Docker refused to rename container nso-dev: something new the engine says',
    );

    const volumeInUse = translateDockerError(
      httpError(409, 'remove NSO-vol: volume is in use - [0123]'),
      { action: 'remove volume NSO-vol', resource: { type: 'volume', name: 'NSO-vol' } },
      socket,
    );
    assert.equal(
      volumeInUse.message,
      'Volume NSO-vol is in use by a container: remove the container first',
    );
  });

  it('explains a bind mount whose folder is missing on the Docker host', () => {
    const error = translateDockerError(
      httpError(
        400,
        'invalid mount config for type "bind": bind source path does not exist: /home/dev/packages',
      ),
      { action: 'create container nso-dev' },
      socket,
    );
    assert.equal(error.kind, 'badRequest');
    assert.match(error.message, /a folder to mount does not exist on the Docker host/);
  });

  it('passes other engine failures on with the engine message', () => {
    const error = translateDockerError(
      httpError(500, 'driver failed programming external connectivity: port is already allocated'),
      startNso,
      socket,
    );
    assert.equal(error.kind, 'engine');
    assert.equal(
      error.message,
      'Docker failed to start container nso-dev: driver failed programming external connectivity: port is already allocated',
    );
  });

  it('treats 403 as a policy refusal', () => {
    const error = translateDockerError(
      httpError(403, 'authorization denied by plugin opa'),
      startNso,
      socket,
    );
    assert.equal(error.kind, 'permission');
    assert.match(
      error.message,
      /refused to start container nso-dev: authorization denied by plugin opa/,
    );
  });

  it('reads the message out of a body docker-modem did not parse', () => {
    const raw = Object.assign(new Error('(HTTP code 502) unexpected - bad gateway '), {
      statusCode: 502,
      json: Buffer.from('bad gateway'),
    });
    assert.equal(translateDockerError(raw, startNso, socket).engineMessage, 'bad gateway');
  });

  it('passes DockerErrors through unchanged', () => {
    const original = new DockerError({ kind: 'conflict', message: 'x' });
    assert.equal(translateDockerError(original, startNso, socket), original);
  });

  it('words timeouts and cancellations', () => {
    const timeout = dockerTimeoutError(startNso, socket, 20_000);
    assert.equal(timeout.kind, 'timeout');
    assert.equal(
      timeout.message,
      'Docker at unix:///var/run/docker.sock did not answer within 20 s while trying to start ' +
        'container nso-dev: the engine may be busy or hung; try again',
    );
    assert.equal(dockerTimeoutError(startNso, socket, 1500).message.includes('1.5 s'), true);
    const cancelled = dockerCancelledError(startNso, socket);
    assert.equal(cancelled.kind, 'cancelled');
    assert.equal(cancelled.message, 'Cancelled: start container nso-dev');
  });
});
