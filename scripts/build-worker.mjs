// `npm run build:worker`: bundles the Cloudflare Worker offline (`wrangler deploy --dry-run`) into
// dist/ and checks the bundle: no unresolved Node built-ins, nothing Node-only of ours (PGlite, the
// outbox folder, key files), and under 1 MiB gzipped (SPEC.md §7). Prints its size and biggest parts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
const outdir = join(root, 'dist');
const metafile = join(outdir, 'bundle-meta.json');
const bundle = join(outdir, 'worker.js');
const GZIP_LIMIT = 1024 * 1024;

// Offline and self-contained: no metrics, no network, nothing written outside the project.
const wranglerHome = join(root, '.wrangler');
mkdirSync(join(wranglerHome, 'config'), { recursive: true });
mkdirSync(join(wranglerHome, 'tmp'), { recursive: true });
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  XDG_CONFIG_HOME: join(wranglerHome, 'config'),
  TMPDIR: join(wranglerHome, 'tmp'),
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

const result = spawnSync(
  join(root, 'node_modules', '.bin', 'wrangler'),
  ['deploy', '--dry-run', '--outdir', outdir, '--minify', '--metafile', metafile],
  { cwd: root, env, encoding: 'utf8' },
);
const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
const problems = [];
if (result.error) problems.push(`wrangler did not run: ${result.error.message}`);
if (result.status !== 0) problems.push(`wrangler exited with ${result.status}`);

// Without nodejs_compat (or with a Node-only import) the dry run still exits 0, with warnings.
const unresolved = [...output.matchAll(/The package "([^"]+)" wasn't found on the file system/g)];
for (const [, name] of unresolved) problems.push(`unresolved Node built-in: ${name}`);
if (problems.length > 0 || !result.stdout) {
  process.stderr.write(output);
  fail(problems);
}

const code = readFileSync(bundle);
const gzipped = gzipSync(code, { level: 9 }).length;
const meta = JSON.parse(readFileSync(metafile, 'utf8'));
const inputs = Object.entries(meta.outputs['dist/worker.js']?.inputs ?? {});

// What runs only on Node must never reach the Worker.
const nodeOnly = [
  /node_modules\/@electric-sql\/pglite\//,
  /^src\/db\/pglite\.ts$/,
  /^src\/delivery\/outbox-folder\.ts$/,
  /^src\/entry\/(database|keys|services|node|job|migrate)\.ts$/,
];
for (const [path] of inputs) {
  if (nodeOnly.some((pattern) => pattern.test(path))) problems.push(`Node-only module: ${path}`);
}
if (code.includes('@electric-sql/pglite')) problems.push('bundle mentions @electric-sql/pglite');
if (gzipped >= GZIP_LIMIT) problems.push(`gzipped bundle ${kib(gzipped)} is not under 1 MiB`);

const byPackage = new Map();
for (const [path, { bytesInOutput }] of inputs) {
  const name =
    path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.split('/').slice(0, 2).join('/');
  byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
}
const biggest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12);

console.log(`dist/worker.js: ${kib(code.length)} minified, ${kib(gzipped)} gzipped (limit 1 MiB)`);
console.log('biggest parts (minified):');
for (const [name, bytes] of biggest) console.log(`  ${kib(bytes).padStart(10)}  ${name}`);
if (problems.length > 0) fail(problems);

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function fail(list) {
  for (const problem of list) console.error(`build:worker: ${problem}`);
  process.exit(1);
}
