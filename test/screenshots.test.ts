import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const folder = new URL('../docs/screenshots/', import.meta.url);

describe('docs/screenshots (npm run screenshots)', () => {
  it('lists every PNG it holds, and holds every PNG it lists', async () => {
    const files = (await readdir(folder)).filter((name) => name.endsWith('.png')).sort();
    const listing = await readFile(new URL('README.md', folder), 'utf8');
    const listed = [...listing.matchAll(/\]\(([\w-]+\.png)\)/g)].map((match) => match[1]).sort();
    expect(listed).toEqual(files);
    // each screen in three languages at two widths
    expect(files.length % 6).toBe(0);
    expect(files).toContain('widget-fi-desktop.png');
    expect(files).toContain('email-digest-sv-phone.png');
  });

  it('has every image the README shows', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const shown = [...readme.matchAll(/src="docs\/screenshots\/([\w-]+\.png)"/g)].map(
      (match) => match[1],
    );
    expect(shown.length).toBeGreaterThan(0);
    const files = await readdir(folder);
    expect(shown.filter((name) => !files.includes(name ?? ''))).toEqual([]);
  });
});
