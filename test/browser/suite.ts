import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import { openTestDatabase } from '../helpers/database';
import { capturedLogLines } from '../helpers/sensitive';
import { type HostPages, launchChromium, type RunningService, startBoth } from './harness';

/** What a browser test file runs against: the service and a job board on two origins, and Chromium. */
export interface BrowserSuite {
  service: RunningService;
  host: HostPages;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Opens a database of the file's own, serves the service and the host pages on it (the service's
 * log lines go to the privacy check) and launches the Chromium the global setup found.
 */
export async function startBrowserSuite(): Promise<BrowserSuite> {
  const database = await openTestDatabase();
  const { service, host } = await startBoth({
    db: database.db,
    onLog: (line) => capturedLogLines.push(line),
  });
  const browser = await launchChromium(inject('chromiumPath'));
  return {
    service,
    host,
    browser,
    async close() {
      await browser.close();
      await service.close();
      await host.close();
      await database.close();
    },
  };
}
