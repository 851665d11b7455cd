import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuSpent, processCpuMs } from '../../bench/cpu';

/** Keeps this process busy until it has spent `ms` milliseconds of CPU. */
function burn(ms: number) {
  const start = process.cpuUsage();
  let spin = 0;
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return spin;
    spin++;
  }
}

describe('the CPU time the benchmarks count from /proc', () => {
  it('grows by about the CPU a process spends, and leaves out a process that is gone', async () => {
    const gone = 2 ** 22 + 1; // above Linux's largest pid
    const before = await processCpuMs([process.pid, gone]);
    if (!existsSync('/proc/self/stat')) {
      // Without /proc the benchmarks leave the CPU figures out rather than print zeros.
      expect(before).toBeUndefined();
      return;
    }
    const usage = process.cpuUsage();
    burn(300);
    const after = await processCpuMs([process.pid, gone]);
    const used = process.cpuUsage(usage);
    expect(before?.has(gone)).toBe(false);
    // The same CPU as the process itself counts, within /proc's ticks of 10 ms
    const spent = cpuSpent(before ?? new Map(), after ?? new Map());
    const usedMs = (used.user + used.system) / 1000;
    expect(usedMs).toBeGreaterThanOrEqual(300);
    expect(Math.abs(spent - usedMs)).toBeLessThanOrEqual(30);
  });

  it('counts only the processes asked for, and one new since whole', () => {
    const before = new Map([
      [1, 100],
      [2, 50],
    ]);
    const after = new Map([
      [1, 160],
      [2, 90],
      [3, 30],
    ]);
    expect(cpuSpent(before, after)).toBe(130);
    expect(cpuSpent(before, after, [1, 3])).toBe(90);
  });

  it('answers nothing when none of the processes is found', async () => {
    expect(await processCpuMs([2 ** 22 + 1])).toBeUndefined();
  });
});
