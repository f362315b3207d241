#!/usr/bin/env node
'use strict';
// Bundles the comment widget (src/widget) into dist/widget/: embed.js, the same bytes as
// embed.<hash>.js (the content hash, for pages that want an immutable URL), and
// embed.json (hash, sizes). Prints the size and fails above the budget: 12 KiB gzipped
// (zlib's default level, as a server or CDN would send it). `npm run build` runs this
// after tsc, which type-checks the widget.
//
//   node scripts/build-widget.js [--out DIR] [--budget BYTES]

const { createHash } = require('node:crypto');
const fs = require('node:fs/promises');
const path = require('node:path');
const zlib = require('node:zlib');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const ENTRY = path.join(ROOT, 'src', 'widget', 'embed.ts');
const DEFAULT_OUT = path.join(ROOT, 'dist', 'widget');
/** The budget: at most 12 KB gzipped. */
const BUDGET_GZIP_BYTES = 12 * 1024;
/** Browsers from 2023 on (constructed stylesheets, Intl.RelativeTimeFormat, :scope). */
const TARGETS = ['chrome109', 'edge109', 'firefox115', 'safari16.4'];

/** The hash in embed.<hash>.js: the same function as src/http/widget-routes.ts uses. */
function widgetHash(content) {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

function gzipSize(content) {
  return zlib.gzipSync(content).length;
}

/** Writes via a temporary file and a rename, so a running server never reads half a file. */
async function writeAtomically(file, content) {
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}

/** Builds the widget into `outDir`; returns what was written. Throws above `budget` gzipped bytes. */
async function buildWidget({ outDir = DEFAULT_OUT, budget = BUDGET_GZIP_BYTES } = {}) {
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: TARGETS,
    tsconfig: path.join(ROOT, 'src', 'widget', 'tsconfig.json'),
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const js = Buffer.from(result.outputFiles[0].contents);
  const hash = widgetHash(js);
  const manifest = {
    file: `embed.${hash}.js`,
    hash,
    bytes: js.length,
    gzipBytes: gzipSize(js),
    budgetGzipBytes: budget,
  };
  if (manifest.gzipBytes > budget) {
    throw new Error(`embed.js is ${manifest.gzipBytes} bytes gzipped, over the budget of ${budget} bytes`);
  }

  await fs.mkdir(outDir, { recursive: true });
  const stale = (await fs.readdir(outDir)).filter(
    (name) => /^embed\.[0-9a-f]{16}\.js$/.test(name) && name !== manifest.file,
  );
  await writeAtomically(path.join(outDir, manifest.file), js);
  await writeAtomically(path.join(outDir, 'embed.js'), js);
  await writeAtomically(path.join(outDir, 'embed.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await Promise.all(stale.map((name) => fs.rm(path.join(outDir, name), { force: true })));
  return { ...manifest, outDir };
}

module.exports = { buildWidget, widgetHash, BUDGET_GZIP_BYTES };

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name) => {
    const index = args.indexOf(name);
    return index === -1 ? undefined : args[index + 1];
  };
  const outDir = option('--out') === undefined ? undefined : path.resolve(option('--out'));
  const budget = option('--budget') === undefined ? undefined : Number(option('--budget'));
  buildWidget({ outDir, budget }).then(
    (built) => {
      const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
      console.log(
        `${path.relative(process.cwd(), path.join(built.outDir, 'embed.js'))} (${built.file})  ` +
          `${kb(built.bytes)}, ${kb(built.gzipBytes)} gzipped (${built.gzipBytes} of ${built.budgetGzipBytes} bytes budget)`,
      );
    },
    (err) => {
      console.error(`build-widget: ${err.message}`);
      process.exit(1);
    },
  );
}
