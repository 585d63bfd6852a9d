/**
 * The AGI wire protocol as Asterisk's res_agi.c speaks it, without I/O: the `agi_*` header
 * block, command encoding with quoting, and reply parsing (`200 result=N (data)`, `100`,
 * `510`, `511`, `520` single- and multi-line). See docs/asterisk-notes.md for the sources.
 */
import { redactUrl } from '../shared/redact.js';

export interface AgiRequest {
  /** Every header as sent, without the `agi_` prefix (`network_script`, `uniqueid`, …). */
  env: Record<string, string>;
  /** The script path of an agi:// URL, e.g. `route` for agi://host/route?did=1. */
  script: string;
  /** Query-string parameters of the URL. */
  query: URLSearchParams;
  /** `agi_arg_1` … in order. */
  args: string[];
}

export class AgiProtocolError extends Error {
  override name = 'AgiProtocolError';
}

/** Parses one header line (`agi_uniqueid: 1795.12`); undefined for a line that is not one. */
export function parseHeaderLine(line: string): [string, string] | undefined {
  // With `s` the value is everything after the colon, also CR, U+2028 and U+2029, where a plain
  // `.` stops: a caller's name (agi_calleridname) may carry them, and one odd name must not cost
  // the call its routing (found by test/fuzz-agi.test.ts).
  const m = /^agi_([a-z0-9_]+):\s?(.*)$/s.exec(line);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** Builds the request from the header lines received before the blank line. */
export function parseHeader(lines: string[]): AgiRequest {
  const env: Record<string, string> = {};
  for (const line of lines) {
    const kv = parseHeaderLine(line);
    if (!kv) {
      // Logged by the server: a mangled agi_request line may still carry a secret.
      throw new AgiProtocolError(`not an AGI header line: ${JSON.stringify(redactUrl(line.slice(0, 80)))}`);
    }
    env[kv[0]] = kv[1];
  }
  const networkScript = env.network_script ?? '';
  const q = networkScript.indexOf('?');
  const script = (q < 0 ? networkScript : networkScript.slice(0, q)).replace(/^\/+|\/+$/g, '');
  const query = new URLSearchParams(q < 0 ? '' : networkScript.slice(q + 1));
  const args: string[] = [];
  for (let i = 1; env[`arg_${i}`] !== undefined; i++) args.push(env[`arg_${i}`]!);
  return { env, script, query, args };
}

export interface AgiReply {
  code: number;
  /** The `result=` value (e.g. "1", "0", "-1"); empty for error replies. */
  result: string;
  /** The text in parentheses after the result, if any. */
  data: string | undefined;
  /** Everything after the code, for error replies (510/511/520 text). */
  text: string;
}

/**
 * Parses a complete reply. For `520-` usage replies pass every line up to and including the
 * closing `520 End of proper usage.`.
 */
export function parseReply(lines: string[]): AgiReply {
  const first = lines[0] ?? '';
  const m = /^(\d{3})[ -](.*)$/.exec(first);
  if (!m) throw new AgiProtocolError(`not an AGI reply: ${JSON.stringify(first.slice(0, 80))}`);
  const code = Number(m[1]);
  const rest = m[2]!;
  if (code === 200 || code === 100) {
    const r = /^result=(\S*)(?:\s+\((.*)\))?(?:\s+(.*))?$/s.exec(rest);
    if (!r) throw new AgiProtocolError(`malformed ${code} reply: ${JSON.stringify(first.slice(0, 80))}`);
    return { code, result: r[1]!, data: r[2], text: rest };
  }
  return { code, result: '', data: undefined, text: lines.length > 1 ? lines.join('\n') : rest };
}

/** True when `line` starts a multi-line `520-` reply (more lines follow until `520 …`). */
export const isMultilineStart = (line: string): boolean => /^520-/.test(line);
/** True when `line` ends a multi-line reply. */
export const isMultilineEnd = (line: string): boolean => /^520 /.test(line);

/**
 * Quotes an argument the way res_agi's parser reads it: inside double quotes, with `"` and
 * `\` escaped. Line breaks cannot travel in an AGI command and are replaced by spaces.
 */
export function quote(value: string): string {
  return `"${value
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')}"`;
}

/** Variable names Asterisk accepts; anything else would let a value inject a command. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_()]*$/;

export function setVariable(name: string, value: string | number): string {
  if (!VARIABLE_NAME.test(name)) throw new AgiProtocolError(`bad variable name ${JSON.stringify(name)}`);
  return `SET VARIABLE ${name} ${quote(String(value))}`;
}

/**
 * Sets several channel variables with one command, through the dialplan application MSet
 * (main/pbx_variables.c): one round trip instead of one per variable. MSet splits its
 * argument on commas, so values must not contain one (nor quotes, backslashes or line breaks).
 */
export function setVariables(vars: Record<string, string | number>): string {
  const pairs = Object.entries(vars).map(([name, value]) => {
    const v = String(value);
    // A variable, or a dialplan function such as CALLERID(num).
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\([A-Za-z0-9_-]*\))?$/.test(name)) {
      throw new AgiProtocolError(`bad variable name ${JSON.stringify(name)}`);
    }
    if (/[,"\\\r\n]/.test(v))
      throw new AgiProtocolError(`MSet cannot carry ${JSON.stringify(v)}; use setVariable`);
    return `${name}=${v}`;
  });
  return `EXEC MSet ${quote(pairs.join(','))}`;
}

export function getVariable(name: string): string {
  if (!VARIABLE_NAME.test(name)) throw new AgiProtocolError(`bad variable name ${JSON.stringify(name)}`);
  return `GET VARIABLE ${name}`;
}

export function verbose(message: string, level = 1): string {
  return `VERBOSE ${quote(message)} ${level}`;
}
