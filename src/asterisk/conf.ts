/**
 * A reader of Asterisk configuration files as main/config.c loads them: sections, templates
 * (`[x](!)`, `[y](x)`), appended sections (`[x](+)`), `;` and `;-- --;` comments, and
 * `#include`/`#tryinclude` followed relative to the configuration directory. Pure: file access
 * goes through a `ConfReader`. Facts: docs/asterisk-notes.md §6.
 */

export interface ConfVar {
  name: string;
  value: string;
  file: string;
  line: number;
}

export interface ConfSection {
  name: string;
  /** `(!)`: a template, never an object, skipped by every lookup by name. */
  template: boolean;
  vars: ConfVar[];
  file: string;
  line: number;
}

/** Something that makes Asterisk refuse the whole file (error) or that this reader cannot follow. */
export interface ConfProblem {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

export interface Conf {
  file: string;
  sections: ConfSection[];
  /** Every file read, the top one first, as named in the `#include` that read it. */
  files: string[];
  /** Every `#include`/`#tryinclude`, with the files it named that exist. */
  includes: { target: string; found: string[]; file: string; line: number }[];
  problems: ConfProblem[];
}

export interface ConfReader {
  /** A file's text, `undefined` when it does not exist. Relative paths are in the configuration directory. */
  read(path: string): string | undefined;
  /** The existing files a glob pattern names, sorted. */
  expand(pattern: string): string[];
}

/** Asterisk's `max_include_level` (main/config.c). */
const MAX_INCLUDE_LEVEL = 10;

interface State {
  conf: Conf;
  /** `cfg->current`: where an included file starts adding variables. */
  current: ConfSection | undefined;
}

/** Loads `file` and what it includes; `undefined` when `file` itself does not exist. */
export function readConf(file: string, reader: ConfReader): Conf | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const state: State = {
    conf: { file, sections: [], files: [], includes: [], problems: [] },
    current: undefined,
  };
  parseFile(file, text, reader, state, 1);
  return state.conf;
}

function parseFile(file: string, text: string, reader: ConfReader, state: State, level: number): void {
  state.conf.files.push(file);
  let section = state.current;
  for (const { line, text: content } of logicalLines(text)) {
    const at = { file, line };
    if (content.startsWith('[')) section = openSection(content, at, state);
    else if (content.startsWith('#')) include(content, at, reader, state, level);
    else if (section) addVariable(section, content, at);
    else problem(state, 'error', at, `"${content}" is outside any [section]: Asterisk refuses the file`);
  }
}

/** Lines without comments (`\;` is a literal `;`), trimmed, empty ones dropped. */
function* logicalLines(text: string): Generator<{ line: number; text: string }> {
  let depth = 0; // ;-- --; comments nest
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const stripped = stripComments(lines[i]!, depth);
    depth = stripped.depth;
    const trimmed = stripped.text.trim();
    if (trimmed !== '') yield { line: i + 1, text: trimmed };
  }
}

function stripComments(s: string, depth: number): { text: string; depth: number } {
  let out = '';
  let j = 0;
  while (j < s.length) {
    if (s.startsWith(';--', j) && s[j + 3] !== '-') {
      depth++;
      j += 3;
    } else if (depth > 0) {
      const end = s.startsWith('--;', j);
      if (end) depth--;
      j += end ? 3 : 1;
    } else if (s[j] === '\\' && s[j + 1] === ';') {
      out += ';';
      j += 2;
    } else if (s[j] === ';') {
      break;
    } else {
      out += s[j++];
    }
  }
  return { text: out, depth };
}

function openSection(content: string, at: Where, state: State): ConfSection | undefined {
  const m = /^\[([^\]]*)\](?:\(([^)]*)\))?/.exec(content);
  if (!m) {
    problem(state, 'error', at, `no closing ']' in "${content}": Asterisk refuses the file`);
    return undefined;
  }
  const options = m[2] === undefined ? [] : m[2].split(',').map((o) => o.trim());
  const name = m[1]!;
  if (options.some((o) => o.startsWith('+'))) {
    const existing = findSection(state.conf.sections, name);
    if (!existing) problem(state, 'error', at, `[${name}](+) adds to a section that does not exist`);
    else state.current = existing;
    return existing;
  }
  const section: ConfSection = { name, template: options.includes('!'), vars: [], ...at };
  for (const base of options.filter((o) => o !== '!' && o !== '')) {
    const from = findSection(state.conf.sections, base, true);
    if (from) section.vars.push(...from.vars);
    else problem(state, 'error', at, `[${name}] inherits from [${base}], which does not exist`);
  }
  state.conf.sections.push(section);
  state.current = section;
  return section;
}

