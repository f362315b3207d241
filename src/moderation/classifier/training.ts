import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { parse } from 'csv-parse';
import type { ContentClassifier } from './content-classifier';
import type { Judgement } from './model-file';

/** One labeled comment from a CSV file: label 1 means "should not be published unseen". */
export interface LabeledComment {
  text: string;
  /** The author's name, when the file has one. */
  name: string;
  label: 0 | 1;
  /** The line of its file the record ends on (1-based), for messages. */
  line: number;
}

export interface TrainingCounts {
  positive: number;
  negative: number;
}

/** A CSV file that cannot be used for training, with a message naming the file and the problem. */
export class TrainingDataError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'TrainingDataError';
  }
}

/** The accepted layouts: the YouTube Spam Collection's (CLASS, or TAG in its extra files), and a plain text/label one. */
const LAYOUTS = [
  { text: 'content', label: 'class' },
  { text: 'content', label: 'tag' },
  { text: 'text', label: 'label' },
] as const;

const SPAM_LABELS = new Set(['1', 'spam', 'abuse', 'toxic', 'true', 'yes']);
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
    .replace(
      /<a\s[^<>]{0,2000}?href\s*=\s*(["'])([^"'<>]{1,2000})\1[^<>]{0,2000}>([^<]{0,2000})<\/a\s*>/gi,
      (_, _q: string, href: string, label: string) => linkText(href, label),
    )
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

/**
 * A link as the author would have typed it here. Platforms link some text themselves
 * (hashtags, mentions, video times, bare URLs): that stays plain text. A link the
 * author wrote around other words keeps its target, as a Markdown link.
 */
function linkText(href: string, label: string): string {
  const target = href.replace(/&amp;/g, '&');
  const text = label.trim();
  if (
    !/^https?:\/\//i.test(target) ||
    text === '' ||
    /^[#@]|^\d{1,2}(?::\d\d){1,2}$|^(?:https?:\/\/|www\.)/i.test(text)
  )
    return label;
  return `[${text}](${target})`;
}

function safeCodePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function parseLabel(value: string): 0 | 1 | undefined {
  const v = value.trim().toLowerCase();
  if (SPAM_LABELS.has(v)) return 1;
  if (HAM_LABELS.has(v)) return 0;
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
    throw new TrainingDataError(
      file,
      `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
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
      `expected columns CONTENT and CLASS (or TAG), or text and label; found ${columns.map((c) => JSON.stringify(c)).join(', ')}`,
    );
  }
  const nameColumn = ['author', 'name'].find((c) => columns.includes(c));

  const comments: LabeledComment[] = [];
  for (const { record, line } of records) {
    const label = parseLabel(record[layout.label] ?? '');
    if (label === undefined) {
      throw new TrainingDataError(
        file,
        `line ${line}: label ${JSON.stringify(record[layout.label])} is not one of 1, 0, spam, ham`,
      );
    }
    const text = textFromHtml(record[layout.text] ?? '');
    if (text === '') continue;
    comments.push({ text, name: nameColumn ? (record[nameColumn] ?? '').trim() : '', label, line });
  }
  return comments;
}

export interface TrainFromCsvOptions {
  contentClassifier: ContentClassifier;
  files: string[];
  /** What label 1 means in these files. */
  judgement: Judgement;
}

export interface TrainingResult extends TrainingCounts {
  files: Array<{ file: string } & TrainingCounts>;
  /** Rows skipped because the same text was already learned (spam runs repeat themselves). */
  duplicates: number;
}

/**
 * Teaches the instance layer, as an admin would, from labeled CSV files (see
 * readLabeledComments for the formats), on top of the shipped model. Every file is
 * read and checked before anything is learned, so a bad file teaches nothing. A text
 * seen before (in any file) is skipped, and each text is one example, so teaching the
 * same file twice changes nothing.
 */
export async function trainFromCsv(options: TrainFromCsvOptions): Promise<TrainingResult> {
  const { contentClassifier, files, judgement } = options;
  if (files.length === 0) throw new Error('no training files given');
  const parsed = [];
  for (const file of files) parsed.push({ file, comments: await readLabeledComments(file) });

  const result: TrainingResult = { positive: 0, negative: 0, duplicates: 0, files: [] };
  const seen = new Set<string>();
  for (const { file, comments } of parsed) {
    const counts = { positive: 0, negative: 0 };
    for (const comment of comments) {
      const key = createHash('sha256')
        .update(comment.text.toLowerCase().replace(/\s+/g, ' ').trim())
        .digest('base64url');
      if (seen.has(key)) {
        result.duplicates++;
        continue;
      }
      seen.add(key);
      await contentClassifier.learn({
        siteKey: '',
        exampleKey: `csv:${key}`,
        textHash: key,
        input: { text: comment.text, website: null },
        lessons: { [judgement]: comment.label },
        teacher: { id: 'parley-train', role: 'admin' },
      });
      if (comment.label === 1) counts.positive++;
      else counts.negative++;
    }
    result.files.push({ file, ...counts });
    result.positive += counts.positive;
    result.negative += counts.negative;
  }
  return result;
}
