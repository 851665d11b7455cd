import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasAptGet(): boolean {
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser tests (test/browser) drive Debian's Chromium. `npm test` has to pass on a fresh
 * machine, so a missing Chromium is installed the way .ci/run does it, when this runs as root
 * with apt-get; anywhere else the run stops with a message saying what to do. Never a skip.
 */
export default function setup(project: TestProject) {
  const configured = process.env.CHROMIUM_PATH;
  const path = configured || DEFAULT_CHROMIUM;
  if (!executable(path)) {
    if (configured) {
      throw new Error(`CHROMIUM_PATH=${configured} is not an executable Chromium.`);
    }
    if (process.getuid?.() !== 0 || !hasAptGet()) {
      throw new Error(
        `The browser tests need Chromium at ${DEFAULT_CHROMIUM}: install Debian's package ` +
          '(`sudo apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium binary.',
      );
    }
    process.stderr.write('browser tests: installing Debian chromium with apt-get\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (!executable(DEFAULT_CHROMIUM)) {
      throw new Error(`apt-get installed chromium, yet ${DEFAULT_CHROMIUM} is not there.`);
    }
  }
  project.provide('chromiumPath', path);
}
