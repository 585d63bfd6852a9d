/**
 * sorcery.conf and extconfig.conf against what CapConduit needs and what Asterisk does with them
 * (docs/asterisk-notes.md §7): every type CapConduit writes mapped to its realtime table, after
 * pjsip.conf; no type losing the objects of pjsip.conf; every realtime family in extconfig.conf.
 */
import { objectsOfType, section, where, type Conf, type ConfVar } from './conf.js';
import { duplicateSections, error, list, ok, warning, type Confs, type Finding } from './findings.js';
import { pjsipConfigWizardData, REALTIME_TYPES } from './realtime.js';

/** Asterisk's own mapping of each type, used when sorcery.conf does not name the type (§7). */
const DEFAULT_WIZARD: Record<string, 'config' | 'astdb'> = {
  endpoint: 'config',
  auth: 'config',
  aor: 'config',
  domain_alias: 'config',
  identify: 'config',
  registration: 'config',
  contact: 'astdb',
};

interface Mapping {
  type: string;
  wizard: string;
  data: string;
  at: ConfVar;
}

function mappingsOf(vars: ConfVar[]): Mapping[] {
  return vars.map((v) => {
    const [wizard = '', ...data] = v.value.split(',');
    return { type: v.name.split('/')[0]!.trim(), wizard: wizard.trim(), data: data.join(',').trim(), at: v };
  });
}

/** The first section of each `res_pjsip*` name: the only one Asterisk reads. */
function pjsipSections(sorcery: Conf): { name: string; mappings: Mapping[] }[] {
  const names = [...new Set(sorcery.sections.map((s) => s.name.toLowerCase()))];
  return names
    .filter((n) => n.startsWith('res_pjsip'))
    .map((n) => ({ name: n, mappings: mappingsOf(section(sorcery, n)?.vars ?? []) }));
}

export function checkSorcery(confs: Confs): Finding[] {
  const sorcery = confs['sorcery.conf'];
  if (!sorcery)
    return [
      error(
        'sorcery.conf',
        'missing: endpoints, auths and AORs come from pjsip.conf only, so Asterisk cannot dial any client',
      ),
    ];
  const sections = pjsipSections(sorcery);
  const findings = sections.flatMap((s) => [
    ...duplicateSections(sorcery, s.name),
    ...[...new Set(s.mappings.map((m) => m.type))].flatMap((type) =>
      checkType(
        s.name,
        type,
        s.mappings.filter((m) => m.type === type),
        confs['pjsip.conf'],
      ),
    ),
  ]);
  const mapped = sections.find((s) => s.name === 'res_pjsip')?.mappings ?? [];
  return [...findings, ...REALTIME_TYPES.flatMap((t) => checkCapConduitType(t, mapped))];
}

function checkCapConduitType(t: (typeof REALTIME_TYPES)[number], mapped: Mapping[]): Finding[] {
  const realtime = mapped.filter((m) => m.type === t.type && m.wizard === 'realtime');
  const line = `${t.type}=realtime,${t.family}`;
  if (realtime.length === 0)
    return [
      error('sorcery.conf', `[res_pjsip] has no ${line}: Asterisk never sees CapConduit's ${t.family} rows`),
    ];
  const family = realtime[0]!.data.split(',')[0]!.trim();
  if (family !== t.family)
    return [
      error(
        where(realtime[0]!.at),
        `${t.type} is read from realtime family "${family}", but CapConduit writes ${t.family}: use ${line}`,
      ),
    ];
  return [];
}

function checkType(sectionName: string, type: string, maps: Mapping[], pjsip: Conf | undefined): Finding[] {
  const realtime = maps.findIndex((m) => m.wizard === 'realtime');
  const def = DEFAULT_WIZARD[type];
  if (realtime < 0 || def === undefined) return [];
  const at = where(maps[realtime]!.at);
  if (def === 'astdb') return maps.some((m) => m.wizard === 'astdb') ? [] : [contactWarning(at)];
  const config = maps.findIndex((m) => m.wizard === 'config');
  if (config < 0)
    return [
      lostObjects(
        at,
        sectionName,
        type,
        objectsOfType(pjsip, type).map((s) => s.name),
      ),
    ];
  const findings = [...configData(maps[config]!, type)];
  if (config > realtime)
    findings.push(
      warning(
        at,
        `${type}: realtime comes before config, so each lookup of a pjsip.conf ${type} (the carrier's on every call) asks PostgreSQL first, and a row with the same id replaces it; put the config line first`,
      ),
    );
  if (type === 'identify') findings.push(identifyWarning(at));
  else if (findings.length === 0) findings.push(ok(at, `${type}: pjsip.conf first, then realtime`));
  return findings;
}

