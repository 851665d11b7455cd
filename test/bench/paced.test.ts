import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pacedLoad } from '../../bench/paced';

/** The steady-rate load generator of `bench:http`, against a server that answers as told. */
let server: Server | undefined;

async function serve(answer: (n: number, send: (status: number) => void) => void) {
  let received = 0;
  const sentAt: number[] = [];
  server = createServer((request, response) => {
    const n = received++;
    request.resume();
    request.on('end', () =>
      answer(n, (status) => {
        sentAt.push(performance.now());
        response.statusCode = status;
        // Every third answer is chunked, in two chunks; the others have a Content-Length.
        if (n % 3 === 0) {
          response.write('{"part":');
          response.end('1}');
        } else response.end('{"ok":true}');
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received, sentAt };
}

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

const request = () => ({ method: 'POST', path: '/x', headers: {}, body: '{"a":"ä"}' });

/** `rate` requests a second over `connections` for `seconds` against the server. */
const load = (target: { url: string }, connections: number, rate: number, seconds: number) =>
  pacedLoad({ url: target.url, connections, rate, seconds, request });

describe('pacedLoad', () => {
  it('sends the rate asked for, evenly, and reads plain and chunked answers', async () => {
    const target = await serve((n, send) => send(n % 10 === 9 ? 503 : 202));
    const figures = await load(target, 5, 200, 1);
    expect(figures.requests).toBe(200);
    expect(target.received()).toBe(200);
    expect(figures.non2xx).toBe(20);
    expect(figures.errors).toBe(0);
    // Answered at once: well under the 300 ms and more of a stall (below), with room for a
    // CI machine running other test files on the same cores.
    expect(figures.p99).toBeLessThan(100);
    // Spread over the second, not sent in a burst: no 50 ms of it saw more than a fifth.
    const started = target.sentAt[0] ?? 0;
    const perSlice = new Map<number, number>();
    for (const at of target.sentAt) {
      const slice = Math.floor((at - started) / 50);
      perSlice.set(slice, (perSlice.get(slice) ?? 0) + 1);
    }
    expect(Math.max(...perSlice.values())).toBeLessThanOrEqual(40);
  });

  it('sends exactly rate × seconds requests when the interval is no whole number of ms', async () => {
    // Summing such intervals (here 12.875…, 10.256… and 4.032… ms) could end a hair short of
    // the end of the run and send one request more; each of these rates did so in about 88 %
    // of start times, so the three together all but always.
    for (const [rate, connections] of [
      [233, 3],
      [195, 2],
      [248, 1],
    ] as const) {
      const target = await serve((_, send) => send(202));
      const figures = await load(target, connections, rate, 1);
      expect(figures.requests).toBe(rate);
      expect(target.received()).toBe(rate);
      expect(figures.notSent).toBe(0);
      server?.closeAllConnections();
      server?.close();
    }
  });

  it('counts a stall against every request it held back, from when each was due', async () => {
    // The 11th answer takes 400 ms: its connection's next requests, due every 10 ms meanwhile,
    // go late, and each is charged from when it was due.
    const target = await serve((n, send) => {
      if (n === 10) setTimeout(() => send(202), 400);
      else send(202);
    });
    const figures = await load(target, 2, 200, 1);
    // Every request due is accounted for, sent and answered or not sent. Not whether the last
    // one or two made it before the end: with other test files on the same cores, an answer due
    // 15 ms before the end sometimes came after it, and the request behind it was not sent.
    expect(figures.requests + figures.notSent).toBe(200);
    expect(target.received()).toBe(figures.requests);
    expect(figures.errors).toBe(0);
    expect(figures.max).toBeGreaterThanOrEqual(390);
    // The stalled request and the forty due behind it on its connection are all late: a fifth
    // of the sample, so p99 shows the stall too (from when they went, all but one took ~0 ms).
    expect(figures.p99).toBeGreaterThanOrEqual(300);
    expect(figures.p50).toBeLessThan(100);
  });

  it('ends on time when the service is slower than the rate, counting what it never sent', async () => {
    const target = await serve((_, send) => {
      setTimeout(() => send(202), 100);
    });
    const started = performance.now();
    const figures = await load(target, 1, 100, 0.5);
    // 50 requests were due, one every 10 ms; at 100 ms an answer, 5 or 6 went.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(figures.requests).toBeGreaterThanOrEqual(4);
    expect(figures.requests).toBeLessThanOrEqual(6);
    expect(figures.requests + figures.notSent).toBe(50);
    expect(figures.errors).toBe(0);
  });

  it('counts requests lost with their connection as errors', async () => {
    const target = await serve((n, send) => {
      if (n === 3) server?.closeAllConnections();
      else send(202);
    });
    const figures = await load(target, 1, 20, 0.5);
    expect(figures.errors).toBe(1);
    expect(figures.requests).toBe(9);
  });
});
