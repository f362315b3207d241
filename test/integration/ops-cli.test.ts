import type { Command } from 'commander';
import { buildCli } from '../../src/cli';
import { runParley } from '../helpers/parley-command';
import {
  clearRedisPrefix,
  createTestDatabase,
  DIALECTS,
  type TestDatabase,
  TEST_REDIS_URL,
  uniqueName,
} from '../helpers/services';

const parley = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runParley(args, { env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env } });

/** Every command path of the CLI, from the program itself, so a new command is covered. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const here = [...prefix, sub.name()];
    return [here, ...commandPaths(sub, here)];
  });
}

const LEAVES = commandPaths(buildCli()).filter(
  (p, _i, all) => !all.some((o) => o.length > p.length && p.every((w, j) => o[j] === w)),
);
/** What a script would read: these print data and take --json. */
const PRINTS_DATA = ['sites create', 'sites list', 'sites update', 'tokens create', 'tokens list', 'train'];

describe('the parley command line', () => {
  it('has --help on every command, with a description of each', async () => {
    const all = commandPaths(buildCli());
    expect(all.length).toBeGreaterThanOrEqual(12);
    const runs = await Promise.all(all.map((words) => parley([...words, '--help'])));
    all.forEach((words, i) => {
      const label = words.join(' ');
      expect([label, runs[i].status, runs[i].stdout]).toEqual([
        label,
        0,
        expect.stringContaining(`Usage: parley ${label}`),
      ]);
    });
    for (const words of all) {
      const command = words.reduce<Command>((c, w) => c.commands.find((s) => s.name() === w)!, buildCli());
      expect([words.join(' '), command.description().length > 5]).toEqual([words.join(' '), true]);
    }
  });

  it('takes --json on the commands whose output a script reads', () => {
    for (const label of PRINTS_DATA) {
      const command = label.split(' ').reduce<Command>((c, w) => c.commands.find((s) => s.name() === w)!, buildCli());
      expect([label, command.options.some((o) => o.long === '--json')]).toEqual([label, true]);
    }
  });

  it('answers misuse of any command with a non-zero exit and a one-line error (plus a hint), never a stack', async () => {
    const runs = await Promise.all(LEAVES.map((words) => parley([...words, '--no-such-option'])));
    LEAVES.forEach((words, i) => {
      const label = words.join(' ');
      const lines = runs[i].stderr.trim().split('\n');
      expect([label, runs[i].status]).toEqual([label, 1]);
      // Commander names the first problem: a missing required option, or the unknown one.
      expect([label, lines[0]]).toEqual([
        label,
        expect.stringMatching(/^error: (unknown option '--no-such-option'|required option '.+' not specified)$/),
      ]);
      expect([label, lines.length <= 2, runs[i].stderr.includes('    at ')]).toEqual([label, true, false]);
    });
    const unknown = await parley(['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')[0]).toBe("error: unknown command 'frobnicate'");
  });
});

describe.each(DIALECTS)('the parley command line on %s', (dialect) => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: `{${uniqueName('cli')}}`, ...database.env };
  });
  afterAll(async () => {
    await clearRedisPrefix(env.PARLEY_REDIS_PREFIX!);
    await database.drop();
  });

  it('reports a failed command in one line, without a stack', async () => {
    for (const args of [
      ['tokens', 'revoke', 'tok_nope'],
      ['sites', 'update', 'site_nope', '--name', 'x'],
      ['sites', 'update', 'site_nope', '--set', 'profanity="sometimes"'],
      ['train', '--csv', '/nonexistent/file.csv'],
    ]) {
      const run = await parley(args, env);
      const label = args.join(' ');
      expect([label, run.status, run.stderr.trim().split('\n').length, run.stderr.includes('    at ')]).toEqual([
        label,
        1,
        1,
        false,
      ]);
      expect([label, run.stderr]).toEqual([label, expect.stringMatching(/^parley: /)]);
    }
  });
});
