import { isIP } from 'node:net';

/**
 * Configuration, parsed once at start from the environment and validated. Only the entry
 * point calls `loadConfig(process.env)`; everything else receives a `Config` object.
 */
export const ROLES = ['api', 'agi', 'worker', 'ari'] as const;
export type ProcessRole = (typeof ROLES)[number];

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Seed demo data on first start. Default: on for the embedded database, off for a server. */
  demo: boolean;
  sessionTtlHours: number;
  cookieSecure: boolean;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  loginAddressMaxFailures: number;
  metricsToken: string | undefined;
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  /** Region assumed for numbers typed without a country code (ISO 3166 alpha-2). */
  defaultPhoneRegion: string;
  agiHost: string;
  agiPort: number;
  /** PBX addresses / CIDR ranges allowed to connect to the FastAGI port; empty = any that can reach it. */
  agiAllow: string[];
  /** `AGI_ALLOW=any`: serve every host beyond loopback, said out loud (see `checkAgiExposure`). */
  agiAllowAny: boolean;
  /** Shared secret for /api/internal/* (X-Internal-API-Token); unset = those routes are off. */
  internalApiToken: string | undefined;
  /** CID_API_TOKEN: the dialer's caller-ID API token (/next-cid needs it when set; /add-number always). */
  callerIdApiToken: string | undefined;
  /** How often the worker expires abandoned reservations and reconciles with Asterisk's CDRs. */
  sweepIntervalMs: number;
  /** How often the dialer runs a pacing round of each campaign (DIALER_INTERVAL_MS). */
  dialerIntervalMs: number;
  routingCacheMs: number;
  reconcileIntervalMs: number;
  /**
   * ARI_LEASE_MS: how long a process's hold on an Asterisk server's event connection lasts
   * without renewal; another process takes the server over within about this long of its death.
   */
  ariLeaseMs: number;
  /** CAPCONDUIT_SECRET_KEY: the key that seals stored secrets (ARI passwords); else one in DATA_DIR. */
  secretKey: Buffer | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function databaseUrl(env: Env): string | undefined {
  const raw = read(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:5432/db)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `must start with postgres:// or postgresql://, got ${url.protocol}//`,
    );
  }
  return raw;
}

function email(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && !/^[^\s@]+@[^\s@]+$/.test(raw))
    throw new ConfigError(name, `"${raw}" is not an e-mail address`);
  return raw?.toLowerCase();
}

function list(env: Env, name: string): string[] {
  const raw = read(env, name);
  if (raw === undefined) return [];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    const [addr, bits] = item.split('/');
    if (isIP(addr ?? '') === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
      throw new ConfigError(name, `"${item}" is not an IP address or CIDR range`);
    }
  }
  return items;
}

/** `AGI_ALLOW`: a list of addresses / CIDR ranges, or the single word `any`. */
function agiAllow(env: Env): { agiAllow: string[]; agiAllowAny: boolean } {
  const raw = read(env, 'AGI_ALLOW');
  if (raw?.toLowerCase() === 'any') return { agiAllow: [], agiAllowAny: true };
  if (raw !== undefined && /(^|,)\s*any\s*(,|$)/i.test(raw)) {
    throw new ConfigError('AGI_ALLOW', '"any" cannot be combined with addresses: use one or the other');
  }
  return { agiAllow: list(env, 'AGI_ALLOW'), agiAllowAny: false };
}

function secret(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw !== undefined && raw.length < 16) throw new ConfigError(name, 'must be at least 16 characters');
  return raw;
}

/** CAPCONDUIT_SECRET_KEY: 32 bytes, base64 (`openssl rand -base64 32`). */
function secretKey(env: Env): Buffer | undefined {
  const raw = read(env, 'CAPCONDUIT_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (!/^[A-Za-z0-9+/=_-]+$/.test(raw) || key.length !== 32) {
    throw new ConfigError(
      'CAPCONDUIT_SECRET_KEY',
      'must be 32 bytes in base64 (e.g. the output of openssl rand -base64 32)',
    );
  }
  return key;
}

