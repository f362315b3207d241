import type { Command } from 'commander';
import { trainFromCsv } from '../moderation/classifier/training';
import { withRuntime } from './open-runtime';

/** `parley train` and `parley model info | reset`: what the moderation model knows, and teaching it. */
export function addModelCommands(program: Command): void {
  program
    .command('train')
    .description(
      "teach the instance's model from labeled CSV files (CONTENT/CLASS, CONTENT/TAG or text/label columns), as an admin would",
    )
    .requiredOption('--csv <file...>', 'one or more CSV files')
    .option('--abuse', 'label 1 means abuse (insults, hate), not spam')
    .option('--json', 'print the counts as one JSON object')
    .action((opts: { csv: string[]; abuse?: boolean; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const result = await trainFromCsv({
          contentClassifier: runtime.contentClassifier,
          files: opts.csv,
          judgement: opts.abuse ? 'abuse' : 'spam',
        });
        if (opts.json) console.log(JSON.stringify(result));
        else
          console.log(
            `Learned ${result.positive} ${opts.abuse ? 'abusive' : 'spam'} and ${result.negative} other examples from ${opts.csv.length} file(s).`,
          );
      }),
    );

  const model = program
    .command('model')
    .description('the moderation model: what ships, and what this instance learned');
  model
    .command('info')
    .description("print the model's version, training data and sizes, and what moderators taught")
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) =>
      withRuntime(async (runtime) => {
        const file = runtime.config.moderation.modelFile;
        const shipped = runtime.contentClassifier.model;
        const info = {
          version: runtime.contentClassifier.modelVersion,
          file: file ?? null,
          bytes: shipped?.bytes ?? 0,
          features: shipped?.features ?? { spam: 0, abuse: 0 },
          trainedOn: shipped?.trainedOn ?? [],
          learned: await runtime.modelLayers.summary(),
        };
        if (opts.json) {
          console.log(JSON.stringify(info));
          return;
        }
        console.log(`model ${info.version}${file ? ` (${file}, ${(info.bytes / 1e6).toFixed(2)} MB)` : ''}`);
        console.log(`  weights: spam ${info.features.spam}, abuse ${info.features.abuse}`);
        for (const s of info.trainedOn)
          console.log(`  trained (${s.judgement}) on ${s.file}: ${s.examples} examples, ${s.positive} positive`);
        if (info.learned.length === 0) console.log('  learned from moderators: nothing yet');
        for (const l of info.learned)
          console.log(
            `  learned (${l.judgement}, ${l.layer}): ${l.examples} examples, ${l.positive} positive, ${l.features} features`,
          );
      }),
    );
  model
    .command('reset')
    .description('forget what moderators taught: one site, or the whole instance (the shipped model stays)')
    .option('--site <key>', "only this site's layer")
    .option('--json', 'print one JSON object')
    .action((opts: { site?: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const dropped = await runtime.modelLayers.reset(opts.site);
        if (opts.json) console.log(JSON.stringify({ layersDropped: dropped, site: opts.site ?? null }));
        else
          console.log(
            `Dropped ${dropped} learned layer(s)${opts.site ? ` of ${opts.site}` : ''}; the shipped model is unchanged.`,
          );
      }),
    );
}
