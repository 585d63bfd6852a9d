import { many, one, type Queryable } from '../db/db.js';
import type { SettingValue } from './settings.catalog.js';

/** SQL of the settings table (one row per setting changed from its default). */
export function createSettingsRepo(db: Queryable) {
  return {
    /** Every stored setting, with when it last changed and its version. */
    all(): Promise<{ key: string; value: SettingValue; updated_at: Date; version: number }[]> {
      return many<{ key: string; value: SettingValue; updated_at: Date; version: number }>(
        db,
        'SELECT key, value, updated_at, version FROM settings',
      );
    },

    /** Every stored setting's value (what the cache holds). */
    values(): Promise<{ key: string; value: SettingValue }[]> {
      return many<{ key: string; value: SettingValue }>(db, 'SELECT key, value FROM settings');
    },

    /**
     * A person's change, only if the setting is still at `expected` (any version when undefined):
     * version 0 is a setting never changed (no row), which this inserts at 1; a stored one is
     * updated with its version bumped. One statement; the new version, or undefined when refused.
     */
    async upsert(
      key: string,
      value: SettingValue,
      at: Date,
      by: number,
      expected?: number,
    ): Promise<number | undefined> {
      const row = await one<{ version: number }>(
        db,
        `INSERT INTO settings (key, value, updated_at, updated_by, version)
         SELECT $1, $2::jsonb, $3, $4, 1
          WHERE $5::int IS NULL OR $5 = 0 OR EXISTS (SELECT 1 FROM settings WHERE key = $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
           updated_by = EXCLUDED.updated_by, version = settings.version + 1
          WHERE $5::int IS NULL OR settings.version = $5
         RETURNING version`,
        [key, JSON.stringify(value), at, by, expected ?? null],
      );
      return row?.version;
    },

    /** The setting's version now: 0 when it was never changed. */
    async version(key: string): Promise<number> {
      return (
        (await one<{ version: number }>(db, 'SELECT version FROM settings WHERE key = $1', [key]))?.version ??
        0
      );
    },
  };
}
