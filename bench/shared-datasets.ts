import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { textFromHtml } from '../src/moderation/classifier/training';

/**
 * The labeled comments of ../shared/datasets (see its README), each file read in its
 * own format and brought to one shape: a text and a label, 1 for "should not be
 * published unseen". Used to train the default model and to evaluate across domains;
 * nothing here is shipped.
 */

export const SHARED_DATASETS_DIR = path.resolve(__dirname, process.env.PARLEY_DATASETS ?? '../../../shared/datasets');

export type Family = 'youtube' | 'youtube-extra' | 'abuse';

export interface LabeledText {
  text: string;
  label: 0 | 1;
  /** For toxic-spans: rated toxic by Civil Comments, but "not toxic" by most span raters. */
  borderline?: boolean;
}

export interface DatasetFile {
  /** Path under the datasets folder, e.g. `youtube-spam/Youtube01-Psy.csv`. */
  file: string;
  family: Family;
  /** What label 1 means: spam (promotion, scams) or abuse (insults, hate). */
  judgement: 'spam' | 'abuse';
  sha256: string;
  comments: LabeledText[];
}

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file), {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    bom: true,
    skip_empty_lines: true,
  });
}

/** Twitter's own marks (retweets, mentions, its link shortener) say nothing about a comment. */
function tweetText(tweet: string): string {
  return textFromHtml(tweet)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@\w+:?/g, ' ')
    .replace(/\bRT\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function loadSharedDatasets(dir: string = SHARED_DATASETS_DIR): DatasetFile[] {
  if (!fs.existsSync(dir)) throw new Error(`no shared datasets at ${dir} (set PARLEY_DATASETS to their folder)`);
  const files: DatasetFile[] = [];
  const youtube = (family: Family, folder: string, labelColumn: string) => {
    for (const name of fs
      .readdirSync(path.join(dir, folder))
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const file = path.join(dir, folder, name);
      const comments = readCsv(file)
        .map((row): LabeledText => ({
          text: textFromHtml(row.content ?? ''),
          label: row[labelColumn]?.trim() === '1' ? 1 : 0,
        }))
        .filter((c) => c.text !== '');
      files.push({ file: `${folder}/${name}`, family, judgement: 'spam', sha256: sha256(file), comments });
    }
  };
  youtube('youtube', 'youtube-spam', 'class');
  youtube('youtube-extra', 'youtube-spam-extra', 'tag');

  const spansFile = path.join(dir, 'abuse/toxic-spans-comments.csv');
  const annotationsFile = path.join(dir, 'abuse/toxic-spans-annotations.csv');
  const raters = new Map<string, { all: number; notToxic: number }>();
  for (const row of readCsv(annotationsFile)) {
    const entry = raters.get(row.comment_id) ?? { all: 0, notToxic: 0 };
    entry.all++;
    if (row['not toxic'] === 'True') entry.notToxic++;
    raters.set(row.comment_id, entry);
  }
  files.push({
    file: 'abuse/toxic-spans-comments.csv',
    family: 'abuse',
    judgement: 'abuse',
    sha256: createHash('sha256')
      .update(fs.readFileSync(spansFile))
      .update(fs.readFileSync(annotationsFile))
      .digest('hex'),
    comments: readCsv(spansFile).map((row) => {
      const votes = raters.get(row.comment_id);
      const borderline = votes !== undefined && votes.notToxic * 2 > votes.all;
      return { text: row.comment_text, label: borderline ? 0 : 1, borderline };
    }),
  });

  const foxFile = path.join(dir, 'abuse/fox-news-comments.json');
  files.push({
    file: 'abuse/fox-news-comments.json',
    family: 'abuse',
    judgement: 'abuse',
    sha256: sha256(foxFile),
    comments: fs
      .readFileSync(foxFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const row = JSON.parse(line) as { text: string; label: number };
        return { text: row.text, label: row.label === 1 ? 1 : 0 };
      }),
  });

  const davidsonFile = path.join(dir, 'abuse/davidson-labeled_data.csv');
  files.push({
    file: 'abuse/davidson-labeled_data.csv',
    family: 'abuse',
    judgement: 'abuse',
    sha256: sha256(davidsonFile),
    // Class 0 is hate speech, 1 offensive, 2 neither.
    comments: readCsv(davidsonFile)
      .map((row): LabeledText => ({ text: tweetText(row.tweet), label: row.class === '2' ? 0 : 1 }))
      .filter((c) => c.text !== ''),
  });
  return files;
}

/** A file's base name, as evaluation reports name it. */
export function baseName(file: DatasetFile): string {
  return path.basename(file.file);
}
