// Entry point bundled by the ssh test with the project's esbuild settings, to
// check that ssh:// engines work from the shipped bundle (ssh2 without its
// optional native parts). Talks to the engine DOCKER_HOST names and prints
// the engine version as JSON, or the error's kind and message.

import { createDockerClient } from '../../../src/core/docker';

async function main(): Promise<void> {
  const client = createDockerClient();
  try {
    const version = await client.version({ timeoutMs: 15_000 });
    process.stdout.write(
      `${JSON.stringify({ ok: true, endpoint: client.endpoint.description, version })}\n`,
    );
  } catch (error) {
    const { kind, message } = error as { kind?: string; message?: string };
    process.stdout.write(`${JSON.stringify({ ok: false, kind, message })}\n`);
  }
}

void main();
