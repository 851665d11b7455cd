import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

async function filesUnder(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && pattern.test(entry.name) && !entry.name.includes('.test.'))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function offenders(files: string[], forbidden: RegExp, allowed: string[] = []) {
  const found: string[] = [];
  for (const file of files) {
    if (allowed.some((path) => file.endsWith(path))) continue;
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, index) => {
      if (forbidden.test(line)) found.push(`${file}:${index + 1}: ${line.trim()}`);
    });
  }
  return found;
}

describe('the architecture (STYLE.md, SPEC.md §5)', () => {
  it('decides time with the injected clock: no now() or current_timestamp in SQL', async () => {
    const files = [
      ...(await filesUnder('src', /\.tsx?$/)),
      ...(await filesUnder('drizzle', /\.sql$/)),
    ];
    expect(files.length).toBeGreaterThan(20);
    expect(
      await offenders(
        files,
        /(?<![.\w])now\(\)(?!\s*[:.])|current_timestamp|localtimestamp|current_date/i,
      ),
    ).toEqual([]);
  });

  it('reads the wall clock only in the system clock, the logger and the entries', async () => {
    const files = await filesUnder('src', /\.tsx?$/);
    expect(
      await offenders(files, /new Date\(\)|Date\.now\(\)/, [
        'src/deps.ts',
        'src/log.ts',
        'src/entry/node.ts',
        // sample code for senders, shown on /docs and never run by the service
        'src/openapi/signing-recipes.ts',
      ]),
    ).toEqual([]);
  });

  it('reads the environment only in the entries', async () => {
    const files = await filesUnder('src', /\.tsx?$/);
    const outsideEntries = files.filter((file) => !file.startsWith(join('src', 'entry')));
    expect(await offenders(outsideEntries, /process\.env/, ['src/config.ts'])).toEqual([]);
  });

  it('logs through the logger: no console output outside the entries', async () => {
    const files = (await filesUnder('src', /\.tsx?$/)).filter(
      (file) => !file.startsWith(join('src', 'entry')),
    );
    expect(await offenders(files, /console\.(log|info|debug|warn|error)\(/)).toEqual([]);
  });
});
