import fs from 'node:fs';

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
