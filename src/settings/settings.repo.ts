import { many, type Queryable } from '../db/db.js';
import type { SettingValue } from './settings.catalog.js';

/** SQL of the settings table (one row per setting changed from its default). */
export function createSettingsRepo(db: Queryable) {
  return {
    /** Every stored setting, with when it last changed. */
    all(): Promise<{ key: string; value: SettingValue; updated_at: Date }[]> {
      return many<{ key: string; value: SettingValue; updated_at: Date }>(
        db,
        'SELECT key, value, updated_at FROM settings',
      );
    },

    /** Every stored setting's value (what the cache holds). */
    values(): Promise<{ key: string; value: SettingValue }[]> {
      return many<{ key: string; value: SettingValue }>(db, 'SELECT key, value FROM settings');
    },

    async upsert(key: string, value: SettingValue, at: Date, by: number): Promise<void> {
      await db.query(
        `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at,
         updated_by = EXCLUDED.updated_by`,
        [key, JSON.stringify(value), at, by],
      );
    },
  };
}
