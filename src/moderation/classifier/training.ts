import fs from 'node:fs';
import { parse } from 'csv-parse';
import { countLinks, renderCommentHtml } from '../render';
import type { ClassifierInput, SpamClassifier, SpamLabel } from './spam-classifier';

/** One labeled comment from a CSV file. */
export interface LabeledComment {
  input: ClassifierInput;
  label: SpamLabel;
  /** The line of its file the record ends on (1-based), for messages. */
  line: number;
}

export interface TrainingCounts {
  spam: number;
  ham: number;
}

/** A CSV file that cannot be used for training, with a message naming the file and the problem. */
export class TrainingDataError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TrainingDataError';
  }
}

/** The accepted layouts: the YouTube Spam Collection's, and a plain text/label one. */
const LAYOUTS = [
  { text: 'content', label: 'class' },
  { text: 'text', label: 'label' },
] as const;

const SPAM_LABELS = new Set(['1', 'spam', 'true', 'yes']);
const HAM_LABELS = new Set(['0', 'ham', 'false', 'no', 'not spam']);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text a person typed, from the HTML some exports hold (YouTube's CONTENT has
 * `<a href>`, `<br />`, `&amp;` and a trailing U+FEFF): line breaks kept, other tags
 * dropped with their text kept, entities decoded. Plain text passes through unchanged,
 * "<3" included (only a "<" followed by a tag name starts a tag).
 */
export function textFromHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p\s*>/gi, '\n')
    .replace(/<\/?[a-z][^<>]{0,2000}>/gi, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (entity, body: string) => {
      const lower = body.toLowerCase();
      if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? entity;
      if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? entity;
      return ENTITIES[lower] ?? entity;
    })
    .replace(/\uFEFF/g, '')
    .trim();
}

function safeCodePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function parseLabel(value: string): SpamLabel | undefined {
  const v = value.trim().toLowerCase();
  if (SPAM_LABELS.has(v)) return 'spam';
  if (HAM_LABELS.has(v)) return 'ham';
  return undefined;
}

/**
 * Reads a labeled CSV file: columns CONTENT and CLASS (1 = spam, 0 = ham), as in the
 * YouTube Spam Collection, or text and label (spam/ham or 1/0), any case, any other
 * columns ignored; an AUTHOR or name column becomes the author's name. Rows with an
 * empty text are skipped; any other bad row, a missing file or unknown columns throw
 * a TrainingDataError that names the file and line.
 */
export async function readLabeledComments(file: string): Promise<LabeledComment[]> {
  let content: Buffer;
  try {
    content = await fs.promises.readFile(file);
  } catch (err) {
    throw new TrainingDataError(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let records: Array<{ record: Record<string, string>; line: number }>;
  try {
    records = await new Promise((resolve, reject) => {
      parse(
        content,
        {
          columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
          bom: true,
          info: true,
          skip_empty_lines: true,
        },
        (err, rows: Array<{ record: Record<string, string>; info: { lines: number } }>) =>
          err ? reject(err) : resolve(rows.map((r) => ({ record: r.record, line: r.info.lines }))),
      );
    });
  } catch (err) {
    throw new TrainingDataError(file, `not a valid CSV file: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new TrainingDataError(file, 'no rows (expected a header and labeled comments)');

  const columns = Object.keys(records[0].record);
  const layout = LAYOUTS.find((l) => columns.includes(l.text) && columns.includes(l.label));
  if (!layout) {
    throw new TrainingDataError(
      file,
      `expected columns CONTENT and CLASS, or text and label; found ${columns.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
  const nameColumn = ['author', 'name'].find((c) => columns.includes(c));

  const comments: LabeledComment[] = [];
  for (const { record, line } of records) {
    const label = parseLabel(record[layout.label] ?? '');
    if (!label) {
      throw new TrainingDataError(
        file,
        `line ${line}: label ${JSON.stringify(record[layout.label])} is not one of 1, 0, spam, ham`,
      );
    }
    const text = textFromHtml(record[layout.text] ?? '');
    if (text === '') continue;
    comments.push({
      input: {
        text,
        name: nameColumn ? (record[nameColumn] ?? '').trim() : '',
        website: null,
        links: countLinks(renderCommentHtml(text)),
      },
      label,
      line,
    });
  }
  return comments;
}

/** A classifier that can also take extra gradient steps on examples it has learned (RedisSpamClassifier). */
interface RefinableClassifier extends SpamClassifier {
  refine(input: ClassifierInput, label: SpamLabel): Promise<void>;
}

function isRefinable(classifier: SpamClassifier): classifier is RefinableClassifier {
  return typeof (classifier as Partial<RefinableClassifier>).refine === 'function';
}

/** The same text, whatever its case and spacing: a repeat teaches nothing new. */
function normalizedText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A fixed-seed shuffle (Park-Miller), so the same files always train the same model. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 16807) % 2147483647;
    const j = Math.floor((state / 2147483647) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface TrainFromCsvOptions {
  classifier: SpamClassifier;
  files: string[];
  /**
   * Passes over the examples (default 5). The first teaches everything once; the
   * others take more gradient steps for the logistic model, when the classifier
   * supports it.
   */
  passes?: number;
  /** Examples learned at once (default 1, which makes training reproducible). */
  concurrency?: number;
}

export interface TrainingResult extends TrainingCounts {
  files: Array<{ file: string } & TrainingCounts>;
  /** Rows skipped because the same text was already learned (spam runs repeat themselves). */
  duplicates: number;
}

/**
 * Seeds a classifier from labeled CSV files (see readLabeledComments for the formats).
 * Every file is read and checked before anything is learned, so a bad file teaches
 * nothing. A text seen before (in any file) is skipped: a spam run of a hundred
 * copies is one example, not a hundred. The examples are learned in a fixed shuffled
 * order, spam and ham mixed, as moderators' decisions would come. Returns how many
 * spam and ham examples each file gave.
 */
export async function trainFromCsv(options: TrainFromCsvOptions): Promise<TrainingResult> {
  const { classifier, files } = options;
  if (files.length === 0) throw new Error('no training files given');
  const parsed = [];
  for (const file of files) parsed.push({ file, comments: await readLabeledComments(file) });

  const result: TrainingResult = { spam: 0, ham: 0, duplicates: 0, files: [] };
  const seen = new Set<string>();
  const examples: LabeledComment[] = [];
  for (const { file, comments } of parsed) {
    const counts = { spam: 0, ham: 0 };
    for (const comment of comments) {
      const key = normalizedText(comment.input.text);
      if (seen.has(key)) {
        result.duplicates++;
        continue;
      }
      seen.add(key);
      examples.push(comment);
      counts[comment.label]++;
    }
    result.files.push({ file, ...counts });
    result.spam += counts.spam;
    result.ham += counts.ham;
  }

  const passes = Math.max(1, options.passes ?? 5);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const order = shuffled(examples, 7);
  await forEachLimited(order, concurrency, (e) => classifier.learn(e.input, e.label));
  if (isRefinable(classifier)) {
    for (let pass = 1; pass < passes; pass++) {
      await forEachLimited(shuffled(order, 1000 + pass), concurrency, (e) => classifier.refine(e.input, e.label));
    }
  }
  return result;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}
