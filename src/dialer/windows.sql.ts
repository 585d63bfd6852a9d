/**
 * The calling-window rule of windows.ts as a SQL boolean, for the WHERE clause of the dialer's claim
 * statement: in every zone of the lead's time_zones (or the campaign's unknown_tz_zone when it has
 * none; neither: false), the local time `now AT TIME ZONE zone` lies in the lead's region window
 * (dialer_region_windows, else the defaults) and in the campaign's [call_start, call_end) on an ISO
 * weekday in call_days. AT TIME ZONE reads the tz database, so DST is PostgreSQL's to get right.
 *
 * A condition that is NULL (a NULL default, a NULL in call_days) counts as closed. A zone name
 * PostgreSQL does not know makes the statement fail: leads and campaigns take zones checked by
 * src/shared/timezones.ts#ianaZone.
 */

export interface WindowOpenSqlOptions {
  /** Alias of the dialer_leads row. */
  lead: string;
  /** Alias of the dialer_campaigns row. */
  campaign: string;
  /** The instant, an SQL expression of type timestamptz (e.g. `$3`). */
  now: string;
  /** The default window, SQL expressions of type time (e.g. `$4::time`). */
  defaultStart: string;
  defaultEnd: string;
}

const ALIAS = /^[a-z_][a-z0-9_]*$/;

/** The boolean expression (parenthesised); the aliases inside start with `dw_` to stay apart. */
export function windowOpenSql(o: WindowOpenSqlOptions): string {
  if (!ALIAS.test(o.lead) || !ALIAS.test(o.campaign))
    throw new Error('windowOpenSql: aliases are identifiers');
  const { lead: l, campaign: c } = o;
  const zones = `CASE WHEN cardinality(${l}.time_zones) > 0 THEN ${l}.time_zones ELSE ARRAY[${c}.unknown_tz_zone] END`;
  return `(
  (cardinality(${l}.time_zones) > 0 OR ${c}.unknown_tz_zone IS NOT NULL)
  AND NOT EXISTS (
    SELECT 1
      FROM unnest(${zones}) AS dw_zone(name)
      CROSS JOIN LATERAL (SELECT (${o.now})::timestamptz AT TIME ZONE dw_zone.name AS at) AS dw_local
      LEFT JOIN dialer_region_windows dw_rw ON dw_rw.country = ${l}.country AND dw_rw.region = ${l}.region
     WHERE (extract(isodow FROM dw_local.at)::smallint = ANY (${c}.call_days)
            AND dw_local.at::time >= ${c}.call_start AND dw_local.at::time < ${c}.call_end
            AND dw_local.at::time >= coalesce(dw_rw.window_start, (${o.defaultStart})::time)
            AND dw_local.at::time < coalesce(dw_rw.window_end, (${o.defaultEnd})::time)) IS NOT TRUE
  )
)`;
}
