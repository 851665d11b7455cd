import { sql } from 'drizzle-orm';
import type { Keyring } from '../../src/crypto/keyring';
import type { Db } from '../../src/db/database';
import { alerts, matches, postings } from '../../src/db/schema';

/**
 * Active daily alerts, confirmed two days before `now`, each with one posting matched and not yet
 * mailed: a digest run's worth of work, stored directly. Addresses are `reader<n>@example.org`
 * unless `address` says otherwise.
 */
export async function seedDueDigests(
  db: Db,
  keyring: Keyring,
  options: { count: number; now: Date; address?: (n: number) => string },
): Promise<string[]> {
  const { count, now } = options;
  const confirmedAt = new Date(now.getTime() - 2 * 86_400_000);
  const addresses = Array.from(
    { length: count },
    (_, n) => options.address?.(n) ?? `reader${n}@example.org`,
  );
  const rows = await Promise.all(
    addresses.map(async (address, n) => ({
      id: crypto.randomUUID(),
      status: 'active' as const,
      emailCiphertext: await keyring.encrypt(address),
      emailHash: await keyring.hashEmail(address),
      criteria: { keywords: 'kehittäjä' },
      label: `Kehittäjä ${n}`,
      locale: 'fi' as const,
      frequency: 'daily' as const,
      termsVersion: '2024-06-27',
      subscribedAt: confirmedAt,
      confirmedAt,
      expiresAt: new Date(now.getTime() + 60 * 86_400_000),
    })),
  );
  for (let start = 0; start < rows.length; start += 500) {
    await db.insert(alerts).values(rows.slice(start, start + 500));
  }
  const postingId = `seed-${now.getTime()}`;
  await db.insert(postings).values({
    id: postingId,
    title: 'Ohjelmistokehittäjä',
    description: 'Kehitämme verkkopalveluja.',
    employer: 'Esimerkki Oy',
    url: 'https://jobs.example.org/seed',
    publishedAt: new Date(now.getTime() - 86_400_000),
    municipalities: ['091'],
    regions: ['01'],
    occupations: ['2512'],
    language: 'fi',
    receivedAt: now,
    updatedAt: now,
  });
  for (let start = 0; start < rows.length; start += 1000) {
    await db.insert(matches).values(
      rows.slice(start, start + 1000).map((row) => ({
        alertId: row.id,
        postingId,
        matchedAt: new Date(now.getTime() - 86_400_000),
        reasons: { keywords: [{ keyword: 'kehittäjä', word: 'ohjelmistokehittäjä' }], facets: [] },
      })),
    );
  }
  await db.execute(sql`analyze`);
  return addresses;
}
