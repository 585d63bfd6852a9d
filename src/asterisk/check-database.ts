/**
 * res_pgsql.conf, cdr_pgsql.conf and cdr.conf against CapConduit's database (DATABASE_URL) and
 * what reconciliation needs from Asterisk's CDRs (docs/asterisk-notes.md §1, §6).
 */
import type { AsteriskConfigOptions } from './config.js';
import { applied, bool, retrieve, section, where, type Conf, type ConfSection } from './conf.js';
import { duplicateSections, error, ok, warning, type Confs, type Finding } from './findings.js';

type Database = NonNullable<AsteriskConfigOptions['database']>;

/** How a module reads its connection: key names in the order it tries them, and its defaults. */
interface ConnectionSpec {
  file: 'res_pgsql.conf' | 'cdr_pgsql.conf';
  section: string;
  keys: Record<keyof Database, string[]>;
  defaults: Record<'port' | 'name' | 'user' | 'password', string>;
}

/** res/res_config_pgsql.c `parse_config()`: new names first, then the legacy db* ones. */
const RES_PGSQL: ConnectionSpec = {
  file: 'res_pgsql.conf',
  section: 'general',
  keys: {
    host: ['hostname', 'dbhost'],
    port: ['port', 'dbport'],
    name: ['dbname'],
    user: ['user', 'dbuser'],
    password: ['password', 'dbpass'],
  },
  defaults: { port: '5432', name: 'asterisk', user: 'asterisk', password: 'asterisk' },
};

/** cdr/cdr_pgsql.c `config_module()`. */
const CDR_PGSQL: ConnectionSpec = {
  file: 'cdr_pgsql.conf',
  section: 'global',
  keys: { host: ['hostname'], port: ['port'], name: ['dbname'], user: ['user'], password: ['password'] },
  defaults: { port: '5432', name: 'asteriskcdrdb', user: 'asterisk', password: '' },
};

export function checkDatabase(confs: Confs, db: Database | undefined): Finding[] {
  const findings: Finding[] = [];
  if (!db)
    findings.push(
      error(
        'DATABASE_URL',
        'not set: Asterisk needs CapConduit on a PostgreSQL server (the embedded database cannot serve it), so the connection settings were not compared',
      ),
    );
  return [
    ...findings,
    ...checkConnection(confs, RES_PGSQL, db, resPgsqlExtras),
    ...checkConnection(confs, CDR_PGSQL, db, cdrPgsqlExtras),
  ];
}

function checkConnection(
  confs: Confs,
  spec: ConnectionSpec,
  db: Database | undefined,
  extras: (s: ConfSection, file: string) => Finding[],
): Finding[] {
  const conf = confs[spec.file];
  if (!conf)
    return [error(spec.file, `missing: generate it with capconduit asterisk-config and copy it here`)];
  const s = section(conf, spec.section);
  if (!s) return [error(spec.file, `no [${spec.section}] section: the module does not connect at all`)];
  const findings = [...duplicateSections(conf, spec.section), ...extras(s, spec.file)];
  return db ? [...findings, ...compareConnection(s, spec, db)] : findings;
}

function setting(s: ConfSection, keys: string[]): { value: string; where: string } | undefined {
  for (const k of keys) {
    const v = retrieve(s, k);
    if (v) return { value: v.value, where: where(v) };
  }
  return undefined;
}

function compareConnection(s: ConfSection, spec: ConnectionSpec, db: Database): Finding[] {
  const at = where(s);
  const get = (k: keyof Database, def = '') => setting(s, spec.keys[k])?.value ?? def;
  const host = setting(s, spec.keys.host);
  const user = get('user', spec.defaults.user);
  const name = get('name', spec.defaults.name);
  const port = get('port', spec.defaults.port);
  const findings: Finding[] = [];
  if (name !== db.name)
    findings.push(
      error(
        at,
        `dbname is ${name}, but CapConduit's database is ${db.name}: Asterisk would read other tables`,
      ),
    );
  if (!host)
    findings.push(
      warning(
        at,
        `no hostname: the module connects through a unix socket (in /tmp unless socket= says otherwise), not to ${db.host}`,
      ),
    );
  else if (host.value !== db.host)
    findings.push(
      warning(
        host.where,
        `hostname is ${host.value}, DATABASE_URL's is ${db.host}: make sure they name the same server`,
      ),
    );
  if (port !== String(db.port)) findings.push(warning(at, `port is ${port}, DATABASE_URL's is ${db.port}`));
  if (user !== db.user)
    findings.push(
      warning(
        at,
        `user is ${user}, DATABASE_URL's is ${db.user}: that role needs access to CapConduit's tables`,
      ),
    );
  else if (get('password', spec.defaults.password) !== db.password)
    findings.push(
      error(
        at,
        `the password differs from DATABASE_URL's for the same user ${user}: the server will refuse it`,
      ),
    );
  if (findings.length === 0)
    findings.push(ok(at, `connects as ${user} to ${db.host}:${db.port}/${db.name}, like DATABASE_URL`));
  return findings;
}

