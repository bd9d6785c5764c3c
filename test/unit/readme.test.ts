import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';

const generator = path.join(repoRoot, 'scripts', 'readme.mjs');

/** Runs the README generator as `npm run readme` does, in its own Node process. */
function runGenerator(args: string[]): Promise<{ code: number; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [generator, ...args], { cwd: repoRoot }, (error, _out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, err });
    });
  });
}

describe('README tables generated from package.json', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'nso-readme-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('README.md is up to date with package.json', async () => {
    const r = await runGenerator(['--check']);
    assert.equal(r.code, 0, `README.md is stale (run npm run readme): ${r.err}`);
  });

  it('lists every setting and every command of package.json', async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: {
        configuration: { properties: Record<string, unknown> };
        commands: { command: string }[];
      };
    };
    const settings = readme.slice(
      readme.indexOf('<!-- settings:start -->'),
      readme.indexOf('<!-- settings:end -->'),
    );
    const commands = readme.slice(
      readme.indexOf('<!-- commands:start -->'),
      readme.indexOf('<!-- commands:end -->'),
    );
    for (const name of Object.keys(pkg.contributes.configuration.properties)) {
      assert.ok(settings.includes(`| \`${name}\` |`), `setting ${name} missing from README`);
    }
    for (const { command } of pkg.contributes.commands) {
      assert.ok(commands.includes(`| \`${command}\` |`), `command ${command} missing from README`);
    }
  });

  it('check mode fails on a README whose settings table lags package.json, and a rewrite fixes it', async () => {
    const readme = path.join(dir, 'README.md');
    const pkgFile = path.join(dir, 'package.json');
    const pkgText = await readFile(path.join(repoRoot, 'package.json'), 'utf8');

    // A README in step with today's package.json, whatever the real one says.
    await writeFile(pkgFile, pkgText);
    await writeFile(readme, await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
    assert.equal((await runGenerator(['--readme', readme, '--package', pkgFile])).code, 0);
    assert.equal(
      (await runGenerator(['--check', '--readme', readme, '--package', pkgFile])).code,
      0,
    );

    // Then package.json gains a setting.
    const pkg = JSON.parse(pkgText) as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    pkg.contributes.configuration.properties['nso.example.added'] = {
      type: 'boolean',
      default: false,
      scope: 'resource',
      markdownDescription: 'A setting only this test has.\n\nSecond paragraph, not listed.',
    };
    await writeFile(pkgFile, JSON.stringify(pkg));

    const stale = await runGenerator(['--check', '--readme', readme, '--package', pkgFile]);
    assert.equal(stale.code, 1);
    assert.match(stale.err, /the settings table differs from package\.json/);

    assert.equal((await runGenerator(['--readme', readme, '--package', pkgFile])).code, 0);
    const rewritten = await readFile(readme, 'utf8');
    assert.match(
      rewritten,
      /\| `nso\.example\.added` \| boolean \| `false` \| resource \| A setting only this test has\. \|/,
    );
    assert.doesNotMatch(rewritten, /Second paragraph/);
    assert.equal(
      (await runGenerator(['--check', '--readme', readme, '--package', pkgFile])).code,
      0,
    );
  });

  it('gives the same tables whatever order package.json lists things in', async () => {
    const readme = path.join(dir, 'README.md');
    const pkgFile = path.join(dir, 'package.json');
    const pkgText = await readFile(path.join(repoRoot, 'package.json'), 'utf8');
    await writeFile(pkgFile, pkgText);
    await writeFile(readme, await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
    assert.equal((await runGenerator(['--readme', readme, '--package', pkgFile])).code, 0);
    const first = await readFile(readme, 'utf8');

    const pkg = JSON.parse(pkgText) as {
      contributes: {
        configuration: { properties: Record<string, unknown> };
        commands: unknown[];
        menus: Record<string, unknown[]>;
      };
    };
    const settings = pkg.contributes.configuration;
    settings.properties = Object.fromEntries(Object.entries(settings.properties).reverse());
    pkg.contributes.commands.reverse();
    for (const entries of Object.values(pkg.contributes.menus)) entries.reverse();
    await writeFile(pkgFile, JSON.stringify(pkg));

    const r = await runGenerator(['--check', '--readme', readme, '--package', pkgFile]);
    assert.equal(r.code, 0, r.err);
    assert.equal((await runGenerator(['--readme', readme, '--package', pkgFile])).code, 0);
    assert.equal(await readFile(readme, 'utf8'), first);
  });

  it('check mode fails when the markers are gone', async () => {
    const readme = path.join(dir, 'README.md');
    await writeFile(readme, '# No tables here\n');
    const r = await runGenerator(['--check', '--readme', readme]);
    assert.equal(r.code, 2);
    assert.match(r.err, /README has no <!-- settings:start -->/);
  });

  it("says under Try it how to open the walkthrough, by the palette command and the walkthrough's title", async () => {
    const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { walkthroughs: { title: string }[] };
    };
    const tryIt = /^## Try it\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
    assert.ok(tryIt, 'README.md has a Try it section');
    const text = tryIt.replace(/\s+/g, ' ');
    // The palette entry as VS Code titles it (category Welcome, ASCII dots).
    assert.ok(text.includes('Welcome: Open Walkthrough...'), 'names Welcome: Open Walkthrough...');
    const title = pkg.contributes.walkthroughs[0]!.title;
    assert.ok(text.includes(title), `names the walkthrough as VS Code lists it: ${title}`);
  });
});
