import { readFile } from 'node:fs/promises';

/**
 * CPU time (user + system, all threads) each of these processes has used so far, in ms, read
 * from /proc; a process not found there is left out. Undefined where there is no /proc. Figures
 * per request or per posting from it hold up on a busy machine, where throughput and latencies
 * follow whatever else runs on the same cores.
 */
export async function processCpuMs(pids: number[]): Promise<Map<number, number> | undefined> {
  const spent = new Map<number, number>();
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) continue;
    // utime and stime, in clock ticks of 10 ms, after the command name (which may hold spaces)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    spent.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return pids.length > 0 && spent.size === 0 ? undefined : spent;
}

/** The CPU ms the processes of `after` used since `before`, a process new since counting whole. */
export const cpuSpent = (
  before: Map<number, number>,
  after: Map<number, number>,
  pids?: number[],
) =>
  [...after.keys()]
    .filter((pid) => !pids || pids.includes(pid))
    .reduce((sum, pid) => sum + (after.get(pid) ?? 0) - (before.get(pid) ?? 0), 0);
