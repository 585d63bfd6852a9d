#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const filter = process.argv.slice(2);
const files = [...find('src'), ...find('test')].filter(
  (f) => filter.length === 0 || filter.some((x) => f.includes(x)),
);
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Browser tests drive the built dashboard: build it from the current sources first.
if (files.some((f) => f.includes(join('test', 'browser')))) {
  const vite = join('node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
}
// --test-force-exit: a file whose tests have all ended exits even if a handle is left open (the
// dialer's engine test once stayed alive after passing; the cause is not found yet: docs/dialer.md).
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-force-exit',
  '--test-concurrency=2',
  '--test-reporter=spec',
  ...files,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
