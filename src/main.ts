#!/usr/bin/env node
import { chmodSync, createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import {
  ariApp,
  ariPassword,
  ariUrlFor,
  ariUser,
  generateAriPassword,
  httpBind,
  httpPort,
  isLoopback,
} from './asterisk/ari.js';
import { asteriskConfig, databaseFromUrl, parseFallback, pbxName, SECRET_FILES } from './asterisk/config.js';
import { pino } from 'pino';
import { generatePassword } from './auth/tokens.js';
import { runAsteriskCheck } from './cli/asterisk-check.js';
import { progressBar } from './cli/progress.js';
import { ConfigError, loadConfig, parseRoles, type Config } from './config.js';
import { DatabaseInUseError } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open.js';
import { seedDemo } from './demo/seed.js';
import { prepare, start } from './server.js';
import { csvLine, csvText } from './shared/csv.js';
import { USER_ROLES, type Role } from './shared/types.js';

function config(): Config {
  return loadConfig(process.env);
}

async function withServices<T>(fn: (s: Awaited<ReturnType<typeof prepare>>) => Promise<T>): Promise<T> {
  const ready = await prepare(config(), pino({ level: 'warn' }));
  try {
    return await fn(ready);
  } finally {
    await ready.db.close();
  }
}

const program = new Command()
  .name('capconduit')
  .description(
    'CapConduit: inbound routing under exact caps, caller-ID rotation and call control for Asterisk',
  );

program
  .command('start')
  .description('start the server (all roles unless --roles is given)')
  .option('--roles <roles>', 'comma-separated roles to run in this process, e.g. api')
  .action(async (opts: { roles?: string }) => {
    const running = await start(config(), parseRoles(opts.roles));
    const shutdown = () => void running.stop().then(() => process.exit(0));
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const c = config();
    const db = await openDb({ databaseUrl: c.databaseUrl, dataDir: c.dataDir, poolSize: 2 });
    try {
      const r = await migrate(db);
      console.log(
        r.applied.length ? `applied: ${r.applied.join(', ')}` : `up to date (${r.alreadyApplied} migrations)`,
      );
    } finally {
      await db.close();
    }
  });

program
  .command('seed-demo')
  .description(
    'add the demo staff, sellers, clients, DIDs, campaigns and a few hours of calls (needs an admin to act as)',
  )
  .action(() =>
    withServices(async ({ db, services }) => {
      const admins = await services.users.list({ role: 'admin', status: 'active' }, { limit: 1, offset: 0 });
      const admin = admins.items[0];
      if (!admin) throw new Error('no active admin: run `capconduit user create --role admin ...` first');
      const creds = await seedDemo(
        { db, config: config(), services },
        { id: admin.id, email: admin.email, name: admin.name, role: 'admin' },
        new Date(),
      );
      for (const c of creds) console.log(`${c.role.padEnd(7)} ${c.email.padEnd(32)} ${c.password}`);
    }),
  );

const user = program.command('user').description('manage users');
user
  .command('create')
  .description('create a user; prints a generated password when none is given')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .addOption(new Option('--role <role>').choices(USER_ROLES).makeOptionMandatory())
  .option('--password <password>', 'at least 8 characters (default: generated)')
  .action((opts: { email: string; name: string; role: Role; password?: string }) =>
    withServices(async ({ services }) => {
      const password = opts.password ?? generatePassword();
      if (password.length < 8) throw new Error('--password must be at least 8 characters');
      const u = await services.users.create({
        email: opts.email,
        name: opts.name,
        role: opts.role,
        password,
      });
      console.log(
        `created ${u.role} ${u.email} (id ${u.id})${opts.password ? '' : ` with password ${password}`}`,
      );
    }),
  );

const cid = program.command('cid').description('caller IDs for outbound dialers');
cid
  .command('import <file>')
  .description(
    'import caller IDs from a CSV file (caller_id, carrier, area_code, hourly_limit, daily_limit, campaign, status, meta)',
  )
  .option('--report <file>', 'write the rejected rows as CSV here instead of printing them')
  .action((file: string, opts: { report?: string }) =>
    withServices(async ({ services }) => {
      const size = statSync(file).size;
      const input = createReadStream(file);
      const bar = progressBar(size, () => input.bytesRead);
      const report = await services.callerIdImport.importCsv(input, {
        onProgress: (rows) => bar.update(rows),
      });
      bar.done(report.total);
      console.log(
        `${report.inserted} imported, ${report.rejected.length} rejected, ${report.total} rows read`,
      );
      const rows = report.rejected.map((r) => [r.row, r.input, r.reason]);
      if (opts.report) writeFileSync(opts.report, csvText(['row', 'input', 'reason'], rows));
      else for (const r of rows.slice(0, 50)) console.log(`  rejected ${csvLine(r)}`);
      if (!opts.report && rows.length > 50) console.log(`  … ${rows.length - 50} more (use --report FILE)`);
    }),
  );
cid
  .command('export')
  .description('write every caller ID as CSV to standard output')
  .option('--campaign <code>', 'only this campaign’s pool (empty string: the global pool)')
  .action((opts: { campaign?: string }) =>
    withServices(async ({ services }) => {
      const filter = opts.campaign === undefined ? {} : { campaign: opts.campaign || null };
      await pipeline(await services.callerIdImport.exportCsv(filter), process.stdout);
    }),
  );

type AsteriskConfigOpts = {
  out?: string;
  pbx?: string;
  check?: string;
  agi?: string[];
  onUnavailable: string;
  onReject: string;
  ariUser: string;
  ariPassword?: string;
  ariApp: string;
  httpBind: string;
  httpPort: string;
};

/** `asterisk-config --check DIR`: reports instead of writing; the exit code says whether anything is an error. */
async function checkAsteriskDir(dir: string, out: string | undefined, c: Config): Promise<void> {
  if (out !== undefined) throw new Error('asterisk-config takes --out or --check, not both');
  process.exitCode = await runAsteriskCheck(dir, c.databaseUrl, (line) => console.log(line));
}

program
  .command('asterisk-config')
  .description(
    'write the Asterisk configuration CapConduit needs (dialplan, realtime, CDR, ARI) into a directory',
  )
  .option('--out <dir>', 'directory to write the files to')
  .option(
    '--pbx <name>',
    "this PBX's name (letters, digits, _ . -), sent with every request: generate one set of files per PBX",
  )
  .option(
    '--check <dir>',
    'instead, report what an Asterisk config directory (e.g. /etc/asterisk) lacks; exit 1 on errors',
  )
  .option('--agi <host:port...>', 'FastAGI servers the dialplan calls, in order (default: AGI_HOST:AGI_PORT)')
  .option(
    '--on-unavailable <spec>',
    'congestion | busy | hangup[:cause] | goto:ctx,exten,prio | dial:PJSIP/x[,timeout]',
    'congestion',
  )
  .option('--on-reject <spec>', 'what a rejected caller hears (same forms)', 'busy')
  .option('--ari-user <name>', 'the ARI user CapConduit logs in as (ari.conf)', 'capconduit')
  .option('--ari-password <password>', 'its password, 16+ characters (default: a random one, printed once)')
  .option(
    '--ari-app <name>',
    "the Stasis application agents' calls go to: the app name of this PBX's Asterisk server in CapConduit",
    'capconduit',
  )
  .option(
    '--http-bind <address>',
    "address of Asterisk's HTTP server, which carries ARI (http.conf)",
    '127.0.0.1',
  )
  .option('--http-port <port>', "port of Asterisk's HTTP server", '8088')
  .action(async (opts: AsteriskConfigOpts) => {
    const c = config();
    if (opts.check !== undefined) return checkAsteriskDir(opts.check, opts.out, c);
    if (opts.out === undefined) throw new Error('asterisk-config needs --out DIR (or --check DIR)');
    if (opts.pbx === undefined) throw new Error('asterisk-config --out needs --pbx NAME');
    const host = c.agiHost === '0.0.0.0' || c.agiHost === '::' ? '127.0.0.1' : c.agiHost;
    const password = opts.ariPassword === undefined ? undefined : ariPassword(opts.ariPassword);
    const ari = {
      user: ariUser(opts.ariUser),
      password: password ?? generateAriPassword(),
      app: ariApp(opts.ariApp),
    };
    const http = { bind: httpBind(opts.httpBind), port: httpPort(opts.httpPort) };
    const files = asteriskConfig({
      pbx: pbxName(opts.pbx),
      agi: opts.agi ?? [`${host}:${c.agiPort}`],
      onUnavailable: parseFallback(opts.onUnavailable),
      onReject: parseFallback(opts.onReject),
      database: databaseFromUrl(c.databaseUrl),
      ari,
      http,
    });
    mkdirSync(opts.out, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      const path = join(opts.out, name);
      if (SECRET_FILES.includes(name)) {
        // writeFileSync keeps an existing file's mode: narrow it before the password goes in.
        if (existsSync(path)) chmodSync(path, 0o600);
        writeFileSync(path, text, { mode: 0o600 });
      } else writeFileSync(path, text);
    }
    console.log(`wrote ${Object.keys(files).join(', ')} to ${opts.out} (see docs/asterisk.md, docs/ari.md)`);
    if (!c.databaseUrl) console.log('note: without DATABASE_URL the realtime and CDR files are placeholders');
    console.log(
      `ARI: ${ariUrlFor(http)}, user ${ari.user}, application ${ari.app}` +
        (password === undefined
          ? `, generated password ${ari.password} (shown once: enter it in CapConduit's Asterisk server record)`
          : ''),
    );
    if (!isLoopback(http.bind))
      console.log(
        `warning: --http-bind ${http.bind} exposes ARI beyond this machine without TLS: see docs/ari.md`,
      );
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`capconduit: configuration error: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof DatabaseInUseError) {
    console.error(`capconduit: ${err.message}`);
    process.exit(err.exitCode);
  }
  const e = err as { message?: string };
  console.error(`capconduit: ${e.message ?? String(err)}`);
  process.exit(1);
});
