/**
 * `capconduit asterisk-config --check DIR`: what an existing Asterisk configuration directory
 * lacks, or has in conflict, for CapConduit. Pure: parsed files, the database settings and the
 * active clients in, findings out (the file system is read by check-fs.ts).
 */
import { checkAri, checkHttp } from './check-ari.js';
import { checkCdr, checkDatabase } from './check-database.js';
import { checkPjsip, type ClientTarget } from './check-pjsip.js';
import { checkExtconfig, checkSorcery } from './check-sorcery.js';
import { CONTEXTS, DIALPLAN_FILE, type AsteriskConfigOptions } from './config.js';
import { bool, readConf, retrieve, section, sectionsNamed, where, type ConfReader } from './conf.js';
import { CHECKED_FILES, error, ok, warning, type Confs, type Finding } from './findings.js';

export type { ClientTarget } from './check-pjsip.js';
export { CHECKED_FILES, formatFinding, type Confs, type Finding } from './findings.js';

export interface CheckInput {
  confs: Confs;
  /** CapConduit's database (DATABASE_URL); undefined when it runs on the embedded one. */
  database: AsteriskConfigOptions['database'];
  /** The active clients, or undefined when they could not be read. */
  clients: ClientTarget[] | undefined;
  /** Why `clients` is undefined, said in the report. */
  clientsSkipped?: string;
}

export function checkAsterisk(input: CheckInput): Finding[] {
  const { confs } = input;
  const skipped = input.clients
    ? []
    : [warning('clients', `not compared with pjsip.conf: ${input.clientsSkipped ?? 'they were not read'}`)];
  return [
    ...parseProblems(confs),
    ...checkSorcery(confs),
    ...checkExtconfig(confs),
    ...checkDatabase(confs, input.database),
    ...checkCdr(confs),
    ...checkPjsip(confs, input.clients),
    ...skipped,
    ...checkDialplan(confs),
    ...checkAri(confs),
    ...checkHttp(confs),
    ...checkModules(confs),
  ];
}

/** Every file the check reads, parsed with what it includes; a file that does not exist is absent. */
export function readConfs(reader: ConfReader): Confs {
  const confs: Confs = {};
  for (const name of CHECKED_FILES) {
    const conf = readConf(name, reader);
    if (conf) confs[name] = conf;
  }
  return confs;
}

/** Non-zero when anything is an error. */
export function exitCode(findings: Finding[]): number {
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function parseProblems(confs: Confs): Finding[] {
  return CHECKED_FILES.flatMap((name) =>
    (confs[name]?.problems ?? []).map((p) => ({ severity: p.severity, where: where(p), message: p.message })),
  );
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function checkDialplan(confs: Confs): Finding[] {
  const ext = confs['extensions.conf'];
  if (!ext) return [error('extensions.conf', 'missing: Asterisk has no dialplan')];
  const inc = ext.includes.find((i) => [i.target, ...i.found].some((f) => basename(f) === DIALPLAN_FILE));
  if (!inc)
    return [
      error(
        'extensions.conf',
        `does not #include ${DIALPLAN_FILE}: add "#include ${DIALPLAN_FILE}" at its end`,
      ),
    ];
  if (inc.found.length === 0) return []; // the missing file is already an error of its own
  if (sectionsNamed(ext, CONTEXTS.inbound).length === 0)
    return [
      error(
        where(inc),
        `${DIALPLAN_FILE} defines no [${CONTEXTS.inbound}]: generate it again with capconduit asterisk-config`,
      ),
    ];
  const agents =
    sectionsNamed(ext, CONTEXTS.agents).length > 0
      ? []
      : [
          warning(
            where(inc),
            `${DIALPLAN_FILE} defines no [${CONTEXTS.agents}]: numbers agents dial from their phones go nowhere (404); generate it again with capconduit asterisk-config`,
          ),
        ];
  return [ok(where(inc), `includes ${DIALPLAN_FILE}, which defines [${CONTEXTS.inbound}]`), ...agents];
}

/** Modules CapConduit's files need, and what for (main/loader.c decides what loads). */
const MODULES: [string, string][] = [
  ['res_config_pgsql', 'realtime reads ps_* from PostgreSQL'],
  ['res_sorcery_realtime', 'the realtime sorcery wizard'],
  ['cdr_pgsql', 'CDRs into the cdr table'],
  ['res_agi', 'the dialplan calls CapConduit over FastAGI'],
];

function checkModules(confs: Confs): Finding[] {
  const conf = confs['modules.conf'];
  if (!conf) return [warning('modules.conf', 'missing: which modules load was not checked')];
  const s = section(conf, 'modules');
  const names = (key: string[]) =>
    new Set(
      s?.vars.filter((v) => key.includes(v.name.toLowerCase())).map((v) => v.value.replace(/\.so$/, '')),
    );
  const listed = names(['load', 'require', 'preload', 'preload-require']);
  const refused = names(['noload']);
  const autoload = bool(retrieve(s, 'autoload')?.value) ?? false;
  const missing = MODULES.filter(([m]) => refused.has(m) || (!autoload && !listed.has(m)));
  if (missing.length === 0) return [ok('modules.conf', `${MODULES.map(([m]) => m).join(', ')} load`)];
  return missing.map(([m, why]) =>
    error(
      'modules.conf',
      `${m}.so does not load (${refused.has(m) ? 'noload' : 'autoload is off and no load =>'}): needed for ${why}`,
    ),
  );
}
