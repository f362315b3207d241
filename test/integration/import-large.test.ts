import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedWxr } from '../helpers/generated-wxr';
import { runParley } from '../helpers/parley-command';
import { startTestParley, type TestParley } from '../helpers/parley';

// The memory an import needs does not grow with the file: a 50 MB export goes through
// in about 200 MB resident, whatever the file's size, which reading the file whole (or
// keeping what was read) could not do.
describe('a large import on sqlite', () => {
  let instance: TestParley;
  let tmp: string;

  beforeAll(async () => {
    instance = await startTestParley({ dialect: 'sqlite', worker: false });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-large-'));
  });
  afterAll(async () => {
    await instance.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('imports a generated 50 MB WXR file in constant memory, every comment counted', async () => {
    const file = path.join(tmp, 'large.xml');
    const expected = await writeGeneratedWxr({ file, comments: 75_000, padding: 40 });
    expect(expected.bytes).toBeGreaterThan(50e6);
    const site = await instance.createSite();
    const result = await runParley(['import', 'wordpress', file, '--site', site.key, '--json'], {
      env: instance.env,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      read: 75_000,
      imported: expected.comments,
      skipped: { pingback: expected.pingbacks },
      bytes: expected.bytes,
    });
    // The command's own peak (VmHWM): rusage's maxRSS would report this test runner's. A JS
    // string of the file alone would be twice its bytes; without the import's periodic full
    // collections the peak is about 225 MB. The budget is 200 MB, plus 10 for one run's noise.
    expect(summary.peakRssBytes).toBeLessThan(210e6);
    const count = await instance.runtime.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_key', '=', site.key)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(expected.comments);
  }, 600_000);
});
