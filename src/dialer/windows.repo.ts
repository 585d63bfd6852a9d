import { many, one, type Queryable } from '../db/db.js';

/** A region's own calling window, in the lead's local time ('HH:MM'). */
export interface RegionWindow {
  country: string;
  region: string;
  window_start: string;
  window_end: string;
}

const SELECT = `SELECT country, region, to_char(window_start, 'HH24:MI') AS window_start,
  to_char(window_end, 'HH24:MI') AS window_end`;

/** Per-region calling windows (dialer_region_windows). */
export function createWindowsRepo(db: Queryable) {
  return {
    list(): Promise<RegionWindow[]> {
      return many(db, `${SELECT} FROM dialer_region_windows ORDER BY country, region`);
    },

    async upsert(w: RegionWindow): Promise<RegionWindow> {
      const row = await one<RegionWindow>(
        db,
        `INSERT INTO dialer_region_windows (country, region, window_start, window_end)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (country, region) DO UPDATE
            SET window_start = excluded.window_start, window_end = excluded.window_end
         RETURNING country, region, to_char(window_start, 'HH24:MI') AS window_start,
                   to_char(window_end, 'HH24:MI') AS window_end`,
        [w.country, w.region, w.window_start, w.window_end],
      );
      return row!;
    },

    /** True when a row was deleted. */
    async delete(country: string, region: string): Promise<boolean> {
      const res = await db.query(
        'DELETE FROM dialer_region_windows WHERE country = $1 AND region = $2 RETURNING region',
        [country, region],
      );
      return res.rows.length > 0;
    },
  };
}

export type WindowsRepo = ReturnType<typeof createWindowsRepo>;
