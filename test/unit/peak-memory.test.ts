import { spawnSync } from 'node:child_process';
import path from 'node:path';

const MODULE = path.resolve(__dirname, '../../dist/src/cli/peak-memory.js');

// `parley import --json` reports its peak memory. Started by a process that holds much
// more (a test runner, a benchmark), the command must report its own peak, not its parent's.
it('reports the command’s own peak memory, not the larger parent’s that started it', () => {
  const held = Buffer.alloc(300e6, 1);
  const child = spawnSync(process.execPath, [
    '-e',
    `const big = Buffer.alloc(60e6, 1); console.log(require(${JSON.stringify(MODULE)}).peakRssBytes(), big.length)`,
  ]);
  const reported = Number(String(child.stdout).split(' ')[0]);
  expect(held.length).toBe(300e6);
  expect(reported).toBeGreaterThan(60e6);
  expect(reported).toBeLessThan(250e6);
});
