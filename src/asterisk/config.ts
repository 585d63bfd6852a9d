/**
 * What an unmodified Asterisk 20/22 needs to work with CapConduit, generated from settings
 * (`capconduit asterisk-config --out DIR`): the dialplan (`dialplan.ts`), the realtime and CDR
 * files (`realtime.ts`) and ARI's (`ari.ts`). Pure: options in, file texts out.
 */
import { ariConf, httpConf, type AriOptions, type HttpOptions } from './ari.js';
import { extensionsConf, type Fallback } from './dialplan.js';
import { cdrConf, cdrPgsqlConf, extconfigConf, resPgsqlConf, sorceryConf } from './realtime.js';

export { parseFallback, CONTEXTS, type Fallback } from './dialplan.js';

export interface AsteriskConfigOptions {
  /** This PBX's name, sent with every request (Asterisk's uniqueids repeat across PBXs). */
  pbx: string;
  /** FastAGI servers as host:port, tried in order when one cannot be reached. */
  agi: string[];
  onUnavailable: Fallback;
  /** What a caller hears when CapConduit rejects the call (caps reached, closed, …). */
  onReject: Fallback;
  database: { host: string; port: number; name: string; user: string; password: string } | undefined;
  /** The ARI user CapConduit logs in as, and the Stasis application agents' calls go to. */
  ari: AriOptions;
  /** Where Asterisk's HTTP server (ARI) listens. */
  http: HttpOptions;
}

/** The generated dialplan's file name, which extensions.conf must #include. */
export const DIALPLAN_FILE = 'extensions_capconduit.conf';

/** A PBX name as the dialplan sends it (`--pbx`); throws for one it could not carry. */
export function pbxName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) {
    throw new Error(`--pbx "${name}": use 1-40 letters, digits, _ . or -`);
  }
  return name;
}

/** Every generated file, by name. */
export function asteriskConfig(o: AsteriskConfigOptions): Record<string, string> {
  return {
    [DIALPLAN_FILE]: extensionsConf(o),
    'res_pgsql.conf': resPgsqlConf(o),
    'extconfig.conf': extconfigConf(),
    'sorcery.conf': sorceryConf(),
    'cdr_pgsql.conf': cdrPgsqlConf(o),
    'cdr.conf': cdrConf(),
    'ari.conf': ariConf(o),
    'http.conf': httpConf(o),
  };
}

/** Generated files that hold a password: written readable by their owner only. */
export const SECRET_FILES: readonly string[] = ['res_pgsql.conf', 'cdr_pgsql.conf', 'ari.conf'];

/** Database connection fields for the generated files, from a postgres:// URL. */
export function databaseFromUrl(url: string | undefined): AsteriskConfigOptions['database'] {
  if (url === undefined) return undefined;
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    name: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}
