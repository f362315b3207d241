import fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { EXPORT_FORMATS, type ExportFormat } from '../imports/comment-exporter';
import {
  DEFAULT_BATCH_SIZE,
  type ImportSource,
  type ImportSummary,
  PAGE_ID_CHOICES,
  type PageIdChoice,
} from '../imports/comment-importer';
import { readDisqusExport } from '../imports/disqus-reader';
import { type PageMove, remapPages } from '../imports/page-remap';
import { readWordpressExport } from '../imports/wordpress-reader';
import { ImportFileError } from '../imports/xml-elements';
import type { DatabaseRuntime } from '../database-runtime';
import { parseCount } from './arguments';
import { withDatabase, withRuntime } from './open-runtime';
import { collectGarbage, peakRssBytes } from './peak-memory';
import { ProgressBar } from './progress-bar';

/** Comments between full garbage collections: the resident size stays near the live heap (see collectGarbage). */
const COLLECT_EVERY = 4000;

const READERS = { wordpress: readWordpressExport, disqus: readDisqusExport };

function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };
}

interface ImportOptions {
  site: string;
  pageId: PageIdChoice;
  dryRun?: boolean;
  moderate?: boolean;
  batchSize: number;
  json?: boolean;
}

function describe(summary: ImportSummary): string {
  const verb = summary.dryRun ? 'Would import' : 'Imported';
  const statuses = Object.entries(summary.byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const { pingback, trackback, noThread } = summary.skipped;
  return [
    `${verb} ${summary.imported} comments on ${summary.pages} pages${statuses ? ` (${statuses})` : ''} into ${summary.siteKey}.`,
    `Already imported before: ${summary.existing}. Skipped: ${pingback} pingbacks, ${trackback} trackbacks, ${noThread} without a page.`,
    summary.parentMissing ? `Replies whose parent is not in the file (kept top-level): ${summary.parentMissing}.` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

async function runImport(options: {
  runtime: DatabaseRuntime;
  source: ImportSource;
  file: string;
  opts: ImportOptions;
  enqueue?: (ids: string[]) => Promise<void>;
}): Promise<void> {
  const { runtime, source, file, opts } = options;
  if (!(await runtime.siteRepository.find(opts.site))) throw new Error(`no site with key ${opts.site}`);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new Error(`cannot read ${file}`);
  }
  const bar = ProgressBar.forTerminal(size, !opts.json);
  let bytes = 0;
  let stored = 0;
  let seen = 0;
  const onProgress = (read: number) => {
    bytes = read;
    bar?.update({ bytes });
  };
  try {
    const summary = await runtime.commentImporter.run({
      siteKey: opts.site,
      source,
      file,
      entries: READERS[source]({ file, now: Date.now(), onProgress }),
      pageId: opts.pageId,
      dryRun: opts.dryRun ?? false,
      batchSize: opts.batchSize,
      moderate: options.enqueue && { enqueue: options.enqueue },
      bytesRead: () => bytes,
      onBatch: (so) => {
        const read = so.imported + so.existing;
        if (Math.floor(read / COLLECT_EVERY) > Math.floor(seen / COLLECT_EVERY)) collectGarbage();
        seen = read;
        stored = so.imported;
        bar?.update({ comments: read });
      },
    });
    bar?.done();
    // Peak memory is part of the report: an import is meant to run in constant memory, whatever the file's size.
    console.log(opts.json ? JSON.stringify({ ...summary, peakRssBytes: peakRssBytes() }) : describe(summary));
  } catch (err) {
    bar?.done();
    if (!(err instanceof ImportFileError)) throw err;
    throw new Error(
      `${file}: ${err.message.replace(/\.$/, '')}. The import stopped there: ${opts.dryRun ? 'nothing was stored (dry run)' : `${stored} comments were stored in complete batches, nothing of the batch in progress`}. Fix the file and run the same command again; what is already imported is skipped.`,
    );
  }
}

function addImportCommand(parent: Command, source: ImportSource, description: string): void {
  parent
    .command(source)
    .description(description)
    .argument('<file>', 'the export file')
    .requiredOption('--site <key>', 'the site to import into')
    .option(
      '--page-id <choice>',
      'page ids: url (as the widget uses) | path | source-id',
      oneOf(PAGE_ID_CHOICES),
      'url',
    )
    .option('--dry-run', 'read the whole file and report what would be imported, storing nothing')
    .option('--moderate', 'send the imported comments through the moderation pipeline (and its webhooks)')
    .option('--batch-size <n>', 'comments per transaction', parseCount, DEFAULT_BATCH_SIZE)
    .option('--json', 'print the summary as one JSON object')
    .action((file: string, opts: ImportOptions) =>
      opts.moderate && !opts.dryRun
        ? withRuntime((runtime) =>
            runImport({
              runtime,
              source,
              file,
              opts,
              enqueue: async (ids) => {
                for (const id of ids) await runtime.moderationQueue.enqueue(id);
              },
            }),
          )
        : withDatabase((runtime) => runImport({ runtime, source, file, opts })),
    );
}

function readMoves(opts: { from?: string; to?: string; csv?: string }): PageMove[] {
  if (opts.csv) {
    const rows = parseCsv(fs.readFileSync(opts.csv, 'utf8'), { skip_empty_lines: true, trim: true }) as string[][];
    return rows
      .filter((row) => !(row[0] === 'OLD' && row[1] === 'NEW'))
      .map((row) => {
        if (row.length < 2 || !row[0] || !row[1]) throw new Error(`${opts.csv}: expected OLD,NEW on every line`);
        return { from: row[0], to: row[1], exact: true };
      });
  }
  if (opts.from === undefined || opts.to === undefined)
    throw new Error('give --from PREFIX --to PREFIX, or --csv FILE');
  return [{ from: opts.from, to: opts.to, exact: false }];
}

/** `parley import wordpress|disqus`, `parley export` and `parley pages remap`: moving in and moving out. */
export function addImportCommands(program: Command): void {
  const imports = program.command('import').description('import comments from another comment system');
  addImportCommand(imports, 'wordpress', 'import a WordPress export (WXR 1.0 to 1.2)');
  addImportCommand(imports, 'disqus', 'import a Disqus export');

  program
    .command('export')
    .description("write all of a site's comments: JSON lines, or WXR for WordPress")
    .requiredOption('--site <key>', 'the site')
    .option('--format <format>', 'json | wxr', oneOf(EXPORT_FORMATS), 'json')
    .option('--output <file>', 'write to this file instead of stdout')
    .action((opts: { site: string; format: ExportFormat; output?: string }) =>
      withDatabase(async (runtime) => {
        const site = await runtime.siteRepository.find(opts.site);
        if (!site) throw new Error(`no site with key ${opts.site}`);
        const out = opts.output ? fs.createWriteStream(opts.output, { mode: 0o600 }) : process.stdout;
        const count = await runtime.commentExporter.export({
          siteKey: site.key,
          // The address WordPress records as the blog's: the first origin the site allows.
          site: { name: site.name, url: site.origins[0] ?? '' },
          format: opts.format,
          out,
        });
        if (opts.output) {
          await new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve(null))));
          console.error(`Exported ${count} comments to ${opts.output}.`);
        }
      }),
    );

  const pages = program.command('pages').description("a site's pages (threads)");
  pages
    .command('remap')
    .description("move threads to new page ids and URLs when the site's addresses change")
    .requiredOption('--site <key>', 'the site')
    .option('--from <prefix>', 'the old prefix of page ids and URLs')
    .option('--to <prefix>', 'the new prefix')
    .option('--csv <file>', 'a CSV file of OLD,NEW page ids or URLs, one page a line')
    .option('--dry-run', 'report what would move, changing nothing')
    .option('--json', 'print the moves as one JSON object')
    .action((opts: { site: string; from?: string; to?: string; csv?: string; dryRun?: boolean; json?: boolean }) =>
      withDatabase(async (runtime) => {
        if (!(await runtime.siteRepository.find(opts.site))) throw new Error(`no site with key ${opts.site}`);
        const remaps = await remapPages({
          db: runtime.db,
          siteKey: opts.site,
          moves: readMoves(opts),
          dryRun: opts.dryRun ?? false,
        });
        const comments = remaps.reduce((n, r) => n + r.comments, 0);
        if (opts.json) {
          console.log(JSON.stringify({ dryRun: opts.dryRun ?? false, pages: remaps.length, comments, remaps }));
          return;
        }
        for (const r of remaps) console.log(`${r.from.pageId} -> ${r.to.pageId} (${r.comments} comments)`);
        console.log(`${opts.dryRun ? 'Would move' : 'Moved'} ${remaps.length} pages, ${comments} comments.`);
      }),
    );
}
