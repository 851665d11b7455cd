import { connect, type Socket } from 'node:net';

/**
 * Load at a steady rate, for the latency a rate is served with: `connections` keep-alive
 * connections, each sending a request every `connections / rate` seconds, their send times spread
 * evenly over that interval, so that the service sees `rate` requests a second arriving one by one.
 * A connection has one request in flight (no pipelining); when an answer comes late, the next
 * request goes at once, and every latency is counted from when its request was due, not from when
 * it went (the coordinated-omission correction of wrk2): a service that stalls is charged for the
 * requests it kept from being sent.
 *
 * autocannon's rate option does neither: a connection sends its quota of a second back to back
 * and then waits for the next second, so every second starts with all connections at full speed;
 * and its correction, with an expected interval of 1 ms, adds to each latency of n ms the values
 * n−1, …, 1 ms, which lowers the percentiles of the sample it was meant to correct.
 *
 * Written on raw sockets, so that the load generator, which shares the cores with the service,
 * spends little on each request: 0.14 ms of CPU a subscription at 600 a second, building its body
 * included, against 0.22 ms through Node's http client (autocannon at full speed: 0.09 ms).
 */
export interface PacedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PacedFigures {
  offeredPerSecond: number;
  /** answers a second over the run, as autocannon counts them (all of them, 2xx or not) */
  requestsPerSecond: number;
  /** from when the request was due, in ms */
  p50: number;
  p99: number;
  max: number;
  requests: number;
  /** connection failures, and requests still unanswered `timeoutMs` after the run */
  errors: number;
  non2xx: number;
  /**
   * requests due during the run that were never sent: a connection still waiting for an
   * answer when the run ends sends nothing more, so a service slower than the rate ends the
   * run on time, with the shortfall here
   */
  notSent: number;
}

export async function pacedLoad({
  url,
  connections,
  rate,
  seconds,
  request,
  timeoutMs = 30_000,
}: {
  url: string;
  connections: number;
  rate: number;
  seconds: number;
  request: () => PacedRequest;
  timeoutMs?: number;
}): Promise<PacedFigures> {
  const { hostname, port } = new URL(url);
  // Request n of the run is due n / rate seconds after the start; connection i sends requests
  // i, i + connections, i + 2 × connections, … Counting requests, not adding up intervals,
  // keeps the total exact: a sum of float intervals can fall a hair short of the end and let
  // one more request in.
  const total = Math.ceil(rate * seconds);
  const startsAt = performance.now() + 50;
  const endsAt = startsAt + seconds * 1000;
  const dueAt = (n: number) => startsAt + (n * 1000) / rate;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let notSent = 0;

  const runConnection = (index: number) =>
    new Promise<void>((resolve) => {
      let next = index;
      let due = dueAt(next);
      let socket: Socket | undefined;
      let reader = responseReader();
      let inFlight = false;
      let finished = false;
      const giveUp = setTimeout(() => finish(inFlight ? 1 : 0), endsAt - startsAt + timeoutMs);

      function finish(failed: number) {
        if (finished) return;
        finished = true;
        errors += failed;
        clearTimeout(giveUp);
        socket?.destroy();
        resolve();
      }

      function open(): Socket {
        const opened = connect({ host: hostname, port: Number(port), noDelay: true });
        opened.on('data', (chunk: Buffer) => {
          const status = reader(chunk);
          if (status === undefined) return;
          inFlight = false;
          latencies.push(performance.now() - due);
          if (status < 200 || status > 299) non2xx++;
          advance();
        });
        const lost = () => {
          if (finished || socket !== opened) return;
          socket = undefined;
          if (inFlight) {
            // The request is lost with its connection: counted, and the next one goes on a
            // new connection at its time.
            inFlight = false;
            errors++;
            advance();
          }
        };
        opened.on('error', lost);
        opened.on('close', lost);
        return opened;
      }

      function send() {
        if (finished) return;
        if (!socket) socket = open();
        reader = responseReader();
        inFlight = true;
        const { method, path, headers, body } = request();
        let head = `${method} ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n`;
        for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
        socket.write(`${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }

      function advance() {
        next += connections;
        due = dueAt(next);
        schedule();
      }

      function schedule() {
        if (next >= total) return finish(0);
        if (performance.now() >= endsAt) {
          notSent += Math.ceil((total - next) / connections);
          return finish(0);
        }
        const wait = due - performance.now();
        if (wait <= 0) send();
        else setTimeout(send, wait);
      }

      schedule();
    });

  await Promise.all(Array.from({ length: connections }, (_, index) => runConnection(index)));
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    Math.round(latencies[Math.max(0, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0);
  return {
    offeredPerSecond: rate,
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50: percentile(50),
    p99: percentile(99),
    max: Math.round(latencies.at(-1) ?? 0),
    requests: latencies.length,
    errors,
    non2xx,
    notSent,
  };
}

/**
 * Reads one HTTP/1.1 response from the chunks given in turn: answers its status code once the
 * whole response has arrived (a Content-Length body or a chunked one), undefined before.
 */
function responseReader(): (chunk: Buffer) => number | undefined {
  let buffered: Buffer = Buffer.alloc(0);
  let status: number | undefined;
  let bodyStart = -1;
  let length: number | undefined;
  let chunked = false;
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    if (bodyStart < 0) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const head = buffered.toString('latin1', 0, end).toLowerCase();
      status = Number(head.slice(9, 12));
      bodyStart = end + 4;
      const declared = /\r\ncontent-length:\s*(\d+)/.exec(head);
      length = declared ? Number(declared[1]) : undefined;
      chunked = /\r\ntransfer-encoding:\s*chunked/.test(head);
    }
    if (length !== undefined) return buffered.length - bodyStart >= length ? status : undefined;
    if (chunked) return buffered.indexOf('\r\n0\r\n\r\n', bodyStart - 2) >= 0 ? status : undefined;
    return status;
  };
}
