import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS } from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

const FIXTURES = path.resolve(__dirname, '../fixtures/imports');
const WXR_12 = path.join(FIXTURES, 'wordpress-1.2.xml');
const DISQUS = path.join(FIXTURES, 'disqus.xml');
const DISQUS_DELETED_THREAD = path.join(FIXTURES, 'disqus-deleted-thread.xml');
const DISQUS_OTHER_TOOLS = path.join(FIXTURES, 'disqus-other-tools.xml');
const HELLO = 'https://blog.example/2019/03/hello-world/';
const ABOUT = 'https://blog.example/about/';

// Each test runs the real command, several times: on a loaded machine that takes a while.
jest.setTimeout(180_000);

describe.each(DIALECTS)('imports and exports on %s', (dialect) => {
  let parley: TestParley;
  let tmp: string;

  beforeAll(async () => {
    parley = await startTestParley({ dialect, worker: false });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-imports-'));
  });
  afterAll(async () => {
    await parley.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    spawnSync(process.execPath, [PARLEY_MAIN, ...args], { env: parley.env, encoding: 'utf8', timeout: 60_000 });
  /** Runs the command with --json and returns its summary, failing on a non-zero exit. */
  const runJson = (args: string[]) => {
    const result = run([...args, '--json']);
    if (result.status !== 0) throw new Error(`parley ${args.join(' ')} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const newSite = async () => (await parley.createSite({ origins: ['https://blog.example'] })).key;
  const commentsOf = (siteKey: string) =>
    parley.runtime.db
      .selectFrom('comments')
      .selectAll()
      .where('site_key', '=', siteKey)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  /** The site's comments by their source id (the WordPress ones without their blog prefix). */
  const bySourceId = async (siteKey: string) =>
    new Map((await commentsOf(siteKey)).map((row) => [row.source_id!.replace(/^.*#/, ''), row]));

  it('imports a WXR 1.2 export: statuses, threading, unicode, entities and CDATA; pingbacks skipped and counted', async () => {
    const site = await newSite();
    const summary = runJson(['import', 'wordpress', WXR_12, '--site', site]);
    expect(summary).toMatchObject({
      source: 'wordpress',
      dryRun: false,
      read: 13,
      imported: 11,
      existing: 0,
      skipped: { pingback: 1, trackback: 1, noThread: 0 },
      byStatus: { approved: 8, held: 1, spam: 1, rejected: 1 },
      parentMissing: 1,
      pages: 2,
    });
    const c = await bySourceId(site);
    expect(c.size).toBe(11);
    expect([...c.keys()].sort()).toEqual(['1', '12', '2', '21', '22', '23', '3', '4', '5', '8', '9']);
    expect(Object.fromEntries([...c].map(([id, row]) => [id, row.status]))).toMatchObject({
      '1': 'approved',
      '3': 'held',
      '4': 'spam',
      '5': 'rejected',
    });
    // Threading: a reply, a reply listed before its parent, three levels, and a parent not in the file.
    expect(c.get('2')!.parent_id).toBe(c.get('1')!.id);
    expect(c.get('9')!.parent_id).toBe(c.get('12')!.id);
    expect(c.get('22')!.parent_id).toBe(c.get('21')!.id);
    expect(c.get('23')!.parent_id).toBe(c.get('22')!.id);
    expect(c.get('8')!.parent_id).toBeNull();
    // Page ids are the post URLs, what the widget uses by default; URL and title are kept.
    expect(c.get('1')).toMatchObject({
      page_id: HELLO,
      page_url: HELLO,
      page_title: 'Hello world! — Ünïcode & entities',
      author_name: 'Zoë Ångström',
      author_email: 'zoe.angstrom@example.com',
      author_website: 'https://zoe.example/',
      ip: '203.0.113.7',
      created_at: Date.parse('2019-03-02T11:30:00Z'),
      text: 'Great post! See [this link](https://example.org/more) & *that*.\n\nSecond paragraph with **bold** and `x < y`.',
    });
    expect(c.get('1')!.html).toContain('<a href="https://example.org/more" rel="nofollow ugc noopener">this link</a>');
    expect(c.get('2')).toMatchObject({
      author_name: 'Kenji & Friends',
      ip: '2001:db8:85a3::8a2e:370:7334',
      text: 'Thanks & welcome — 日本語のコメント 😀 <3',
    });
    expect(c.get('21')!.text).toBe('> About this blog.\n\nNice page.');
    // The zero GMT date falls back to the local one.
    expect(Number(c.get('9')!.created_at)).toBe(Date.parse('2019-03-07T08:00:00Z'));
    expect(c.get('21')!.page_id).toBe(ABOUT);

    // The widget's thread shows them at once, threaded, with no email or IP.
    const thread = await parley.http.get(`/v1/sites/${site}/pages/${encodeURIComponent(HELLO)}/comments`).expect(200);
    expect(thread.body.total).toBe(5);
    const shown = new Map(thread.body.comments.map((x: { id: string; parentId: string | null }) => [x.id, x]));
    expect(shown.get(c.get('2')!.id)).toMatchObject({ parentId: c.get('1')!.id, name: 'Kenji & Friends' });
    expect(JSON.stringify(thread.body)).not.toMatch(/zoe\.angstrom|203\.0\.113/);

    // Imported comments skip the pipeline: no job, no webhook event.
    const jobs = await parley.runtime.moderationQueue.queue.getJobCounts();
    expect(Object.values(jobs).reduce((a, b) => a + b, 0)).toBe(0);
    const events = await parley.runtime.db
      .selectFrom('webhook_events')
      .select('id')
      .where('site_key', '=', site)
      .execute();
    expect(events).toEqual([]);
  });

  it('imports the same file twice without duplicates', async () => {
    const site = await newSite();
    runJson(['import', 'wordpress', WXR_12, '--site', site]);
    const before = await commentsOf(site);
    const again = runJson(['import', 'wordpress', WXR_12, '--site', site]);
    expect(again).toMatchObject({ imported: 0, existing: 11, skipped: { pingback: 1, trackback: 1 } });
    const after = await commentsOf(site);
    expect(after.map((r) => [r.id, r.parent_id])).toEqual(before.map((r) => [r.id, r.parent_id]));
  });

  it('reads WXR 1.0 and 1.1, and keeps two blogs with the same comment ids apart', async () => {
    const site = await newSite();
    for (const version of ['1.0', '1.1']) {
      const summary = runJson(['import', 'wordpress', path.join(FIXTURES, `wordpress-${version}.xml`), '--site', site]);
      expect(summary).toMatchObject({ imported: 2, existing: 0, skipped: { pingback: 1 }, byStatus: { approved: 2 } });
    }
    const rows = await commentsOf(site);
    expect(rows.map((r) => r.source_id).sort()).toEqual([
      'http://old.example#3',
      'http://old.example#4',
      'http://other.example#3',
      'http://other.example#4',
    ]);
    const row = (id: string) => rows.find((r) => r.source_id === id)!;
    expect(row('http://old.example#4').parent_id).toBe(row('http://old.example#3').id);
    expect(row('http://other.example#4').parent_id).toBe(row('http://other.example#3').id);
    expect(row('http://old.example#3').page_id).toBe('http://old.example/2009/09/moving-house/');
  });

  it('imports a Disqus export: threads, guests, spam, deleted posts, and posts without a thread', async () => {
    const site = await newSite();
    const summary = runJson(['import', 'disqus', DISQUS, '--site', site]);
    expect(summary).toMatchObject({
      source: 'disqus',
      read: 8,
      imported: 7,
      skipped: { noThread: 1 },
      byStatus: { approved: 5, spam: 1, rejected: 1 },
      parentMissing: 1,
      pages: 2,
    });
    const c = await bySourceId(site);
    expect(c.get('9000001')).toMatchObject({
      page_id: 'https://blog.example/2020/01/first-post/',
      page_title: 'First post & more',
      author_name: 'Alice',
      author_email: 'alice@example.com',
      ip: '198.51.100.23',
      status: 'approved',
      text: 'Hello **world**, see [this](https://example.org/x?a=1&b=2).\n\nSecond paragraph.',
      created_at: Date.parse('2020-01-02T11:00:00Z'),
    });
    expect(c.get('9000002')).toMatchObject({
      author_name: 'Guest Bob',
      author_email: '',
      parent_id: c.get('9000001')!.id,
      text: 'Me too — 日本語 😀',
    });
    expect(c.get('9000003')!.status).toBe('spam');
    expect(c.get('9000004')!.status).toBe('rejected');
    expect(c.get('9000006')!.parent_id).toBeNull();
    expect(c.get('9000007')!.parent_id).toBe(c.get('9000008')!.id);
    expect(c.get('9000007')!.text).toBe('> Quoted text\n\nA reply listed before its parent.');
    expect(runJson(['import', 'disqus', DISQUS, '--site', site])).toMatchObject({ imported: 0, existing: 7 });
  });

  it('imports Disqus files other tools write: posts without a dsq:id once, booleans as True or 1', async () => {
    const site = await newSite();
    expect(runJson(['import', 'disqus', DISQUS_OTHER_TOOLS, '--site', site])).toMatchObject({
      read: 7,
      imported: 7,
      skipped: { noThread: 0 },
      byStatus: { approved: 4, spam: 1, rejected: 1, held: 1 },
    });
    const c = await bySourceId(site);
    const derived = [...c.entries()].filter(([id]) => id.startsWith('derived:'));
    // Two alike posts by one guest stay two.
    expect(derived.map(([, row]) => row.text).sort()).toEqual([
      '+1',
      '+1',
      'A post with no dsq:id.',
      'Another post with no dsq:id.',
    ]);
    expect(c.get('8400002')!.status).toBe('spam');
    expect(c.get('8400003')!.status).toBe('rejected');
    expect(c.get('8400004')!.status).toBe('held');
    expect(runJson(['import', 'disqus', DISQUS_OTHER_TOOLS, '--site', site])).toMatchObject({
      imported: 0,
      existing: 7,
    });
  });

  it('keeps the posts of a discussion removed on Disqus, unpublished, as it keeps removed posts', async () => {
    const site = await newSite();
    expect(runJson(['import', 'disqus', DISQUS_DELETED_THREAD, '--site', site])).toMatchObject({
      read: 3,
      imported: 3,
      byStatus: { approved: 1, rejected: 1, spam: 1 },
    });
    const c = await bySourceId(site);
    expect(c.get('8200001')!.status).toBe('approved');
    expect(c.get('8200002')!.status).toBe('rejected');
    expect(c.get('8200003')!.status).toBe('spam');
  });

  it('gives pages the id asked for: the URL, its path, or the source id', async () => {
    const bySource = await newSite();
    runJson(['import', 'disqus', DISQUS, '--site', bySource, '--page-id', 'source-id']);
    const pages = new Set((await commentsOf(bySource)).map((r) => `${r.page_id} ${r.page_url}`));
    // The second thread has no identifier: its URL stands in.
    expect(pages).toEqual(
      new Set([
        'post-42 https://blog.example/2020/01/first-post/',
        'https://blog.example/2020/02/second-post/?utm_source=feed https://blog.example/2020/02/second-post/?utm_source=feed',
      ]),
    );
    const byPath = await newSite();
    runJson(['import', 'wordpress', WXR_12, '--site', byPath, '--page-id', 'path']);
    expect(new Set((await commentsOf(byPath)).map((r) => r.page_id))).toEqual(
      new Set(['/2019/03/hello-world/', '/about/']),
    );
    const wpIds = await newSite();
    runJson(['import', 'wordpress', WXR_12, '--site', wpIds, '--page-id', 'source-id']);
    expect(new Set((await commentsOf(wpIds)).map((r) => r.page_id))).toEqual(new Set(['10', '20']));
    expect(run(['import', 'wordpress', WXR_12, '--site', wpIds, '--page-id', 'slug']).stderr).toMatch(
      /expected one of url, path, source-id/,
    );
  });

  it('reports a dry run and stores nothing', async () => {
    const site = await newSite();
    const summary = runJson(['import', 'wordpress', WXR_12, '--site', site, '--dry-run']);
    expect(summary).toMatchObject({ dryRun: true, runId: null, imported: 11, byStatus: { approved: 8 } });
    expect(await commentsOf(site)).toEqual([]);
    const text = run(['import', 'wordpress', WXR_12, '--site', site, '--dry-run']);
    expect(text.stdout).toMatch(/Would import 11 comments on 2 pages/);
  });

  it('stops on malformed input at its line and column, keeps only whole batches, and resumes', async () => {
    const site = await newSite();
    const lines = fs.readFileSync(WXR_12, 'utf8').split('\n');
    // Cut the file inside the second post: its first comments were never closed.
    const cut = lines.findIndex((l) => l.includes('<wp:comment_id>22</wp:comment_id>'));
    const truncated = path.join(tmp, `truncated-${dialect}.xml`);
    fs.writeFileSync(truncated, lines.slice(0, cut).join('\n'));
    const failed = run(['import', 'wordpress', truncated, '--site', site, '--batch-size', '3']);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/truncated-\w+\.xml: line \d+, column \d+: .*unclosed/i);
    expect(failed.stderr).not.toContain('..');
    // Batches of 3: two were stored whole; the two comments of the third were not, nor the post being read.
    expect(failed.stderr).toMatch(/6 comments were stored in complete batches/);
    const stored = await bySourceId(site);
    expect([...stored.keys()].sort()).toEqual(['1', '2', '3', '4', '5', '8']);
    const runRow = await parley.runtime.db
      .selectFrom('import_runs')
      .selectAll()
      .where('site_key', '=', site)
      .executeTakeFirstOrThrow();
    // Entries read when the last batch was stored: six comments, a pingback and a trackback.
    expect(runRow).toMatchObject({ state: 'failed', position: 8 });
    expect(runRow.error).toMatch(/line \d+, column \d+/);

    // A broken tag in the middle names its own line.
    const broken = path.join(tmp, `broken-${dialect}.xml`);
    const at = lines.findIndex((l) => l.includes('<wp:comment_id>3</wp:comment_id>'));
    fs.writeFileSync(
      broken,
      [...lines.slice(0, at), '<wp:comment_id>3</wp:comment_idd>', ...lines.slice(at + 1)].join('\n'),
    );
    const mismatch = run(['import', 'wordpress', broken, '--site', site]);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toContain(`line ${at + 1}, column`);

    // Fixed: the same command takes only what is missing.
    const resumed = runJson(['import', 'wordpress', WXR_12, '--site', site]);
    expect(resumed).toMatchObject({ imported: 5, existing: 6 });
    const all = await bySourceId(site);
    expect(all.size).toBe(11);
    expect(all.get('1')!.id).toBe(stored.get('1')!.id);
    expect(all.get('9')!.parent_id).toBe(all.get('12')!.id);
    expect(all.get('22')!.parent_id).toBe(all.get('21')!.id);

    const wrongKind = run(['import', 'wordpress', DISQUS, '--site', site]);
    expect(wrongKind.stderr).toMatch(/line 2, column \d+: not a WordPress export/);
    expect(run(['import', 'disqus', WXR_12, '--site', site]).stderr).toMatch(/not a Disqus export/);
    expect(run(['import', 'disqus', path.join(tmp, 'missing.xml'), '--site', site]).stderr).toMatch(/cannot read/);
    expect(run(['import', 'disqus', DISQUS, '--site', 'site_nope']).stderr).toMatch(/no site with key site_nope/);
  });

  it('sends imported comments through the pipeline with --moderate', async () => {
    const site = await newSite();
    const summary = runJson(['import', 'disqus', DISQUS, '--site', site, '--moderate']);
    expect(summary).toMatchObject({ imported: 7, byStatus: { pending: 7 } });
    const rows = await commentsOf(site);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['pending']));
    for (const row of rows) expect(await parley.runtime.moderationQueue.queue.getJob(row.id)).toBeDefined();
  });

  it('exports JSON lines and WXR; the WXR export imports back into the same comments', async () => {
    const site = await newSite();
    runJson(['import', 'wordpress', WXR_12, '--site', site]);
    const lines = run(['export', '--site', site])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(11);
    expect(lines[0]).toMatchObject({ authorEmail: 'zoe.angstrom@example.com', ip: '203.0.113.7', status: 'approved' });

    const wxr = path.join(tmp, `export-${dialect}.xml`);
    expect(run(['export', '--site', site, '--format', 'wxr', '--output', wxr]).stderr).toMatch(/Exported 11 comments/);
    const copy = await newSite();
    expect(runJson(['import', 'wordpress', wxr, '--site', copy])).toMatchObject({ imported: 11, parentMissing: 0 });
    // Same comments, same threads: compared by content, since ids are new.
    const shape = async (siteKey: string) => {
      const rows = await commentsOf(siteKey);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return rows.map((r) => ({
        page: [r.page_id, r.page_url, r.page_title],
        author: [r.author_name, r.author_email, r.author_website, r.ip],
        text: r.text,
        html: r.html,
        status: r.status,
        createdAt: Number(r.created_at),
        parentText: r.parent_id ? byId.get(r.parent_id)!.text : null,
      }));
    };
    expect(await shape(copy)).toEqual(await shape(site));
  });

  it('remaps pages to new URLs, by prefix or from a CSV file, with a dry run first', async () => {
    const site = await newSite();
    runJson(['import', 'wordpress', WXR_12, '--site', site]);
    const dry = runJson([
      'pages',
      'remap',
      '--site',
      site,
      '--from',
      'https://blog.example/',
      '--to',
      'https://new.example/',
      '--dry-run',
    ]);
    expect(dry).toMatchObject({ dryRun: true, pages: 2, comments: 11 });
    expect(new Set((await commentsOf(site)).map((r) => r.page_id))).toEqual(new Set([HELLO, ABOUT]));

    runJson(['pages', 'remap', '--site', site, '--from', 'https://blog.example/', '--to', 'https://new.example/']);
    const moved = await commentsOf(site);
    expect(new Set(moved.map((r) => `${r.page_id} ${r.page_url}`))).toEqual(
      new Set([
        'https://new.example/2019/03/hello-world/ https://new.example/2019/03/hello-world/',
        'https://new.example/about/ https://new.example/about/',
      ]),
    );
    const thread = await parley.http
      .get(`/v1/sites/${site}/pages/${encodeURIComponent('https://new.example/about/')}/comments`)
      .expect(200);
    expect(thread.body.total).toBe(3);

    const csv = path.join(tmp, `moves-${dialect}.csv`);
    fs.writeFileSync(csv, 'OLD,NEW\nhttps://new.example/about/,https://new.example/about-us/\n');
    expect(runJson(['pages', 'remap', '--site', site, '--csv', csv])).toMatchObject({ pages: 1, comments: 3 });
    expect((await commentsOf(site)).filter((r) => r.page_id === 'https://new.example/about-us/')).toHaveLength(3);
    // Threads and the source ids stay: importing the old file again still adds nothing.
    expect(runJson(['import', 'wordpress', WXR_12, '--site', site])).toMatchObject({ imported: 0, existing: 11 });
    expect(run(['pages', 'remap', '--site', site]).stderr).toMatch(/--from PREFIX --to PREFIX, or --csv FILE/);
  });
});
