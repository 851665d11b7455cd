import { type ChildProcess, spawn } from 'node:child_process';
import { answers, freePort } from './net';

export interface EntryProcess {
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  /** the JSON log lines so far whose `msg` is `message` */
  logged(message: string): Array<Record<string, unknown>>;
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** waits until a log line with this `msg` appears (or the deadline passes, which throws) */
  waitForLog(message: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGKILL unless it already exited */
  kill(): Promise<void>;
}

/**
 * One of the service's Node entries (`src/entry/node.ts`, `src/entry/job.ts`) as a process of its
 * own, as production runs it: only the environment given here, plus PATH.
 */
export function spawnEntry(
  entry: string,
  args: string[],
  env: Record<string, string | undefined>,
): EntryProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const logged = (message: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(`"msg":"${message}"`))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    child,
    output: () => output,
    logged,
    exited,
    async waitForLog(message, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const [line] = logged(message);
        if (line) return line;
        if (child.exitCode !== null || child.signalCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no "${message}" in the log; output:\n${output.slice(-4000)}`);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export interface ServiceProcess extends EntryProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
}

/** `npm start` as a process (src/entry/node.ts) on a free port; resolves once /healthz answers. */
export async function startService(env: Record<string, string | undefined>) {
  const port = await freePort();
  const service = spawnEntry('src/entry/node.ts', [], { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await answers(`${base}/healthz`))) {
    if (Date.now() > deadline || service.child.exitCode !== null) {
      await service.kill();
      throw new Error(`the service did not start; output:\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...service, base } satisfies ServiceProcess;
}
