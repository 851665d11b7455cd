import { describe, expect, it } from 'vitest';
import { cpuSpent, processCpuMs } from '../../bench/cpu';

/** Keeps this thread busy for `ms` milliseconds of wall time. */
function burn(ms: number) {
  const until = performance.now() + ms;
  let spin = 0;
  while (performance.now() < until) spin++;
  return spin;
}

describe.runIf(process.platform === 'linux')('the CPU time the benchmarks count from /proc', () => {
  it('grows by about the CPU a process spends, and leaves out a process that is gone', async () => {
    const gone = 2 ** 22 + 1; // above Linux's largest pid
    const before = await processCpuMs([process.pid, gone]);
    burn(300);
    const after = await processCpuMs([process.pid, gone]);
    expect(before?.has(gone)).toBe(false);
    // /proc counts in ticks of 10 ms; the busy loop spent about 300 ms, and other threads may add
    const spent = cpuSpent(before ?? new Map(), after ?? new Map());
    expect(spent).toBeGreaterThanOrEqual(250);
    expect(spent).toBeLessThan(1000);
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
