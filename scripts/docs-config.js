#!/usr/bin/env node
/**
 * Writes the configuration reference from config/defaults.ts, the one place settings
 * are declared: the table in README.md (between `<!-- config:start -->` and
 * `<!-- config:end -->`) and .env.example. Each setting's doc comment is its
 * description; its value is its default.
 *
 *   npm run docs:config            rewrite both files
 *   npm run docs:config -- --check  exit 1 if either is stale (what the tests check)
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { parse: parseYaml } = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const DEFAULTS = path.join(ROOT, 'config', 'defaults.ts');
const README = path.join(ROOT, 'README.md');
const ENV_EXAMPLE = path.join(ROOT, '.env.example');
const COMPOSE = path.join(ROOT, 'docker-compose.yml');
const START = '<!-- config:start -->';
const END = '<!-- config:end -->';

/** The settings of config/defaults.ts, in order: `{name, value, description}`. */
function readSettings(file = DEFAULTS) {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  let object;
  source.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === 'defaults' && node.initializer) {
      let init = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))
        init = init.expression;
      if (ts.isObjectLiteralExpression(init)) object = init;
    }
    node.forEachChild(visit);
  });
  if (!object) throw new Error(`${file}: no \`export const defaults = {...}\``);
  return object.properties.map((property) => {
    if (!ts.isPropertyAssignment(property) || !ts.isStringLiteralLike(property.initializer)) {
      throw new Error(
        `${file}: every setting must be NAME: 'string default' (at ${property.getText(source).slice(0, 40)})`,
      );
    }
    const name = property.name.getText(source).replace(/^['"]|['"]$/g, '');
    const docs = ts.getJSDocCommentsAndTags(property).filter(ts.isJSDoc);
    const comment = docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '').join(' ');
    const description = comment.replace(/\s+/g, ' ').trim();
    if (!description) throw new Error(`${file}: ${name} has no doc comment; it is the setting's documentation`);
    return { name, value: property.initializer.text, description };
  });
}

const cell = (text) => text.replace(/\|/g, '\\|');
const code = (text) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** The Markdown table, markers included. */
function renderTable(settings) {
  const rows = settings.map(
    (s) => `| \`${s.name}\` | ${s.value === '' ? 'empty' : cell(code(s.value))} | ${cell(s.description)} |`,
  );
  return [
    START,
    '<!-- Generated from config/defaults.ts by `npm run docs:config`: edit the doc comments there. -->',
    '',
    '| variable | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
    END,
  ].join('\n');
}

/** README.md with its table replaced. */
function renderReadme(readme, settings) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md: no ${START} ... ${END} section`);
  return readme.slice(0, start) + renderTable(settings) + readme.slice(end + END.length);
}

/** The settings docker-compose.yml fixes for the api and worker (a `.env` cannot change them). */
function composeFixed(file = COMPOSE) {
  if (!fs.existsSync(file)) return new Set();
  const compose = parseYaml(fs.readFileSync(file, 'utf8'), { merge: true });
  const fixed = new Set();
  for (const service of ['api', 'worker']) {
    const env = compose.services?.[service]?.environment ?? {};
    for (const [name, value] of Object.entries(env)) {
      if (!String(value).startsWith(`\${${name}`)) fixed.add(name);
    }
  }
  return fixed;
}

function wrap(text, width = 86) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** .env.example: every setting, commented out at its default, with its description. */
function renderEnvExample(settings, fixed = composeFixed()) {
  const out = [
    '# Parley settings, each at its default. Generated from config/defaults.ts by',
    '# `npm run docs:config`; README.md ("Configuration") has the same list.',
    '#',
    '# Parley reads its environment, not this file. docker compose does read `.env`:',
    '# `cp .env.example .env`, uncomment what you change, and the api and worker',
    '# containers get it (settings marked "compose sets this" are fixed by',
    "# docker-compose.yml). Elsewhere: `set -a; . ./.env; set +a`, or systemd's",
    '# EnvironmentFile=.',
    '',
    '# Used by docker-compose.yml itself: the PostgreSQL password, and the host port',
    '# the API is published on.',
    'POSTGRES_PASSWORD=change-me',
    '#PARLEY_PORT=3000',
  ];
  for (const s of settings) {
    out.push('');
    for (const line of wrap(s.description + (fixed.has(s.name) ? ' (compose sets this.)' : ''))) out.push(`# ${line}`);
    out.push(`#${s.name}=${/[\s#'"$`\\{}]/.test(s.value) ? `'${s.value}'` : s.value}`);
  }
  return `${out.join('\n')}\n`;
}

/** What the two files should hold now. */
function expectedFiles() {
  const settings = readSettings();
  return {
    [README]: renderReadme(fs.readFileSync(README, 'utf8'), settings),
    [ENV_EXAMPLE]: renderEnvExample(settings),
  };
}

/** The files whose content is stale (relative paths). */
function staleFiles() {
  return Object.entries(expectedFiles())
    .filter(([file, content]) => !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content)
    .map(([file]) => path.relative(ROOT, file));
}

module.exports = { readSettings, renderTable, renderReadme, renderEnvExample, staleFiles, expectedFiles, START, END };

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      console.error(
        `${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} out of date with config/defaults.ts: run "npm run docs:config".`,
      );
      process.exit(1);
    }
    console.log('README.md and .env.example match config/defaults.ts.');
  } else {
    for (const [file, content] of Object.entries(expectedFiles())) fs.writeFileSync(file, content);
    console.log('Wrote the configuration table in README.md and .env.example from config/defaults.ts.');
  }
}
