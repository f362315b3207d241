import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { ContentClassifier } from '../src/moderation/classifier/content-classifier';
import { abuseFeatures, spamFeatures, tokenize } from '../src/moderation/classifier/features';
import { scoreVector, vectorize } from '../src/moderation/classifier/linear-model';
import { readModelFile } from '../src/moderation/classifier/model-file';
import { ModelLayers } from '../src/moderation/classifier/model-layers';
import { clearRedisPrefix } from '../test/helpers/services';
import { loadSharedDatasets } from './shared-datasets';

/**
 * `npm run bench:model`: what the two content judgements cost. Scoring time per
 * comment (both judgements, CPU only, then with the Redis layers read), the model's
 * load time and resident memory, and how much later `parley start` (`npm start`: the API
 * and the workers, which load the model at start) listens with the model than without it.
 */

const MAIN = path.resolve(__dirname, '../src/main.js');

function secondsUntilListening(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [MAIN, 'start'], {
      env: { ...process.env, ...env, PORT: '0', PARLEY_HOST: '127.0.0.1', PARLEY_LOG_LEVEL: 'info' },
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`parley start did not listen within 30 s:\n${output}`));
    }, 30_000);
    const watch = (chunk: Buffer) => {
      output += chunk;
      if (!/listening on/.test(output)) return;
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      child.once('exit', () => resolve(seconds));
      child.kill('SIGTERM');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
  });
}

async function main(): Promise<void> {
  const texts = loadSharedDatasets()
    .flatMap((f) => f.comments.filter((_, i) => i % 10 === 0).map((c) => c.text))
    .slice(0, 4000);

  const rssBefore = process.memoryUsage().rss;
  const loadStarted = process.hrtime.bigint();
  const model = readModelFile();
  const loadMs = Number(process.hrtime.bigint() - loadStarted) / 1e6;
  const modelRssMb = (process.memoryUsage().rss - rssBefore) / 1e6;

  const cpuStarted = process.hrtime.bigint();
  for (const text of texts) {
    const input = { text, website: null };
    const tokens = tokenize(input);
    scoreVector(model.models.spam, vectorize(spamFeatures(input, tokens)));
    scoreVector(model.models.abuse, vectorize(abuseFeatures(input, tokens)));
  }
  const cpuUs = Number(process.hrtime.bigint() - cpuStarted) / 1e3 / texts.length;

  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `{parley-bench-model-${process.pid}}`;
  const classifier = new ContentClassifier({
    loadModel: () => model,
    modelLayers: new ModelLayers({ redis, prefix }),
    lessonsPerHour: 1e6,
    agreeingSites: 3,
    clock: Date.now,
  });
  // A site layer that has learned something, so the reads return weights.
  for (let i = 0; i < 200; i++) {
    await classifier.learn({
      siteKey: 'site_bench',
      exampleKey: `e${i}`,
      textHash: `h${i}`,
      input: { text: texts[i], website: null },
      lessons: { spam: i % 2 ? 1 : 0 },
      teacher: { id: 'bench', role: 'moderator' },
    });
  }
  const withRedisStarted = process.hrtime.bigint();
  for (const text of texts) await classifier.score({ text, website: null, siteKey: 'site_bench' });
  const withRedisUs = Number(process.hrtime.bigint() - withRedisStarted) / 1e3 / texts.length;
  await clearRedisPrefix(prefix, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  redis.disconnect();

  const env = {
    PARLEY_DATA_DIR: path.join(os.tmpdir(), `parley-bench-model-${process.pid}`),
    PARLEY_REDIS_PREFIX: prefix,
  };
  const withModel: number[] = [];
  const withoutModel: number[] = [];
  for (let i = 0; i < 3; i++) {
    withModel.push(await secondsUntilListening({ ...env, PARLEY_MODEL: 'default' }));
    withoutModel.push(await secondsUntilListening({ ...env, PARLEY_MODEL: 'none' }));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];

  const result = {
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version },
    model: { version: model.version, bytes: model.bytes, features: model.features },
    comments: texts.length,
    scoreUsPerComment: { cpuOnly: Math.round(cpuUs), withRedisLayers: Math.round(withRedisUs) },
    load: { ms: Math.round(loadMs), rssMb: Math.round(modelRssMb) },
    startSeconds: {
      withModel: median(withModel),
      withoutModel: median(withoutModel),
      added: median(withModel) - median(withoutModel),
    },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((err: unknown) => {
  console.error(`bench-model: ${(err as Error).message}`);
  process.exit(1);
});
