import type { Config } from '../config';
import { createKeyring } from '../crypto/keyring';
import { createOutboxFolder } from '../delivery/outbox-folder';
import { createResendMailer } from '../delivery/resend';
import { type Deps, type Mailer, type OutboxReader, systemClock } from '../deps';
import type { Log } from '../log';
import { type OpenDatabase, openMigratedDatabase } from './database';
import { loadKeyMaterial } from './keys';

/**
 * The dependencies of the service on Node, from its configuration: the database (migrated), the
 * keyring, and Resend when RESEND_API_KEY is set or else the outbox folder.
 */
export async function buildNodeDeps(
  config: Config,
  log: Log,
): Promise<{ deps: Deps; database: OpenDatabase }> {
  const keyring = await createKeyring(await loadKeyMaterial(config, log));
  const database = await openMigratedDatabase(config);
  let mailer: Mailer;
  let outbox: (Mailer & OutboxReader) | undefined;
  if (config.RESEND_API_KEY) {
    mailer = createResendMailer({
      apiKey: config.RESEND_API_KEY,
      baseUrl: config.RESEND_BASE_URL,
      from: config.MAIL_FROM,
      log,
      clock: systemClock,
    });
  } else {
    outbox = createOutboxFolder({
      dir: config.OUTBOX_DIR,
      from: config.MAIL_FROM,
      now: systemClock.now,
    });
    mailer = outbox;
  }
  return {
    deps: {
      db: database.db,
      mailer,
      outbox,
      clock: systemClock,
      config,
      log,
      keyring,
      vacuum: database.vacuum,
    },
    database,
  };
}
