/**
 * The caps, as SQL. Each cap is a limit column and the expression of what counts against it;
 * the same definitions build the atomic conditional UPDATE that takes a slot and the query
 * that explains afterwards which cap said no. Counting rules: see migrations/0003_routing.sql.
 *
 * Window expressions assume `t` is the counted row and `w` has the current window starts
 * (`w.hour`, `w.day`, `w.month`) computed in the campaign's time zone.
 */
export interface CapDef {
  name: string;
  limit: string;
  used: string;
}

const inWindow = (unit: 'hour' | 'day' | 'month') =>
  `(CASE WHEN t.${unit}_start = w.${unit} THEN t.${unit}_count ELSE 0 END)`;

const WINDOW_CAPS: CapDef[] = [
  { name: 'hourly_cap', limit: 't.hourly_cap', used: inWindow('hour') },
  { name: 'daily_cap', limit: 't.daily_cap', used: inWindow('day') },
  { name: 'monthly_cap', limit: 't.monthly_cap', used: inWindow('month') },
];

export const LINK_CAPS: CapDef[] = [
  { name: 'max_concurrency', limit: 't.max_concurrency', used: 't.in_flight' },
  {
    name: 'total_calls_allowed',
    limit: 't.total_calls_allowed',
    used: '(t.current_total_calls + t.in_flight)',
  },
  ...WINDOW_CAPS,
];

export const CAMPAIGN_CAPS: CapDef[] = [
  { name: 'max_concurrency', limit: 't.max_concurrency', used: 't.in_flight' },
  ...WINDOW_CAPS,
];

/** `(limit IS NULL OR used < limit) AND …`: room for one more call under every cap. */
export function underCaps(caps: CapDef[]): string {
  return caps.map((c) => `(${c.limit} IS NULL OR ${c.used} < ${c.limit})`).join(' AND ');
}

/** A JSON array of {cap, limit, used} for every cap, to say which one is full. */
export function capUsage(caps: CapDef[]): string {
  return `json_build_array(${caps
    .map((c) => `json_build_object('cap', '${c.name}', 'limit', ${c.limit}, 'used', ${c.used})`)
    .join(', ')})`;
}

/** Window starts of `$now` in time zone `tz` (SQL expressions), as a FROM item `w`. */
export function windowsFrom(now: string, tz: string): string {
  return `(SELECT date_trunc('hour', ${now}::timestamptz, ${tz}) AS hour,
                  date_trunc('day', ${now}::timestamptz, ${tz}) AS day,
                  date_trunc('month', ${now}::timestamptz, ${tz}) AS month) w`;
}

/** SET items that count one more call in the current windows. */
export const TAKE_SLOT = `in_flight = t.in_flight + 1,
  hour_start = w.hour, hour_count = ${inWindow('hour')} + 1,
  day_start = w.day, day_count = ${inWindow('day')} + 1,
  month_start = w.month, month_count = ${inWindow('month')} + 1`;

/**
 * SET items that end one call: it leaves in_flight, and unless it converted it gives back
 * the window slots it took (only while the row still counts that window). Parameters:
 * the converted flag and the call's hour/day/month window starts.
 */
export function releaseSlot(converted: string, hour: string, day: string, month: string): string {
  const giveBack = (unit: string, start: string) =>
    `${unit}_count = t.${unit}_count - CASE WHEN NOT ${converted} AND t.${unit}_start = ${start}::timestamptz THEN 1 ELSE 0 END`;
  return `in_flight = t.in_flight - 1, ${giveBack('hour', hour)}, ${giveBack('day', day)}, ${giveBack('month', month)}`;
}
