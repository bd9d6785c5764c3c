import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths';

// The user guide quotes the extension's messages and names its settings and
// commands. These checks keep it honest when the code changes: a reworded
// message, a renamed setting or a retitled command fails here until the guide
// follows.

const guide = readFileSync(path.join(repoRoot, 'docs', 'user-guide.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: {
    configuration: { properties: Record<string, unknown> };
    commands: { command: string; title: string; category?: string }[];
  };
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

/**
 * All of src/ as one text in which a message reads as the user sees it: string
 * pieces joined with `+` become one, escaped quotes lose their backslash, a
 * `${name}` of a string constant (`/nso/run/packages`) is its value, and white
 * space (line breaks between the pieces) is one space.
 */
function sourceText(): string {
  let text = sourceFiles(path.join(repoRoot, 'src'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
    .replace(/['"`]\s*\+\s*['"`]/g, '')
    .replace(/\\([`'"])/g, '$1');
  const constants = new Map<string, string>();
  for (const m of text.matchAll(/\bconst (\w+)\s*=\s*(?:'([^'\n]*)'|"([^"\n]*)")/g)) {
    constants.set(m[1]!, m[2] ?? m[3]!);
  }
  text = text.replace(/\$\{(\w+)\}/g, (whole, name: string) => constants.get(name) ?? whole);
  return text.replace(/\s+/g, ' ');
}

const source = sourceText();

/** The guide's block quotes: each is one message, `{…}` marking what the code fills in. */
function quotedMessages(): string[] {
  return guide
    .split('\n')
    .filter((line) => line.startsWith('> '))
    .map((line) => line.slice(2).replace(/&lt;/g, '<').replace(/&gt;/g, '>').trim());
}

/**
 * The message's fixed words, as runs of four words (or a short piece whole):
 * a word that changed in the code breaks every run that holds it, while a
 * piece of text the code picks with a condition still matches word for word.
 */
function missingParts(message: string): string[] {
  const missing: string[] = [];
  for (const piece of message.split(/\{[^}]*\}|…/)) {
    // Punctuation at a piece's ends belongs to the text around a placeholder.
    const words = piece.trim().split(/\s+/).filter(Boolean);
    while (words.length > 0 && !/[\p{L}\d]/u.test(words[0]!)) words.shift();
    while (words.length > 0 && !/[\p{L}\d]/u.test(words[words.length - 1]!)) words.pop();
    if (words.length === 0) continue;
    const runs =
      words.length < 4
        ? [words.join(' ')]
        : words.slice(0, words.length - 3).map((_w, i) => words.slice(i, i + 4).join(' '));
    for (const run of runs) {
      if (run.length >= 3 && !source.includes(run)) missing.push(run);
    }
  }
  return missing;
}

describe('docs/user-guide.md against the code', () => {
  it('quotes messages the extension really shows', () => {
    const messages = quotedMessages();
    assert.ok(messages.length >= 40, `only ${messages.length} quoted messages found`);
    const wrong = messages
      .map((m) => ({ m, missing: missingParts(m) }))
      .filter((r) => r.missing.length > 0)
      .map((r) => `${r.m}\n    not in src/: ${r.missing.map((x) => JSON.stringify(x)).join(', ')}`);
    assert.deepEqual(wrong, [], `messages quoted in the guide that the code does not show:\n`);
  });

  it('links only to its own headings', () => {
    // GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = new Set(
      [...guide.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...guide.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length >= 10, `only ${links.length} links found`);
    assert.deepEqual(
      links.filter((l) => !anchors.has(l)),
      [],
    );
  });

  it('names only settings that package.json contributes', () => {
    const known = new Set(Object.keys(pkg.contributes.configuration.properties));
    const named = new Set([...guide.matchAll(/`(nso\.[A-Za-z.]+[A-Za-z])`/g)].map((m) => m[1]!));
    assert.ok(named.size >= 10, `only ${named.size} settings named`);
    assert.deepEqual(
      [...named].filter((n) => !known.has(n)),
      [],
    );
  });

  it('names only commands that package.json contributes, by their titles', () => {
    const titles = new Set(
      pkg.contributes.commands.map((c) => (c.category ? `${c.category}: ${c.title}` : c.title)),
    );
    const named = new Set(
      [...guide.matchAll(/\*\*(NSO: [^*]+)\*\*/g)].map((m) => m[1]!.replace(/\s+/g, ' ')),
    );
    assert.ok(named.size >= 15, `only ${named.size} commands named`);
    assert.deepEqual(
      [...named].filter((n) => !titles.has(n)),
      [],
    );
  });
});
