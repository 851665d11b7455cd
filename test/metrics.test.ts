import { describe, expect, it } from 'vitest';
import { jobState } from '../src/db/schema';
import { runJob } from '../src/jobs';
import { subscribe, subscribeAndConfirm } from './helpers/alerts';
import { createTestContext, setupTestContext } from './helpers/context';

const ctx = setupTestContext();

const metrics = async (app = ctx.app, headers: Record<string, string> = {}) => {
  const response = await app.request('/metrics', { headers });
  return {
    status: response.status,
    text: await response.text(),
    type: response.headers.get('content-type'),
  };
};

describe('GET /metrics', () => {
  it('counts alerts by status, emails by template and job runs, in the Prometheus format', async () => {
    await subscribeAndConfirm(ctx);
    await subscribe(ctx, { email: 'pending@example.org' });
    await runJob(ctx.deps, { name: 'retention', cron: '7 * * * *', run: async () => ({}) });
    const { status, text, type } = await metrics();
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(text).toContain('tyopaikkavahti_alerts{status="pending"} 1');
    expect(text).toContain('tyopaikkavahti_alerts{status="active"} 1');
    expect(text).toContain('tyopaikkavahti_emails_sent_total{template="confirmation"} 2');
    expect(text).toContain('tyopaikkavahti_job_runs_total{job="retention"} 1');
    expect(text).toContain('# TYPE tyopaikkavahti_emails_failed_total counter');
    expect(text).not.toContain('example.org');
  });

  it('is behind METRICS_TOKEN when set', async () => {
    const guarded = await createTestContext({ env: { METRICS_TOKEN: 'a-long-metrics-token' } });
    try {
      expect((await metrics(guarded.app)).status).toBe(401);
      expect(
        (await metrics(guarded.app, { authorization: 'Bearer wrong-token-here!' })).status,
      ).toBe(401);
      const allowed = await metrics(guarded.app, { authorization: 'Bearer a-long-metrics-token' });
      expect(allowed.status).toBe(200);
      // The scheme's case does not matter (RFC 9110 §11.1); the token's does.
      for (const [authorization, status] of [
        ['bearer a-long-metrics-token', 200],
        ['BEARER a-long-metrics-token', 200],
        ['Bearer A-LONG-METRICS-TOKEN', 401],
        ['Basic a-long-metrics-token', 401],
        ['a-long-metrics-token', 401],
      ] as const) {
        expect((await metrics(guarded.app, { authorization })).status, authorization).toBe(status);
      }
    } finally {
      await guarded.close();
    }
  });

  it('writes job names in labels as every other label value, so that the text stays valid', async () => {
    await ctx.database.db
      .insert(jobState)
      .values({ name: 'odd"job\\x', runs: 1, failures: 0, lastDurationMs: 5 });
    const { text } = await metrics();
    // A quote or a backslash written as it is would end the label early (it used to be).
    expect(text).toContain('tyopaikkavahti_job_runs_total{job="odd_job_x"} 1');
  });
});
