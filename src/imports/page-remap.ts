import type { Db } from '../db/connect';

/** A move of pages: by prefix (`https://old.example/` → `https://new.example/`), or one page to another. */
export type PageMove = { from: string; to: string; exact: boolean };

export interface PageRemap {
  from: { pageId: string; pageUrl: string | null };
  to: { pageId: string; pageUrl: string | null };
  comments: number;
}

function moved(value: string, move: PageMove): string | undefined {
  if (move.exact) return value === move.from ? move.to : undefined;
  return value.startsWith(move.from) ? move.to + value.slice(move.from.length) : undefined;
}

/**
 * Moves a site's threads to new page ids and URLs when the site's addresses change (a
 * new domain, a new permalink scheme), so no thread is orphaned. A page matches a move
 * by its id or its URL; both are rewritten. The first matching move wins; all moves
 * are applied in one transaction, or none is with `dryRun`.
 */
export async function remapPages(options: {
  db: Db;
  siteKey: string;
  moves: PageMove[];
  dryRun: boolean;
}): Promise<PageRemap[]> {
  const { db, siteKey } = options;
  const pages = await db
    .selectFrom('comments')
    .select(['page_id', 'page_url', (eb) => eb.fn.countAll<number>().as('n')])
    .where('site_key', '=', siteKey)
    .groupBy(['page_id', 'page_url'])
    .orderBy('page_id')
    .execute();
  const remaps: PageRemap[] = [];
  for (const page of pages) {
    for (const move of options.moves) {
      const pageId = moved(page.page_id, move);
      const pageUrl = page.page_url === null ? undefined : moved(page.page_url, move);
      if (pageId === undefined && pageUrl === undefined) continue;
      remaps.push({
        from: { pageId: page.page_id, pageUrl: page.page_url },
        to: { pageId: pageId ?? page.page_id, pageUrl: pageUrl ?? page.page_url },
        comments: Number(page.n),
      });
      break;
    }
  }
  if (options.dryRun || remaps.length === 0) return remaps;
  await db.transaction().execute(async (trx) => {
    for (const remap of remaps) {
      await trx
        .updateTable('comments')
        .set({ page_id: remap.to.pageId, page_url: remap.to.pageUrl })
        .where('site_key', '=', siteKey)
        .where('page_id', '=', remap.from.pageId)
        .where((eb) =>
          remap.from.pageUrl === null ? eb('page_url', 'is', null) : eb('page_url', '=', remap.from.pageUrl),
        )
        .execute();
    }
  });
  return remaps;
}
