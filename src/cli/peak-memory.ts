import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The most memory this process has held resident, in bytes.
 *
 * `process.resourceUsage().maxRSS` is not that on Linux: the kernel carries the high-water
 * mark across exec, so a command started by a large parent (a test runner, a benchmark that
 * has read the file) reports the parent's peak. /proc/self/status's VmHWM belongs to this
 * process's own address space; the rusage figure is the fallback where /proc is absent.
 */
export function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: fall through to the portable figure.
  }
  return process.resourceUsage().maxRSS * 1024;
}

let fullCollection: (() => void) | undefined;

/**
 * Runs a full garbage collection. A long import makes garbage at a steady rate while its
 * live heap stays small (tens of MB); V8 lets the heap grow several times the live size
 * before it collects fully, and a resident size that grows with the file is what an
 * import must not have. Collecting every few thousand comments keeps it near the live
 * size, at a cost of a few ms each time.
 */
export function collectGarbage(): void {
  if (!fullCollection) {
    v8.setFlagsFromString('--expose-gc');
    fullCollection = vm.runInNewContext('gc') as () => void;
  }
  fullCollection();
}
