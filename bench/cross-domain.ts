import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializeModelFile } from '../src/moderation/classifier/model-file';
import { type Counts, evaluate, rates } from './eval-moderation';
import { baseName, type DatasetFile, loadSharedDatasets } from './shared-datasets';
import { fitDefaultModels } from './train-default';

/**
 * `npm run eval:cross-domain [-- --json] [--quick]`: how well moderation carries to
 * comments it was not trained on. For every file of ../shared/datasets, and every
 * family (YouTube, YouTube extra, abuse), a default model is fitted the way
 * `train:default` fits it but without that file or family, and the held-out comments
 * go through the whole pipeline (eval:moderation). The shipped model on each file
 * (trained on it) is the last column group, for comparison.
 *
 * `--quick` evaluates at most 3,000 comments of each file (every n-th), for a faster look.
 */

interface Row {
  fold: string;
  file: string;
  comments: number;
  okSilenced: number;
  okHeld: number;
  notPublished: number;
  held: number;
}

function writeCsv(file: DatasetFile, dir: string, limit: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const step = Math.max(1, Math.ceil(file.comments.length / limit));
  const rows = file.comments.filter((_, i) => i % step === 0).map((c) => `"${c.text.replace(/"/g, '""')}",${c.label}`);
  const out = path.join(dir, baseName(file).replace(/\.(json|csv)$/, '.csv'));
  fs.writeFileSync(out, `text,label\n${rows.join('\n')}\n`);
  return out;
}

function rowOf(fold: string, file: string, counts: Counts): Row {
  const r = rates(counts);
  const n =
    Object.values(counts.ham).reduce((a, b) => a + b, 0) + Object.values(counts.spam).reduce((a, b) => a + b, 0);
  const okHeld =
    counts.ham.held /
    Math.max(
      1,
      Object.values(counts.ham).reduce((a, b) => a + b, 0),
    );
  return { fold, file, comments: n, okSilenced: r.hamSilenced, okHeld, notPublished: r.spamNotPublished, held: r.held };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const limit = process.argv.includes('--quick') ? 3000 : Infinity;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const files = loadSharedDatasets();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cross-domain-'));
  const log = (message: string) => console.error(message);
  const rows: Row[] = [];
  try {
    const csv = new Map(files.map((f) => [f.file, writeCsv(f, dir, limit)]));
    const run = async (fold: string, heldOut: DatasetFile[], model: string) => {
      const result = await evaluate({ test: heldOut.map((f) => csv.get(f.file)!), model, redisUrl });
      for (const f of heldOut) rows.push(rowOf(fold, baseName(f), result.files[path.basename(csv.get(f.file)!)]));
      log(`${fold}: done`);
    };
    const fitted = async (fold: string, heldOut: DatasetFile[]) => {
      const modelFile = path.join(dir, `model-${rows.length}.json`);
      fs.writeFileSync(modelFile, serializeModelFile(fitDefaultModels(files.filter((f) => !heldOut.includes(f)))));
      await run(fold, heldOut, modelFile);
    };
    for (const family of ['youtube', 'youtube-extra', 'abuse'] as const)
      await fitted(
        `without family ${family}`,
        files.filter((f) => f.family === family),
      );
    // In domain: fitted on 80% of every file, tested on the other 20% (every fifth comment).
    const parts = files.map((f) => ({
      train: { ...f, comments: f.comments.filter((_, i) => i % 5 !== 0) },
      test: { ...f, comments: f.comments.filter((_, i) => i % 5 === 0) },
    }));
    const splitModel = path.join(dir, 'model-split.json');
    fs.writeFileSync(splitModel, serializeModelFile(fitDefaultModels(parts.map((p) => p.train))));
    for (const p of parts) csv.set(`${p.test.file}#split`, writeCsv(p.test, path.join(dir, 'split'), limit));
    const split = await evaluate({
      test: parts.map((p) => csv.get(`${p.test.file}#split`)!),
      model: splitModel,
      redisUrl,
    });
    for (const p of parts)
      rows.push(
        rowOf(
          '80% of every file (in domain)',
          baseName(p.test),
          split.files[path.basename(csv.get(`${p.test.file}#split`)!)],
        ),
      );
    log('in-domain split: done');
    for (const file of files) await fitted(`without file ${baseName(file)}`, [file]);
    await run('shipped model (trained on it)', files, 'default');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (json) {
    console.log(JSON.stringify({ rows }));
    return;
  }
  const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);
  console.log('| trained | tested on | comments | ok silenced | ok held | not-ok not published | held (all) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.fold} | ${r.file} | ${r.comments} | ${pct(r.okSilenced)} | ${pct(r.okHeld)} | ${pct(r.notPublished)} | ${pct(r.held)} |`,
    );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`cross-domain: ${(err as Error).message}`);
    process.exit(1);
  });
}
