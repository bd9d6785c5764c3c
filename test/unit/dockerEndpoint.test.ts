import * as assert from 'node:assert/strict';
import * as path from 'node:path';

import {
  contextMetaPath,
  contextStoreId,
  contextTlsDir,
  type EndpointSources,
  parseDockerHost,
  resolveDockerEndpoint,
} from '../../src/core/docker/endpoint';
import { DockerError } from '../../src/core/docker/errors';

const home = '/home/dev';

/** Endpoint sources over an in-memory file system. */
function sources(
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  extra: Partial<EndpointSources> = {},
): EndpointSources {
  return {
    env,
    homeDir: home,
    platform: 'linux',
    readFile: (file) => files[file],
    ...extra,
  };
}

function context(
  name: string,
  host: string,
  configDir = path.join(home, '.docker'),
  skipTls = false,
) {
  return {
    [contextMetaPath(configDir, name)]: JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: skipTls } },
    }),
  };
}

function configurationError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DockerError, `expected DockerError, got ${String(error)}`);
    assert.equal(error.kind, 'configuration');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('Docker endpoint resolution', () => {
  it('uses the default socket when nothing is configured', () => {
    const endpoint = resolveDockerEndpoint(sources());
    assert.equal(endpoint.transport, 'unix');
    assert.equal(endpoint.socketPath, '/var/run/docker.sock');
    assert.equal(endpoint.description, 'unix:///var/run/docker.sock');
    assert.deepEqual(endpoint.origin, { kind: 'default' });
  });

  it('uses the named pipe by default on Windows', () => {
    const endpoint = resolveDockerEndpoint(sources({}, {}, { platform: 'win32' }));
    assert.equal(endpoint.transport, 'npipe');
    assert.equal(endpoint.socketPath, '//./pipe/docker_engine');
    assert.equal(endpoint.host, 'npipe:////./pipe/docker_engine');
  });

  it('honours DOCKER_HOST', () => {
    const endpoint = resolveDockerEndpoint(
      sources({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }),
    );
    assert.equal(endpoint.socketPath, '/run/user/1000/docker.sock');
    assert.deepEqual(endpoint.origin, { kind: 'env' });
  });

  it('lets DOCKER_HOST win over DOCKER_CONTEXT and the config', () => {
    const files = {
      ...context('remote', 'ssh://me@build-host'),
      [path.join(home, '.docker', 'config.json')]: JSON.stringify({ currentContext: 'remote' }),
    };
    const endpoint = resolveDockerEndpoint(
      sources({ DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' }, files),
    );
    assert.equal(endpoint.transport, 'tcp');
    assert.equal(endpoint.hostname, '127.0.0.1');
    assert.equal(endpoint.port, 2375);
  });

  it('lets the explicit host override win over everything', () => {
    const endpoint = resolveDockerEndpoint(
      sources(
        { DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' },
        context('remote', 'ssh://me@build-host'),
        { hostOverride: 'unix:///tmp/override.sock' },
      ),
    );
    assert.equal(endpoint.socketPath, '/tmp/override.sock');
    assert.deepEqual(endpoint.origin, { kind: 'setting', setting: 'nso.docker.host' });
  });

  it('ignores a blank override', () => {
    const endpoint = resolveDockerEndpoint(sources({}, {}, { hostOverride: '  ' }));
    assert.deepEqual(endpoint.origin, { kind: 'default' });
  });

  it('follows DOCKER_CONTEXT to the context metadata stored under the SHA-256 of its name', () => {
    const endpoint = resolveDockerEndpoint(
      sources({ DOCKER_CONTEXT: 'remote' }, context('remote', 'ssh://me@build-host')),
    );
    assert.equal(endpoint.transport, 'ssh');
    assert.equal(endpoint.username, 'me');
    assert.equal(endpoint.hostname, 'build-host');
    assert.equal(endpoint.port, 22);
    assert.equal(endpoint.description, "context 'remote' (ssh://me@build-host)");
    assert.deepEqual(endpoint.origin, {
      kind: 'context',
      context: 'remote',
      via: 'DOCKER_CONTEXT',
    });
    // The store id is the hex SHA-256 of the name, as the Docker CLI writes it.
    assert.equal(
      contextStoreId('default'),
      '37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f',
    );
  });

  it("uses the config's currentContext, under DOCKER_CONFIG when set", () => {
    const configDir = '/etc/dev-docker';
    const files = {
      ...context('lab', 'tcp://127.0.0.1:2376', configDir),
      [path.join(configDir, 'config.json')]: JSON.stringify({ currentContext: 'lab' }),
    };
    const endpoint = resolveDockerEndpoint(sources({ DOCKER_CONFIG: configDir }, files));
    assert.equal(endpoint.transport, 'tcp');
    assert.equal(endpoint.port, 2376);
    assert.equal(endpoint.tls, undefined);
    assert.deepEqual(endpoint.origin, { kind: 'context', context: 'lab', via: 'config' });
  });

  it("treats the context named 'default' as the default endpoint", () => {
    const files = {
      [path.join(home, '.docker', 'config.json')]: JSON.stringify({ currentContext: 'default' }),
    };
    const endpoint = resolveDockerEndpoint(sources({}, files));
    assert.equal(endpoint.description, 'unix:///var/run/docker.sock');
  });

  it('reads TLS material of a context', () => {
    const tlsDir = contextTlsDir(path.join(home, '.docker'), 'secure');
    const files = {
      ...context('secure', 'tcp://127.0.0.1:2376'),
      [path.join(tlsDir, 'ca.pem')]: 'CA',
      [path.join(tlsDir, 'cert.pem')]: 'CERT',
      [path.join(tlsDir, 'key.pem')]: 'KEY',
    };
    const endpoint = resolveDockerEndpoint(sources({ DOCKER_CONTEXT: 'secure' }, files));
    assert.deepEqual(endpoint.tls, {
      verify: true,
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      certDir: tlsDir,
    });
  });

  it('does not verify when the context says SkipTLSVerify', () => {
    const tlsDir = contextTlsDir(path.join(home, '.docker'), 'lab');
    const files = {
      ...context('lab', 'tcp://127.0.0.1:2376', path.join(home, '.docker'), true),
      [path.join(tlsDir, 'ca.pem')]: 'CA',
    };
    const endpoint = resolveDockerEndpoint(sources({ DOCKER_CONTEXT: 'lab' }, files));
    assert.equal(endpoint.tls?.verify, false);
    assert.equal(endpoint.tls?.ca, undefined);
  });

  it('says which context is missing and how it was chosen', () => {
    configurationError(
      () => resolveDockerEndpoint(sources({ DOCKER_CONTEXT: 'gone' })),
      /Docker context 'gone' \(chosen by DOCKER_CONTEXT\) does not exist: check `docker context ls`/,
    );
    const files = { [path.join(home, '.docker', 'config.json')]: '{"currentContext":"gone"}' };
    configurationError(
      () => resolveDockerEndpoint(sources({}, files)),
      /Docker context 'gone' \(the current context in .*config\.json\) does not exist/,
    );
  });

  it('reports a damaged config.json or context', () => {
    configurationError(
      () =>
        resolveDockerEndpoint(
          sources({}, { [path.join(home, '.docker', 'config.json')]: '{oops' }),
        ),
      /config\.json is not valid JSON/,
    );
    configurationError(
      () =>
        resolveDockerEndpoint(
          sources(
            { DOCKER_CONTEXT: 'x' },
            { [contextMetaPath(path.join(home, '.docker'), 'x')]: '[' },
          ),
        ),
      /Docker context 'x' is damaged/,
    );
  });

  it('uses TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
    const files = { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };
    const endpoint = resolveDockerEndpoint(
      sources(
        { DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
        files,
      ),
    );
    assert.equal(endpoint.port, 2376, 'TLS changes the default port');
    assert.deepEqual(endpoint.tls, {
      verify: true,
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      certDir: '/certs',
    });
  });

  it('looks for TLS files in the config folder when DOCKER_CERT_PATH is not set', () => {
    const dir = path.join(home, '.docker');
    const files = { [path.join(dir, 'ca.pem')]: 'CA' };
    const endpoint = resolveDockerEndpoint(
      sources({ DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1' }, files),
    );
    assert.deepEqual(endpoint.tls, { verify: true, ca: 'CA', certDir: dir });
  });

  it('refuses DOCKER_TLS_VERIFY without a CA, and a certificate without its key', () => {
    configurationError(
      () =>
        resolveDockerEndpoint(
          sources({
            DOCKER_HOST: 'tcp://127.0.0.1:2376',
            DOCKER_TLS_VERIFY: '1',
            DOCKER_CERT_PATH: '/none',
          }),
        ),
      /CA certificate \/none\/ca\.pem cannot be read/,
    );
    configurationError(
      () =>
        resolveDockerEndpoint(
          sources(
            { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: '/c' },
            { '/c/cert.pem': 'CERT' },
          ),
        ),
      /Only one of cert\.pem and key\.pem/,
    );
  });

  it('uses TLS without verification for DOCKER_TLS alone', () => {
    const endpoint = resolveDockerEndpoint(
      sources(
        { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS: '1', DOCKER_CERT_PATH: '/c' },
        { '/c/ca.pem': 'CA' },
      ),
    );
    assert.deepEqual(endpoint.tls, { verify: false, certDir: '/c' });
  });

  it('ignores TLS variables for unix sockets', () => {
    const endpoint = resolveDockerEndpoint(
      sources({ DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_TLS: '1' }),
    );
    assert.equal(endpoint.tls, undefined);
  });
});

describe('Docker host parsing', () => {
  it('parses ssh with user and port, and shows no password', () => {
    assert.deepEqual(parseDockerHost('ssh://me:secret@build-host:2222'), {
      transport: 'ssh',
      host: 'ssh://me@build-host:2222',
      hostname: 'build-host',
      port: 2222,
      username: 'me',
    });
  });

  it('parses ssh without a user', () => {
    const parsed = parseDockerHost('ssh://build-host');
    assert.equal(parsed.username, undefined);
    assert.equal(parsed.port, 22);
    assert.equal(parsed.host, 'ssh://build-host');
  });

  it('takes a bare host:port as tcp, like the Docker CLI', () => {
    const parsed = parseDockerHost('127.0.0.1:2375');
    assert.equal(parsed.transport, 'tcp');
    assert.equal(parsed.host, 'tcp://127.0.0.1:2375');
  });

  it('refuses a socket path without unix://, instead of taking it as tcp://127.0.0.1:2375', () => {
    assert.throws(
      () => parseDockerHost('/var/run/docker.sock'),
      /"\/var\/run\/docker\.sock" is not valid: use unix:\/\/\/path.*needs unix:\/\/ in front/,
    );
    assert.throws(() => parseDockerHost('//./pipe/docker_engine'), /needs unix:\/\/ in front/);
  });

  it('unwraps IPv6 addresses', () => {
    const parsed = parseDockerHost('tcp://[::1]:2375');
    assert.equal(parsed.hostname, '::1');
    assert.equal(parsed.port, 2375);
  });

  it('fills in default paths', () => {
    assert.equal(parseDockerHost('unix://').socketPath, '/var/run/docker.sock');
    assert.equal(parseDockerHost('npipe://').socketPath, '//./pipe/docker_engine');
  });

  it('refuses other schemes and ssh paths with a sentence', () => {
    assert.throws(() => parseDockerHost('fd://'), /unsupported scheme fd:\/\/; use unix:\/\//);
    assert.throws(() => parseDockerHost('ssh://me@host/path'), /takes no path/);
    assert.throws(() => parseDockerHost('tcp://[bad'), /is not valid/);
  });

  it('says where a bad host came from', () => {
    configurationError(
      () => resolveDockerEndpoint(sources({ DOCKER_HOST: 'http://127.0.0.1' })),
      /The Docker host "http:\/\/127\.0\.0\.1" is not valid.*\(from DOCKER_HOST\)/,
    );
    configurationError(
      () => resolveDockerEndpoint(sources({}, {}, { hostOverride: 'fd://' })),
      /from the setting nso\.docker\.host/,
    );
    configurationError(
      () =>
        resolveDockerEndpoint(
          sources({}, {}, { hostOverride: 'fd://', hostOverrideFlag: '--docker-host' }),
        ),
      /\(from --docker-host\)$/,
    );
  });
});
