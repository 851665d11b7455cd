/**
 * The fake Resend server in a process of its own, so that a benchmark's figures hold only the
 * service's own work. Prints `{ url, apiKey }` once listening; answers a `report` line on stdin
 * with `{ delivered, recipients, requests }`.
 */
import { createInterface } from 'node:readline';
import { startFakeResend } from '../test/helpers/fake-resend';

const fake = await startFakeResend({ keepContent: false });
process.stdout.write(`${JSON.stringify({ url: fake.url, apiKey: fake.apiKey })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'report') {
    const recipients = new Set(fake.delivered.flatMap((email) => email.to));
    process.stdout.write(
      `${JSON.stringify({ delivered: fake.delivered.length, recipients: recipients.size, requests: fake.requests })}\n`,
    );
  }
}
await fake.close();
