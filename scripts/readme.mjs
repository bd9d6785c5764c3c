#!/usr/bin/env node
// Writes the "Settings" and "Commands" tables of README.md from package.json, so the README
// cannot drift from what the extension contributes. Each table lives between a pair of markers
// (`<!-- settings:start -->` … `<!-- settings:end -->`, `<!-- commands:start -->` …
// `<!-- commands:end -->`); everything outside the markers is left as written.
//
//   node scripts/readme.mjs            rewrite README.md in place
//   node scripts/readme.mjs --check    exit 1 (and say which table) when README.md is stale
//   --readme <file> / --package <file> work on other files (the unit test uses them)
//
// The output depends only on package.json: settings sorted by name, commands by category and
// title, places in a fixed order, so two runs on the same package.json give the same bytes.

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A table cell: one line, pipes escaped so they do not split the cell. */
function cell(text) {
  return String(text)
    .replace(/\r?\n+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/** Inline code that survives backticks inside the value. */
function code(text) {
  const s = String(text);
  return s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``;
}

/** The first paragraph of a setting's description; `#nso.x#` setting links become code. */
function describe(schema) {
  const text = schema.markdownDescription ?? schema.description ?? '';
  const first = text.split(/\r?\n\s*\r?\n/)[0] ?? '';
  return first.replace(/`?#([\w.-]+)#`?/g, (_m, name) => code(name));
}

function typeOf(schema) {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  let text = types
    .map((t) => (t === 'array' && schema.items?.type ? `array of ${schema.items.type}` : t))
    .join(' or ');
  if (Array.isArray(schema.enum)) text += `: ${schema.enum.map((v) => code(v)).join(', ')}`;
  const bounds = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (bounds.length > 0) text += ` (${bounds.join(', ')})`;
  return text;
}

function defaultOf(schema) {
  if (!('default' in schema)) return '';
  return code(JSON.stringify(schema.default));
}

/** package.json's contributes.configuration may be one object or a list of sections. */
function settingsOf(pkg) {
  const configuration = pkg.contributes?.configuration ?? [];
  const sections = Array.isArray(configuration) ? configuration : [configuration];
  const settings = [];
  for (const section of sections) {
    for (const [name, schema] of Object.entries(section.properties ?? {})) {
      settings.push({ name, schema });
    }
  }
  return settings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function settingsTable(pkg) {
  const rows = [
    '| Setting | Type | Default | Scope | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const { name, schema } of settingsOf(pkg)) {
    rows.push(
      `| ${[
        code(name),
        typeOf(schema),
        defaultOf(schema),
        schema.scope ?? 'window',
        describe(schema),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return rows.join('\n');
}

/** The view id a `when` clause names (`view == nso.packages`), if any. */
function viewIn(when) {
  return /\bview\s*==\s*([\w.-]+)/.exec(when ?? '')?.[1];
}

function viewNames(pkg) {
  const names = new Map();
  for (const views of Object.values(pkg.contributes?.views ?? {})) {
    for (const view of views) names.set(view.id, view.name ?? view.id);
  }
  return names;
}

/**
 * Where each command can be found, from contributes.menus and the welcome views' command links.
 * A command is in the Command Palette unless a commandPalette entry hides it with `false`.
 */
function placesOf(pkg) {
  const menus = pkg.contributes?.menus ?? {};
  const views = viewNames(pkg);
  const viewName = (when) => {
    const id = viewIn(when);
    return id ? (views.get(id) ?? id) : 'a';
  };
  const places = new Map();
  const add = (command, rank, place) => {
    if (!places.has(command)) places.set(command, new Map());
    places.get(command).set(place, rank);
  };

  const hidden = new Set(
    (menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command),
  );
  const paletteWhen = new Map((menus.commandPalette ?? []).map((m) => [m.command, m.when ?? '']));
  const enablement = new Map(
    (pkg.contributes?.commands ?? []).map((c) => [c.command, c.enablement ?? '']),
  );
  for (const { command } of pkg.contributes?.commands ?? []) {
    if (hidden.has(command)) continue;
    const when = `${paletteWhen.get(command) ?? ''} ${enablement.get(command) ?? ''}`;
    let palette = 'palette';
    if (/resourceScheme == nso-log/.test(when)) palette = 'palette (NSO log open)';
    else if (/editorLangId == ncs-conf/.test(when)) palette = 'palette (ncs.conf open)';
    add(command, 0, palette);
  }
  for (const m of menus['view/title'] ?? []) add(m.command, 1, `${viewName(m.when)} view title`);
  for (const m of menus['view/item/context'] ?? []) {
    const inline = (m.group ?? '').startsWith('inline');
    add(m.command, 2, `${viewName(m.when)} item${inline ? ' (inline)' : ' menu'}`);
  }
  for (const welcome of pkg.contributes?.viewsWelcome ?? []) {
    for (const [, command] of welcome.contents.matchAll(/\]\(command:([\w.-]+)\)/g)) {
      add(command, 3, `${views.get(welcome.view) ?? welcome.view} welcome`);
    }
  }
  for (const m of menus['editor/title'] ?? []) add(m.command, 4, 'editor title');
  for (const walkthrough of pkg.contributes?.walkthroughs ?? []) {
    for (const step of walkthrough.steps ?? []) {
      for (const [, command] of (step.description ?? '').matchAll(/\(command:([\w.-]+)/g)) {
        add(command, 5, 'walkthrough');
      }
    }
  }
  return places;
}

function placesText(places) {
  // A command in no menu and hidden from the palette is one the extension runs itself.
  if (!places) return 'none (run by the extension)';
  return [...places.entries()]
    .sort(([pa, ra], [pb, rb]) => ra - rb || (pa < pb ? -1 : pa > pb ? 1 : 0))
    .map(([place]) => place)
    .join(', ');
}

export function commandsTable(pkg) {
  const places = placesOf(pkg);
  const commands = [...(pkg.contributes?.commands ?? [])].sort((a, b) => {
    // Lower-cased so "Build and Reload" sorts next to "Build All Packages"; the id breaks ties.
    const ka = `${a.category ?? ''}\u0000${a.title}`.toLowerCase() + `\u0000${a.command}`;
    const kb = `${b.category ?? ''}\u0000${b.title}`.toLowerCase() + `\u0000${b.command}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const rows = ['| Command | Id | Where |', '| --- | --- | --- |'];
  for (const c of commands) {
    const title = c.category ? `${c.category}: ${c.title}` : c.title;
    rows.push(
      `| ${[title, code(c.command), placesText(places.get(c.command))].map(cell).join(' | ')} |`,
    );
  }
  return rows.join('\n');
}

/** Replaces what lies between the `name` markers; throws when they are missing. */
function replaceRegion(readme, name, body) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${start} … ${end} region`);
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`;
}

function regionBody(readme, name) {
  const start = `<!-- ${name}:start -->`;
  return readme.slice(readme.indexOf(start) + start.length, readme.indexOf(`<!-- ${name}:end -->`));
}

export function render(readme, pkg) {
  let out = replaceRegion(readme, 'settings', settingsTable(pkg));
  out = replaceRegion(out, 'commands', commandsTable(pkg));
  return out;
}

function main(argv) {
  const check = argv.includes('--check');
  const option = (flag, fallback) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : fallback;
  };
  const readmePath = option('--readme', path.join(repoRoot, 'README.md'));
  const pkgPath = option('--package', path.join(repoRoot, 'package.json'));

  const readme = readFileSync(readmePath, 'utf8');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const wanted = render(readme, pkg);

  if (!check) {
    if (wanted !== readme) writeFileSync(readmePath, wanted);
    return 0;
  }
  if (wanted === readme) return 0;
  const stale = ['settings', 'commands'].filter(
    (name) => regionBody(readme, name) !== regionBody(wanted, name),
  );
  console.error(
    `${path.relative(process.cwd(), readmePath) || readmePath}: the ${stale.join(' and ')} ` +
      `table${stale.length > 1 ? 's differ' : ' differs'} from package.json. ` +
      'Run `npm run readme` and commit the result.',
  );
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 2;
  }
}
