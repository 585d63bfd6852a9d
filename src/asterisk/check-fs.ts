/**
 * Where the texts of `asterisk-config --check` come from: an Asterisk configuration directory
 * (e.g. /etc/asterisk) read the way Asterisk resolves paths — relative to that directory,
 * absolute paths as they are — or texts in memory (tests, generated files).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { readConfs } from './check.js';
import type { ConfReader } from './conf.js';
import type { Confs } from './findings.js';

function missing(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** Reads files of `dir`; only a file that is not there reads as undefined, other errors throw. */
export function fsReader(dir: string): ConfReader {
  const resolve = (path: string) => (isAbsolute(path) ? path : join(dir, path));
  return {
    read(path) {
      try {
        return readFileSync(resolve(path), 'utf8');
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    expand(pattern) {
      const re = globPattern(basename(pattern));
      try {
        return readdirSync(resolve(dirname(pattern)))
          .filter((name) => re.test(name))
          .sort()
          .map((name) => join(dirname(pattern), name));
      } catch (err) {
        if (missing(err)) return [];
        throw err;
      }
    },
  };
}

/** Every file the check reads, parsed with what it includes; a file that does not exist is absent. */
export function readConfigDir(dir: string): Confs {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    if (!missing(err)) throw err;
  }
  if (!isDir)
    throw new Error(
      `--check ${dir}: not a directory (give the Asterisk configuration directory, e.g. /etc/asterisk)`,
    );
  return readConfs(fsReader(dir));
}

/** A glob pattern's last part (`*`, `?`, `[...]`) as a regular expression, as glob(3) matches a file name. */
export function globPattern(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^$()|\\{}]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${source}$`);
}

/** A reader over texts in memory (tests, and checking what asterisk-config generates). */
export function memoryReader(files: Record<string, string>): ConfReader {
  return {
    read: (path) => files[path],
    expand: (pattern) => {
      const re = globPattern(pattern);
      return Object.keys(files)
        .filter((f) => re.test(f))
        .sort();
    },
  };
}
