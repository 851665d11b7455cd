import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite';
import { alerts } from '../../src/db/schema';
import { alertExpiry } from '../../src/time';
import { answers, freePort } from '../helpers/net';

/**
 * The README's walk-through against the real entry point: `npm start` on the embedded defaults,
 * a curl subscribe, the email in the outbox folder, the link opened, the page submitted.
 */
let dir: string;
let server: ChildProcess;
let base: string;
let output = '';
let startedInMs = 0;
const address = 'e2e.tilaaja@example.org';

async function waitForHealth(deadline: number) {
  while (Date.now() < deadline) {
    if (await answers(`${base}/healthz`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /healthz within the deadline; output:\n${output}`);
}

async function outboxEntries() {
  const names = (await readdir(join(dir, 'outbox')).catch(() => [])).filter((name) =>
    name.endsWith('.json'),
  );
  return Promise.all(
    names.map(async (name) => JSON.parse(await readFile(join(dir, 'outbox', name), 'utf8'))),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpv-e2e-'));
  const port = await freePort();
  base = `http://localhost:${port}`;
  const started = Date.now();
  server = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATA_DIR: join(dir, 'pgdata'),
      OUTBOX_DIR: join(dir, 'outbox'),
      KEYS_FILE: join(dir, 'keys.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  server.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await waitForHealth(started + 30_000);
  startedInMs = Date.now() - started;
}, 40_000);

afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('npm start on the embedded defaults', () => {
  let confirmUrl: string;
  let token: string;

  it('serves /healthz within 30 s and warns that it generated keys', () => {
    expect(startedInMs).toBeLessThan(30_000);
    expect(output).toContain('"msg":"generated address keys"');
    expect(output).toContain('"engine":"pglite"');
  });

  it('leaves a confirmation email in the outbox folder after a subscribe', async () => {
    const response = await fetch(`${base}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: address,
        label: 'Sairaanhoitaja, Tampere',
        criteria: { keywords: 'sairaanhoitaja', municipalities: ['837'] },
        acceptTerms: true,
      }),
    });
    expect(response.status).toBe(202);
    // The service answers before it hands the email over: the file comes a moment later.
    const deadline = Date.now() + 10_000;
    while ((await outboxEntries()).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [entry, ...others] = await outboxEntries();
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({
      to: address,
      subject: 'Vahvista työpaikkavahti: Sairaanhoitaja, Tampere',
      from: expect.stringContaining('@'),
      html: expect.stringContaining('<html'),
      text: expect.stringContaining('Sairaanhoitaja'),
      headers: {},
      createdAt: expect.any(String),
      id: expect.any(String),
    });
    confirmUrl = entry.text.match(/http:\/\/localhost:\d+\/alerts\/confirm\?token=[\w-]+/)[0];
    token = new URL(confirmUrl).searchParams.get('token') ?? '';
  });

  it('opens the link as a page, and opening it leaves the alert pending', async () => {
    for (let open = 0; open < 2; open++) {
      const page = await fetch(confirmUrl);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/alerts/confirm?lang=fi">');
    }
    const viewer = await fetch(`${base}/dev/outbox`, { headers: { accept: 'text/html' } });
    expect(await viewer.text()).toContain('Vahvista työpaikkavahti: Sairaanhoitaja, Tampere');
  });

  it('activates the alert when the page form is submitted', async () => {
    const response = await fetch(`${base}/alerts/confirm?lang=fi`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Työpaikkavahti on käytössä');
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  });

  it('left an active alert expiring three months after confirmation, address encrypted', async () => {
    const database = await openPglite({ dataDir: join(dir, 'pgdata') });
    try {
      const [alert, ...others] = await database.db.select().from(alerts);
      expect(others).toHaveLength(0);
      expect(alert?.status).toBe('active');
      const confirmedAt = alert?.confirmedAt ?? new Date(0);
      expect(alert?.expiresAt).toEqual(alertExpiry(confirmedAt, 'Europe/Helsinki'));
      expect(Math.abs(confirmedAt.getTime() - Date.now())).toBeLessThan(60_000);
      const raw = Buffer.from(await (await database.client.dumpDataDir('none')).arrayBuffer());
      expect(raw.includes(Buffer.from('Sairaanhoitaja, Tampere'))).toBe(true);
      expect(raw.includes(Buffer.from(address))).toBe(false);
    } finally {
      await database.close();
    }
  });

  it('wrote a server log with neither the address nor a token', () => {
    const requests = output
      .split('\n')
      .filter((line) => line.includes('"msg":"request"') && !line.includes('"route":"/healthz"'));
    expect(requests).toHaveLength(5);
    expect(output).not.toContain(address);
    expect(output).not.toContain('e2e.tilaaja');
    expect(output).not.toContain(token);
  });
});
