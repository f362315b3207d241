import type { CheckResult } from '../finding';
import type { WordList } from '../word-list';

export interface AuthorFields {
  name: string;
  email: string;
  website: string | null;
  text: string;
}

function firstMatch(list: WordList, fields: AuthorFields): { entry: string; field: string } | undefined {
  for (const field of ['text', 'name', 'email', 'website'] as const) {
    const value = fields[field];
    if (!value) continue;
    const entry = list.match(value);
    if (entry !== undefined) return { entry, field };
  }
  return undefined;
}

/** The site's block list (reject or spam) and watch list (hold), over every field the author filled in. */
export function wordLists(input: {
  fields: AuthorFields;
  blockList: WordList;
  watchList: WordList;
  blockVerdict: 'reject' | 'spam';
}): CheckResult | undefined {
  const blocked = firstMatch(input.blockList, input.fields);
  if (blocked) {
    return {
      verdict: input.blockVerdict,
      reason: `"${blocked.entry}" on the block list (in ${blocked.field})`,
    };
  }
  const watched = firstMatch(input.watchList, input.fields);
  if (watched)
    return {
      verdict: 'hold',
      reason: `"${watched.entry}" on the watch list (in ${watched.field})`,
    };
  return undefined;
}
