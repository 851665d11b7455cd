import { describe, expect, it } from 'vitest';
import { alerts } from '../../src/db/schema';
import { lastEmail, subscribe } from '../helpers/alerts';
import { setupTestContext } from '../helpers/context';

const ctx = setupTestContext();

/** Inputs the fuzz suite found breaking the service, each kept as a plain test once fixed. */
describe('inputs the fuzz suite found', () => {
  it('stores keywords and a label holding a lone surrogate, as U+FFFD (was a 500 from jsonb)', async () => {
    const response = await subscribe(ctx, {
      label: 'Kehittäjä \ud800',
      criteria: { keywords: 'kehittäjä \udfff', municipalities: ['091'] },
    });
    expect(response.status).toBe(202);
    const [alert] = await ctx.database.db.select().from(alerts);
    expect(alert?.criteria.keywords).toBe('kehittäjä \ufffd');
    expect(alert?.label).toBe('Kehittäjä \ufffd');
    expect(lastEmail(ctx).subject).toBe('Vahvista työpaikkavahti: Kehittäjä \ufffd');
  });
});
