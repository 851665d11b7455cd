import { count, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../db/database';
import { alerts, jobState, messages, metricCounters } from '../db/schema';

/** Counters kept in the database (see `metricCounters`), with their help text. */
export const counters = {
  emails_sent_total: 'Emails accepted by the provider, by template.',
  emails_failed_total: 'Emails given up on (refused, or undeliverable for 23 hours), by template.',
  emails_deferred_total:
    'Emails put off for a later attempt after a provider fault (429, 5xx, timeout, lost connection), by template.',
  postings_received_total: 'Postings received through the match webhook.',
  matches_total: 'Pairs of alert and posting recorded by the matcher.',
  provider_events_total: 'Events received from the email provider, by type.',
} as const;

export type CounterName = keyof typeof counters;

/** Adds to a counter, in the caller's transaction. Labels are a fixed, non-personal vocabulary. */
export async function bumpCounter(
  db: Queryable,
  name: CounterName,
  by: number,
  labels: Record<string, string> = {},
): Promise<void> {
  if (by === 0) return;
  await db.execute(counterIncrements(name, [{ by, labels }]));
}

/**
 * The statement that adds to a counter, for each set of labels: to run on its own, or after a
 * `with` that changes what is counted, so that the change and its count are one statement.
 */
export function counterIncrements(
  name: CounterName,
  increments: { by: number; labels: Record<string, string> }[],
): SQL {
  const rows = increments.map(
    ({ by, labels }) => sql`(${name}, ${labelText(labels)}, ${by}::bigint)`,
  );
  return sql`
    insert into ${metricCounters} (name, labels, value) values ${sql.join(rows, sql`, `)}
    on conflict (name, labels) do update set value = ${metricCounters.value} + excluded.value`;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value.replace(/["\\\n]/g, '_')}"`)
    .join(',');
}

const PREFIX = 'tyopaikkavahti_';

/** The service's figures in the Prometheus text format (SPEC.md §2 "Operate"). */
export async function renderMetrics(db: Queryable): Promise<string> {
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string) => {
    lines.push(`# HELP ${PREFIX}${name} ${help}`, `# TYPE ${PREFIX}${name} ${type}`);
  };
  const sample = (name: string, labels: string, value: number) => {
    lines.push(`${PREFIX}${name}${labels ? `{${labels}}` : ''} ${value}`);
  };

  family('alerts', 'gauge', 'Alerts stored, by status.');
  const byStatus = await db
    .select({ status: alerts.status, n: count() })
    .from(alerts)
    .groupBy(alerts.status);
  for (const status of ['pending', 'active'] as const) {
    sample('alerts', `status="${status}"`, byStatus.find((row) => row.status === status)?.n ?? 0);
  }

  family('messages_queued', 'gauge', 'Emails waiting in the outbox.');
  const [queued] = await db
    .select({ n: count() })
    .from(messages)
    .where(sql`${messages.status} = 'queued'`);
  sample('messages_queued', '', queued?.n ?? 0);

  const stored = await db.select().from(metricCounters);
  for (const [name, help] of Object.entries(counters)) {
    family(name, 'counter', help);
    const rows = stored.filter((row) => row.name === name);
    if (rows.length === 0) sample(name, '', 0);
    for (const row of rows) sample(name, row.labels, row.value);
  }

  const jobs = await db.select().from(jobState);
  family('job_runs_total', 'counter', 'Runs of each scheduled job.');
  for (const job of jobs) sample('job_runs_total', labelText({ job: job.name }), job.runs);
  family('job_failures_total', 'counter', 'Failed runs of each scheduled job.');
  for (const job of jobs) sample('job_failures_total', labelText({ job: job.name }), job.failures);
  family('job_last_duration_seconds', 'gauge', 'Duration of the last run of each job.');
  for (const job of jobs) {
    sample(
      'job_last_duration_seconds',
      labelText({ job: job.name }),
      (job.lastDurationMs ?? 0) / 1000,
    );
  }
  family('job_last_success_timestamp_seconds', 'gauge', 'When each job last finished well.');
  for (const job of jobs) {
    if (job.lastOk && job.lastFinishedAt) {
      sample(
        'job_last_success_timestamp_seconds',
        labelText({ job: job.name }),
        Math.floor(job.lastFinishedAt.getTime() / 1000),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
