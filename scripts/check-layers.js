#!/usr/bin/env node
// The layering rule of DESIGN.md, checked over the source (run by `npm run lint`):
// - no two folders of src/ import each other, directly or through others, at run time
//   (type-only imports are erased by the compiler and do not count);
// - domain folders never import src/http, express, or read process.env;
// - domain folders never import the composition code that wires them (main.ts, runtime.ts,
//   database-runtime.ts, serve.ts, cli/): the cycle check skips top-level files, so this is
//   checked on its own.
// Prints every violation and exits 1 if there is one.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
// The browser bundles are their own programs: they may only type-import the server.
const BROWSER = new Set(['widget', 'moderator-ui']);
// Folders whose code is the domain: wired by the composition roots, never wiring themselves.
const DOMAIN = new Set([
  'comments',
  'moderation',
  'sites',
  'auth',
  'webhooks',
  'mail',
  'imports',
  'privacy',
  'queue',
  'db',
  'metrics',
  'net',
]);

/** Whether an import target is composition code: it may import anything, but nothing of the domain imports it. */
function isComposition(target) {
  const rel = path.relative(src, target).replace(/\.ts$/, '');
  return ['main', 'runtime', 'database-runtime', 'serve'].includes(rel) || rel.split(path.sep)[0] === 'cli';
}

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** The folder of src/ a file belongs to (`main.ts`, `config.ts`... are the top level, '.'). */
function folderOf(file) {
  const rel = path.relative(src, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : '.';
}

/** Runtime imports of a file: `import ... from`, `export ... from` and `require()`, minus `import type`/`export type`. */
function runtimeImports(text) {
  const found = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[2]) continue;
    // `import { type A, type B } from` is type-only too.
    const names = /^\{([\s\S]*)\}$/.exec(match[3].trim());
    if (names && names[1].split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim()))) continue;
    found.push(match[4]);
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1]);
  return found;
}

const problems = [];
const edges = new Map();
for (const file of files(src)) {
  const from = folderOf(file);
  const text = fs.readFileSync(file, 'utf8');
  const rel = path.relative(root, file);
  if (DOMAIN.has(from)) {
    if (/\bprocess\.env\b/.test(text))
      problems.push(`${rel}: a domain module reads process.env (take the value from the config)`);
  }
  for (const spec of runtimeImports(text)) {
    if (DOMAIN.has(from) && (spec === 'express' || spec.startsWith('express/')))
      problems.push(`${rel}: a domain module imports express`);
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec);
    if (!target.startsWith(src)) {
      if (!BROWSER.has(from)) continue;
      problems.push(`${rel}: browser code imports ${spec} at run time (type-import the server's types instead)`);
      continue;
    }
    const to = folderOf(`${target}.ts`);
    if (DOMAIN.has(from) && to === 'http') problems.push(`${rel}: a domain module imports src/http (${spec})`);
    if (DOMAIN.has(from) && isComposition(target))
      problems.push(`${rel}: a domain module imports the composition code (${spec})`);
    if (to === from || to === '.' || from === '.') continue;
    if (BROWSER.has(from) && !BROWSER.has(to)) problems.push(`${rel}: browser code imports ${spec} at run time`);
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, rel);
  }
}

// Folder cycles: a depth-first search that reports each cycle once, with a file that makes each edge.
const seen = new Set();
function visit(node, trail) {
  const index = trail.indexOf(node);
  if (index >= 0) {
    const cycle = [...trail.slice(index), node];
    const key = [...cycle.slice(0, -1)].sort().join(',');
    if (!seen.has(key)) {
      seen.add(key);
      const via = cycle.slice(0, -1).map((f, i) => `${f} -> ${cycle[i + 1]} (${edges.get(f).get(cycle[i + 1])})`);
      problems.push(`folder cycle: ${via.join('; ')}`);
    }
    return;
  }
  for (const next of edges.get(node)?.keys() ?? []) visit(next, [...trail, node]);
}
for (const node of edges.keys()) visit(node, []);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `layers: ${edges.size} folders, no cycles, no domain module imports http, express, the composition code or process.env`,
);