function lostObjects(at: string, sectionName: string, type: string, names: string[]): Finding {
  const line = `${type}=config,${pjsipConfigWizardData(type)}`;
  if (names.length === 0)
    return warning(
      at,
      `${type} has no config wizard, so a type=${type} section added to pjsip.conf would be ignored; add ${line} before the realtime line`,
    );
  return error(
    at,
    `${type} is mapped without config, which replaces Asterisk's default: the ${names.length} ${type} section(s) of pjsip.conf (${list(names)}) are ignored. Add ${line} to [${sectionName}] before the realtime line`,
  );
}

function configData(m: Mapping, type: string): Finding[] {
  const [file, ...options] = m.data.split(',').map((s) => s.trim());
  const criteria = options.filter((o) => o.startsWith('criteria='));
  if (!criteria.includes(`criteria=type=${type}`))
    return [
      error(
        where(m.at),
        `${type}=config,${m.data} has no criteria=type=${type}: every section of ${file} would be read as a ${type}; use ${type}=config,${pjsipConfigWizardData(type)}`,
      ),
    ];
  if (file !== 'pjsip.conf')
    return [
      warning(
        where(m.at),
        `${type} objects are read from ${file}, not pjsip.conf: this check reads pjsip.conf`,
      ),
    ];
  return [];
}

function contactWarning(at: string): Finding {
  return warning(
    at,
    'contact is mapped to realtime without astdb: the registrations of your own phones are stored in PostgreSQL (and fail while it is unreachable), and those made before are forgotten. CapConduit needs no contact mapping',
  );
}

function identifyWarning(at: string): Finding {
  return warning(
    at,
    'identify is mapped to realtime, where CapConduit writes no rows since migration 0007: Asterisk reads the whole table on every inbound request. Remove the line unless you keep identify rows of your own there',
  );
}

/** extconfig.conf `[settings]`: a family for every realtime mapping of sorcery.conf and every CapConduit table. */
export function checkExtconfig(confs: Confs): Finding[] {
  const ext = confs['extconfig.conf'];
  if (!ext)
    return [
      error('extconfig.conf', 'missing: a realtime mapping in sorcery.conf makes res_pjsip fail to load'),
    ];
  const settings = section(ext, 'settings');
  const needed = new Map<string, string>(
    REALTIME_TYPES.map((t) => [t.family, `CapConduit writes ${t.family}`]),
  );
  for (const s of confs['sorcery.conf'] ? pjsipSections(confs['sorcery.conf']) : [])
    for (const m of s.mappings.filter((x) => x.wizard === 'realtime'))
      needed.set(m.data.split(',')[0]!.trim(), `sorcery.conf maps ${m.type} to it (${where(m.at)})`);
  const families = [...needed].map(([family, why]) => checkFamily(family, why, settings?.vars ?? []));
  // In file order, the lines extconfig.conf lacks last.
  const line = (f: Finding) => Number(/:(\d+)$/.exec(f.where)?.[1] ?? Infinity);
  return [...duplicateSections(ext, 'settings'), ...families.sort((a, b) => line(a) - line(b))];
}

function checkFamily(family: string, why: string, vars: ConfVar[]): Finding {
  const v = vars.find((x) => x.name === family);
  if (!v)
    return error(
      'extconfig.conf',
      `[settings] has no ${family} => pgsql,capconduit (${why}): a realtime mapping to a family extconfig.conf lacks fails, and in [res_pjsip] it stops res_pjsip from loading`,
    );
  const [driver = '', , table] = v.value.split(',').map((s) => s.trim());
  if (table && table !== family)
    return error(where(v), `${family} is read from table ${table}, but CapConduit writes ${family}`);
  if (driver !== 'pgsql')
    return warning(
      where(v),
      `${family} uses driver ${driver}: it must reach CapConduit's PostgreSQL database`,
    );
  return ok(where(v), `${family} => ${v.value}`);
}
