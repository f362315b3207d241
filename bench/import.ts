import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWordpressExport } from '../src/imports/wordpress-reader';
import { writeGeneratedWxr } from '../test/helpers/generated-wxr';
import { createTestDatabase, type Dialect } from '../test/helpers/services';

// `npm run bench:import`: `parley import wordpress` of a generated 100,000-comment WXR
// file, as a real process on each database, against a baseline measured in the same
// run: reading the same file with the same streaming reader and storing nothing.
const settings = {
  comments: Number(process.env.BENCH_IMPORT_COMMENTS ?? 100_000),
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  dialects: ['sqlite', 'postgres'] as Dialect[],
};
const MAIN = path.resolve(__dirname, '../src/main.js');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`parley ${args[0]}: ${err}`))));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-import-'));
  try {
    const file = path.join(dir, 'generated.xml');
    const generated = await writeGeneratedWxr({ file, comments: settings.comments });
    let started = Date.now();
    let read = 0;
    for await (const entry of readWordpressExport({ file, now: Date.now() })) if ('comment' in entry) read++;
    const readSeconds = (Date.now() - started) / 1000;
    const results: Record<string, unknown> = {
      file: { comments: generated.comments, megabytes: +(generated.bytes / 1e6).toFixed(1) },
      baseline: { readCommentsPerSecond: Math.round(read / readSeconds) },
    };
    for (const dialect of settings.dialects) {
      const name = `bench_import_${randomBytes(4).toString('hex')}`;
      const database = await createTestDatabase(dialect, { postgresUrl: settings.postgresUrl, name });
      try {
        const env = { ...database.env, PARLEY_LOG_LEVEL: 'warn' };
        const site = JSON.parse(
          await run(['sites', 'create', '--name', 'Bench', '--origin', 'https://gen.example', '--json'], env),
        );
        started = Date.now();
        const summary = JSON.parse(await run(['import', 'wordpress', file, '--site', site.key, '--json'], env));
        const seconds = (Date.now() - started) / 1000;
        const perSecond = summary.imported / seconds;
        results[dialect] = {
          imported: summary.imported,
          seconds: +seconds.toFixed(1),
          commentsPerSecond: Math.round(perSecond),
          ratioToBaseline: +(perSecond / (read / readSeconds)).toFixed(2),
          peakRssMegabytes: Math.round(summary.peakRssBytes / 1e6),
        };
      } finally {
        await database.drop();
      }
    }
    console.log(JSON.stringify(results, null, 2));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
