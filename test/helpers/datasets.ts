import fs from 'node:fs';
import path from 'node:path';

/**
 * ../shared/datasets beside the project: real public data, read by tests only.
 * PARLEY_DATASETS_DIR points elsewhere (a checkout that is not beside it, a git worktree).
 */
export const DATASETS_DIR = process.env.PARLEY_DATASETS_DIR ?? path.resolve(__dirname, '../../../shared/datasets');

/** Every payload of every XSS list, one per line, with the file it came from. */
export function xssPayloads(): { file: string; payload: string }[] {
  const root = path.join(DATASETS_DIR, 'xss');
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.txt'))
    .sort();
  if (files.length === 0) throw new Error(`no XSS payload lists under ${root}`);
  return files.flatMap((file) =>
    fs
      .readFileSync(path.join(root, file), 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((payload) => ({ file, payload })),
  );
}
