/**
 * npm run bench:cid-import — `capconduit cid import FILE` (the built CLI, `dist/main.js`, as
 * `npx capconduit` runs it; compiled first) of a
 * CSV with BENCH_ROWS rows (default 100,000) into a throwaway database on the local PostgreSQL,
 * then `capconduit cid export` of everything. One row in 100 is deliberately bad (a number that
 * is not one, a duplicate of an earlier row, an unknown pool), so the run also exercises the
 * per-row report. Prints the wall time of each command and checks the counts.
 *
 *   BENCH_DATABASE_URL / TEST_DATABASE_URL  admin connection (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_ROWS   rows in the file (default 100000)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/db/migrate.js';
import { createPostgresDb } from '../src/db/postgres.js';
import { createThrowawayDatabase } from '../test/helpers/db.js';
import { dialableUsAreaCodes, nthNumber } from './bench/numbers.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);

/** A CSV of `rows` rows over every US area code libphonenumber accepts; every 100th row is bad. */
function csv(rows: number): { text: string; bad: number } {
  const codes = dialableUsAreaCodes();
  const lines = ['caller_id,carrier,hourly_limit,daily_limit,campaign,meta'];
  let bad = 0;
  for (let i = 0; i < rows; i++) {
    const number = nthNumber(codes, i);
    if (i % 100 === 99) {
      bad++;
      const kind = ((i / 100) % 3) | 0;
      if (kind === 0) lines.push('not-a-number,acme,,,,');
      else if (kind === 1) lines.push(`${lines[1]!.split(',')[0]},acme,,,,`);
      else lines.push(`${number},acme,,,nosuch,`);
      continue;
    }
    lines.push(`${number},acme,${10 + (i % 5)},${100 + (i % 7)},,"{""row"":${i}}"`);
  }
  return { text: `${lines.join('\n')}\n`, bad };
}

/** Runs the CLI and resolves with its wall time, exit code and output. */
function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ ms: number; code: number | null; out: string }>((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/main.js', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ ms: performance.now() - started, code, out }));
  });
}

async function main(): Promise<void> {
  const built = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      stdio: 'inherit',
    },
  );
  if (built.status !== 0) throw new Error('tsc -p tsconfig.build.json failed');
  const target = await createThrowawayDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'capconduit-bench-'));
  const db = createPostgresDb({ connectionString: target.url, max: 2 });
  try {
    await migrate(db);
    const { text, bad } = csv(ROWS);
    const file = join(dir, 'numbers.csv');
    writeFileSync(file, text);
    const env = { DATABASE_URL: target.url };
    // Starting the CLI (loading, opening the database) is part of the figure; measured alone too.
    const startOnly = await cli(['migrate'], env);
    const imported = await cli(['cid', 'import', file, '--report', join(dir, 'rejected.csv')], env);
    if (imported.code !== 0) throw new Error(`import failed:\n${imported.out}`);
    const exported = await cli(['cid', 'export'], env);
    if (exported.code !== 0) throw new Error(`export failed:\n${exported.out.slice(0, 500)}`);
    const stored = Number(
      (await db.query<{ n: number }>('SELECT count(*) AS n FROM callerid_numbers')).rows[0]!.n,
    );
    const exportedRows = exported.out.trimEnd().split('\n').length - 1;
    const said = /(\d+) imported, (\d+) rejected, (\d+) rows read/.exec(imported.out);
    console.log(
      JSON.stringify(
        {
          rows: ROWS,
          bad_rows: bad,
          import_s: +(imported.ms / 1000).toFixed(2),
          export_s: +(exported.ms / 1000).toFixed(2),
          cli_start_s: +(startOnly.ms / 1000).toFixed(2),
          cli_said: said?.[0],
          stored,
          exported_rows: exportedRows,
          counts_agree:
            stored === ROWS - bad &&
            exportedRows === stored &&
            Number(said?.[2]) === bad &&
            Number(said?.[3]) === ROWS,
        },
        null,
        2,
      ),
    );
  } finally {
    await db.close();
    await target.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