function region(env: Env): string {
  const raw = read(env, 'DEFAULT_PHONE_REGION')?.toUpperCase() ?? 'US';
  if (!/^[A-Z]{2}$/.test(raw))
    throw new ConfigError('DEFAULT_PHONE_REGION', `must be a two-letter country code, got "${raw}"`);
  return raw;
}

export function loadConfig(env: Env): Config {
  const dbUrl = databaseUrl(env);
  const adminPassword = read(env, 'CAPCONDUIT_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('CAPCONDUIT_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  return {
    host: read(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 8080, 0, 65535),
    dataDir: read(env, 'DATA_DIR') ?? './data',
    databaseUrl: dbUrl,
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    adminEmail: email(env, 'CAPCONDUIT_ADMIN_EMAIL'),
    adminPassword,
    demo: bool(env, 'CAPCONDUIT_DEMO', dbUrl === undefined),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 90),
    cookieSecure: bool(env, 'COOKIE_SECURE', false),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginLockoutSeconds: int(env, 'LOGIN_LOCKOUT_SECONDS', 900, 1, 86_400),
    loginAddressMaxFailures: int(env, 'LOGIN_ADDRESS_MAX_FAILURES', 20, 1, 100_000),
    metricsToken: read(env, 'METRICS_TOKEN'),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    defaultPhoneRegion: region(env),
    agiHost: read(env, 'AGI_HOST') ?? '127.0.0.1',
    agiPort: int(env, 'AGI_PORT', 4573, 0, 65535),
    ...agiAllow(env),
    internalApiToken: secret(env, 'INTERNAL_API_TOKEN'),
    callerIdApiToken: secret(env, 'CID_API_TOKEN'),
    sweepIntervalMs: int(env, 'SWEEP_INTERVAL_MS', 15_000, 100, 3_600_000),
    dialerIntervalMs: int(env, 'DIALER_INTERVAL_MS', 1000, 100, 60_000),
    routingCacheMs: int(env, 'ROUTING_CACHE_MS', 1000, 0, 60_000),
    reconcileIntervalMs: int(env, 'RECONCILE_INTERVAL_MS', 60_000, 100, 3_600_000),
    ariLeaseMs: int(env, 'ARI_LEASE_MS', 15_000, 1000, 300_000),
    secretKey: secretKey(env),
  };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * SPEC: the FastAGI port is for the PBX network only. Whoever reaches it can route calls (and
 * spend sellers' balances), so listening beyond loopback with no allow-list is refused unless
 * `AGI_ALLOW=any` says it is meant (say, a firewall in front does the filtering).
 */
export function checkAgiExposure(config: Pick<Config, 'agiHost' | 'agiAllow' | 'agiAllowAny'>): void {
  if (config.agiAllowAny || config.agiAllow.length > 0 || isLoopback(config.agiHost)) return;
  throw new ConfigError(
    'AGI_ALLOW',
    `is empty while AGI_HOST=${config.agiHost} serves FastAGI beyond loopback, so any host could route calls: ` +
      "set AGI_ALLOW to the PBXs' addresses or CIDR ranges (e.g. 10.0.0.0/24,192.0.2.7), " +
      'AGI_ALLOW=any to accept every host on purpose, or AGI_HOST=127.0.0.1',
  );
}

/** Parses `--roles api,agi`; every name must be a role this build has. */
export function parseRoles(spec: string | undefined): ProcessRole[] {
  if (spec === undefined || spec.trim() === '') return [...ROLES];
  const names = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(ROLES as readonly string[]).includes(n)) {
      throw new ConfigError('--roles', `unknown role "${n}" (available: ${ROLES.join(', ')})`);
    }
  }
  return [...new Set(names)] as ProcessRole[];
}
