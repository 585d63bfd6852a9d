/**
 * What `capconduit asterisk-config --check` reports: one finding per line, with a severity.
 * Shared by the check modules (check-*.ts).
 */
import { sectionsNamed, where, type Conf } from './conf.js';

export type Severity = 'error' | 'warning' | 'ok';

export interface Finding {
  severity: Severity;
  /** `file` or `file:line`. */
  where: string;
  message: string;
}

/** The files of an Asterisk configuration directory the check reads (with what they include). */
export const CHECKED_FILES = [
  'sorcery.conf',
  'extconfig.conf',
  'res_pgsql.conf',
  'cdr_pgsql.conf',
  'cdr.conf',
  'pjsip.conf',
  'pjsip_wizard.conf',
  'extensions.conf',
  'ari.conf',
  'http.conf',
  'modules.conf',
] as const;

export type CheckedFile = (typeof CHECKED_FILES)[number];

/** The parsed files; a file that does not exist is absent. */
export type Confs = Partial<Record<CheckedFile, Conf>>;

export const error = (where: string, message: string): Finding => ({ severity: 'error', where, message });
export const warning = (where: string, message: string): Finding => ({ severity: 'warning', where, message });
export const ok = (where: string, message: string): Finding => ({ severity: 'ok', where, message });

/** `a, b, c` or `a, b, c and 4 more`. */
export function list(names: string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** One line per finding: `error   sorcery.conf:3: …`. */
export function formatFinding(f: Finding): string {
  return `${f.severity.padEnd(7)} ${f.where}: ${f.message}`;
}

/** A second section of a name that Asterisk reads by name: everything in it is ignored. */
export function duplicateSections(conf: Conf | undefined, name: string): Finding[] {
  const all = sectionsNamed(conf, name);
  if (all.length < 2) return [];
  return [
    error(
      where(all[1]!),
      `a second [${name}] (the first is at ${where(all[0]!)}): Asterisk reads only the first, so the lines here are ignored; move them into the first`,
    ),
  ];
}