function addVariable(section: ConfSection, content: string, at: Where): void {
  const eq = content.indexOf('=');
  if (eq <= 0) return; // Asterisk warns and skips it
  const append = content[eq - 1] === '+';
  const name = content.slice(0, append ? eq - 1 : eq).trim();
  const value = content.slice(content[eq + 1] === '>' ? eq + 2 : eq + 1).trim();
  const previous = append ? section.vars.filter((v) => v.name === name).pop() : undefined;
  if (previous) previous.value += value;
  else section.vars.push({ name, value, ...at });
}

function include(content: string, at: Where, reader: ConfReader, state: State, level: number): void {
  const m = /^#(\S+)\s*(.*)$/.exec(content);
  if (!m) return;
  const directive = m[1]!.toLowerCase();
  const target = m[2]!.replace(/^"(.*)"$/, '$1').replace(/^<(.*)>$/, '$1');
  if (directive === 'exec') {
    problem(state, 'warning', at, `#exec ${target} is not followed (it runs a program)`);
    return;
  }
  if ((directive !== 'include' && directive !== 'tryinclude') || target === '') return;
  if (level >= MAX_INCLUDE_LEVEL) {
    problem(state, 'error', at, `#include ${target} nests deeper than ${MAX_INCLUDE_LEVEL} files (a loop?)`);
    return;
  }
  const files = /[*?[{]/.test(target) ? reader.expand(target) : [target];
  const found: string[] = [];
  state.conf.includes.push({ target, found, ...at });
  for (const f of files) {
    const text = reader.read(f);
    if (text !== undefined) {
      found.push(f);
      parseFile(f, text, reader, state, level + 1);
    } else if (directive === 'include') {
      problem(
        state,
        'error',
        at,
        `#include ${f}: no such file, so Asterisk refuses ${state.conf.file} entirely`,
      );
    }
  }
}

type Where = { file: string; line: number };

function problem(state: State, severity: ConfProblem['severity'], at: Where, message: string): void {
  state.conf.problems.push({ severity, ...at, message });
}

function findSection(sections: ConfSection[], name: string, templates = false): ConfSection | undefined {
  const lower = name.toLowerCase();
  return sections.find((s) => s.name.toLowerCase() === lower && (templates || !s.template));
}

/** The section Asterisk's lookups by name find: the first non-template one (names are case-insensitive). */
export function section(conf: Conf | undefined, name: string): ConfSection | undefined {
  return conf && findSection(conf.sections, name);
}

/** Every non-template section of that name, in file order. */
export function sectionsNamed(conf: Conf | undefined, name: string): ConfSection[] {
  const lower = name.toLowerCase();
  return (conf?.sections ?? []).filter((s) => !s.template && s.name.toLowerCase() === lower);
}

/**
 * What `ast_variable_retrieve()` finds (res_pgsql.conf, cdr_pgsql.conf, modules.conf' autoload):
 * the first variable of that name, case-insensitive.
 */
export function retrieve(s: ConfSection | undefined, name: string): ConfVar | undefined {
  const lower = name.toLowerCase();
  return s?.vars.find((v) => v.name.toLowerCase() === lower);
}

/**
 * What an object ends up with when every line is applied in order (sorcery objects of pjsip.conf,
 * `ast_sorcery_objectset_apply()`; cdr.conf through the config options framework): the last.
 */
export function applied(s: ConfSection | undefined, name: string): ConfVar | undefined {
  const lower = name.toLowerCase();
  return s?.vars.findLast((v) => v.name.toLowerCase() === lower);
}

/** Non-template sections whose first `type` is `type`: how the config wizard's criteria choose objects. */
export function objectsOfType(conf: Conf | undefined, type: string): ConfSection[] {
  return (conf?.sections ?? []).filter((s) => !s.template && retrieve(s, 'type')?.value === type);
}

/** Asterisk's ast_true() / ast_false(); `undefined` for anything else. */
export function bool(v: string | undefined): boolean | undefined {
  const x = v?.toLowerCase();
  if (x === undefined) return undefined;
  if (['yes', 'true', 'y', 't', '1', 'on'].includes(x)) return true;
  if (['no', 'false', 'n', 'f', '0', 'off'].includes(x)) return false;
  return undefined;
}

/** `file:line`, for findings. */
export function where(at: Where): string {
  return `${at.file}:${at.line}`;
}