function resPgsqlExtras(s: ConfSection): Finding[] {
  const req = retrieve(s, 'requirements');
  if (req && /^create(close|char)$/i.test(req.value))
    return [
      warning(
        where(req),
        `requirements=${req.value} lets Asterisk alter CapConduit's tables: use requirements=warn`,
      ),
    ];
  return [];
}

function cdrPgsqlExtras(s: ConfSection, file: string): Finding[] {
  const findings: Finding[] = [];
  const table = retrieve(s, 'table');
  if (table && table.value !== 'cdr')
    findings.push(error(where(table), `table=${table.value}: CapConduit reconciles with the table cdr`));
  const encoding = retrieve(s, 'encoding');
  if (!encoding || !/^utf-?8$/i.test(encoding.value))
    findings.push(
      warning(
        encoding ? where(encoding) : file,
        `encoding is ${encoding?.value ?? 'LATIN9 (the default)'}: caller names outside Latin-9 are garbled; use encoding=UTF8`,
      ),
    );
  const tz = retrieve(s, 'timezone');
  if (!tz || !/^(Etc\/)?UTC$/.test(tz.value))
    findings.push(
      error(
        tz ? where(tz) : file,
        `timezone is ${tz?.value ?? "Asterisk's local zone"}: CapConduit reads CDR times as UTC, so use timezone=UTC`,
      ),
    );
  return findings;
}

/** main/cdr.c reads cdr.conf through the config options framework: the first [general], its last value. */
export function checkCdr(confs: Confs): Finding[] {
  const conf: Conf | undefined = confs['cdr.conf'];
  if (!conf)
    return [
      error(
        'cdr.conf',
        'missing: unanswered defaults to no, so a call rejected before any Dial leaves no CDR; generate cdr.conf with capconduit asterisk-config',
      ),
    ];
  const s = section(conf, 'general');
  const flag = (name: string, def: boolean) => {
    const v = applied(s, name);
    return { value: bool(v?.value) ?? def, where: v ? where(v) : s ? where(s) : 'cdr.conf' };
  };
  const findings = [...duplicateSections(conf, 'general')];
  for (const [name, def, needed, severity, why] of CDR_RULES) {
    const f = flag(name, def);
    if (f.value !== needed)
      findings.push({
        severity,
        where: f.where,
        message: `${name}=${needed ? 'yes' : 'no'} is needed: ${why}`,
      });
  }
  if (findings.length === 0)
    findings.push(ok(s ? where(s) : 'cdr.conf', 'CDRs for every call, congestion kept, written at hangup'));
  return findings;
}

/** [option, Asterisk's default, what CapConduit needs, severity, why] (defaults: main/cdr.c DEFAULT_*). */
const CDR_RULES: [string, boolean, boolean, 'error' | 'warning', string][] = [
  ['enable', true, true, 'error', 'without it Asterisk writes no CDR at all'],
  [
    'channeldefaultenabled',
    true,
    true,
    'error',
    'without it channels have no CDR unless the dialplan enables one',
  ],
  [
    'unanswered',
    false,
    true,
    'error',
    'otherwise a call rejected before any Dial leaves no CDR, and reconciliation cannot log it',
  ],
  [
    'congestion',
    false,
    true,
    'warning',
    'otherwise CONGESTION is written as FAILED and a reconciled call gets the wrong status',
  ],
  [
    'batch',
    false,
    false,
    'warning',
    'batch mode holds CDRs for up to `time` seconds and loses them if Asterisk crashes',
  ],
  ['endbeforehexten', true, true, 'warning', "otherwise the hangup handler's CDR(billsec) is not final"],
];
