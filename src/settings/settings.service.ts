import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound, staleVersion } from '../shared/errors.js';
import { toMoney } from '../shared/money.js';
import type { Actor } from '../shared/types.js';
import {
  SETTINGS,
  isSettingKey,
  type SettingKey,
  type SettingSpec,
  type SettingValue,
} from './settings.catalog.js';
import { createSettingsRepo } from './settings.repo.js';

export interface SettingView {
  key: SettingKey;
  type: SettingSpec['type'];
  value: SettingValue;
  default: SettingValue;
  label: string;
  description: string;
  min?: number;
  max?: number;
  updated_at: Date | null;
  /** Bumped by every change; 0 while the setting was never changed (src/shared/versions.ts). */
  version: number;
}

/** Checks a value against its spec and returns its stored form. */
export function coerceSetting(key: SettingKey, value: unknown): SettingValue {
  const spec: SettingSpec = SETTINGS[key];
  const fail = (why: string) => new AppError('validation_failed', `${key} ${why}`, { details: { key } });
  switch (spec.type) {
    case 'decimal': {
      if (typeof value !== 'string' && typeof value !== 'number') throw fail('must be a decimal amount');
      const money = toMoney(value, 4);
      const n = Number(money);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw fail(`must be between ${spec.min} and ${spec.max}`);
      }
      return money;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw fail('must be a whole number');
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw fail(`must be between ${spec.min} and ${spec.max}`);
      }
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('must be true or false');
      return value;
    case 'string':
      if (typeof value !== 'string') throw fail('must be a string');
      if (spec.pattern && !spec.pattern.regex.test(value)) throw fail(spec.pattern.says);
      return value;
  }
}

/**
 * Settings are read on every call, so values are cached for `cacheMs` (default 5 s): a change
 * made through another process takes effect within that time; one made here, at once.
 */
export function createSettingsService(deps: { db: Db; clock: Clock; cacheMs?: number }) {
  const cacheMs = deps.cacheMs ?? 5000;
  const repo = createSettingsRepo(deps.db);
  let cache: { at: number; values: Map<string, SettingValue> } | undefined;
  async function list(): Promise<SettingView[]> {
    const rows = await repo.all();
    const stored = new Map(rows.map((r) => [r.key, r]));
    return (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
      const spec: SettingSpec = SETTINGS[key];
      const row = stored.get(key);
      return {
        key,
        type: spec.type,
        value: row?.value ?? spec.default,
        default: spec.default,
        label: spec.label,
        description: spec.description,
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        updated_at: row?.updated_at ?? null,
        version: row?.version ?? 0,
      };
    });
  }

  async function get(key: string): Promise<SettingView> {
    if (!isSettingKey(key)) throw notFound('setting', key);
    const view = (await list()).find((s) => s.key === key);
    return view!;
  }

  /** A person's change; with `expected`, refused (412) unless the setting is still at that version. */
  async function set(actor: Actor, key: string, value: unknown, expected?: number): Promise<SettingView> {
    if (!isSettingKey(key)) throw notFound('setting', key);
    const stored = coerceSetting(key, value);
    const written = await repo.upsert(key, stored, deps.clock.now(), actor.id, expected);
    if (written === undefined) throw staleVersion('setting', await repo.version(key), expected ?? 0);
    cache = undefined;
    return get(key);
  }

  /** The current value of one setting (for other services), from the cache. */
  async function value<K extends SettingKey>(key: K): Promise<SettingValue> {
    const now = Date.now();
    if (!cache || now - cache.at > cacheMs) {
      const rows = await repo.values();
      cache = { at: now, values: new Map(rows.map((r) => [r.key, r.value])) };
    }
    return cache.values.get(key) ?? SETTINGS[key].default;
  }

  return { list, get, set, value };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
