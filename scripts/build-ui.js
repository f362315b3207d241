#!/usr/bin/env node
'use strict';
// Bundles the moderator UI (src/moderator-ui) into dist/moderator-ui/: app.js and
// app.css minified by esbuild, and index.html pointing at them with a content hash
// (`?v=`), so the server can let browsers keep them for a year and a new build still
// shows at once. `npm run build` runs this after tsc (which type-checks the UI).
//
//   node scripts/build-ui.js [--out DIR]

const { createHash } = require('node:crypto');
const fs = require('node:fs/promises');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const SOURCE = path.join(ROOT, 'src', 'moderator-ui');
const DEFAULT_OUT = path.join(ROOT, 'dist', 'moderator-ui');
/** Where the server mounts the files (src/http/moderator-ui-routes.ts). */
const URL_PREFIX = '/moderation/';
/** Browsers from 2023 on (native <dialog>, :focus-visible). */
const TARGETS = ['chrome109', 'edge109', 'firefox115', 'safari16'];

/** The version a built file is served under: the same function as the server's `assetVersion`. */
function assetVersion(content) {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

async function bundle(entry, options = {}) {
  const result = await esbuild.build({
    entryPoints: [path.join(SOURCE, entry)],
    bundle: true,
    minify: true,
    write: false,
    target: TARGETS,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
    ...options,
  });
  return result.outputFiles[0].contents;
}

/** Builds the UI into `outDir`; returns the written files and their sizes. */
async function buildModeratorUi({ outDir = DEFAULT_OUT } = {}) {
  const [js, css, template] = await Promise.all([
    bundle('app.ts', { format: 'iife', platform: 'browser', tsconfig: path.join(SOURCE, 'tsconfig.json') }),
    bundle('app.css', { loader: { '.css': 'css' } }),
    fs.readFile(path.join(SOURCE, 'index.html'), 'utf8'),
  ]);
  const html = template
    .replace('{{app.js}}', `${URL_PREFIX}app.js?v=${assetVersion(js)}`)
    .replace('{{app.css}}', `${URL_PREFIX}app.css?v=${assetVersion(css)}`);
  if (/\{\{[^}]*\}\}/.test(html)) throw new Error('index.html has a placeholder the build does not fill');

  await fs.mkdir(outDir, { recursive: true });
  const files = { 'app.js': js, 'app.css': css, 'index.html': Buffer.from(html) };
  // Write the assets before the page that names them, so a running server never serves
  // a page whose assets are not there yet.
  await Promise.all(['app.js', 'app.css'].map((name) => fs.writeFile(path.join(outDir, name), files[name])));
  await fs.writeFile(path.join(outDir, 'index.html'), files['index.html']);
  return Object.entries(files).map(([name, content]) => ({ file: path.join(outDir, name), bytes: content.length }));
}

module.exports = { buildModeratorUi, assetVersion };

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex === -1 ? undefined : path.resolve(args[outIndex + 1] ?? '');
  buildModeratorUi({ outDir }).then(
    (files) => {
      for (const { file, bytes } of files)
        console.log(`${path.relative(process.cwd(), file)}  ${(bytes / 1024).toFixed(1)} kB`);
    },
    (err) => {
      console.error(`build-ui: ${err.message}`);
      process.exit(1);
    },
  );
}
