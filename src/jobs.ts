import { sendReminders } from './alerts/reminders';
import { deliverDue } from './delivery/outbox';
import type { Deps } from './deps';
import type { LogFields } from './log';
import { runRetention } from './retention/retention';

export interface Job {
  name: string;
  /** when it runs, as a cron expression in UTC (croner on Node, Cron Triggers on Workers) */
  cron: string;
  run(deps: Deps, now: Date): Promise<LogFields>;
}

/** The one list of scheduled jobs. */
export const jobs: Job[] = [
  {
    name: 'deliver',
    cron: '* * * * *',
    run: async (deps, now) => deliverDue({ deps, now }),
  },
  {
    name: 'reminders',
    cron: '37 * * * *',
    run: async (deps, now) => sendReminders({ deps, now }),
  },
  {
    name: 'retention',
    cron: '7 * * * *',
    run: async (deps, now) => runRetention({ deps, now }),
  },
];
