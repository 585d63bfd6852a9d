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

/** A link's counters as a release left them. */
export interface LinkCountersRow {
  current_total_calls: number;
  total_calls_allowed: number | null;
  hour_count: number;
  day_count: number;
  month_count: number;
  hourly_cap: number | null;
  daily_cap: number | null;
  monthly_cap: number | null;
}

export interface LinkAfterRelease {
  current_total_calls: number;
  total_calls_allowed: number | null;
  /** Per window cap: its count when the cap is full, else -1. */
  counts: Record<string, number>;
}

/** Which of a link's caps a release left full. */
export function linkAfterRelease(row: LinkCountersRow): LinkAfterRelease {
  const fullCount = (count: number, cap: number | null) => (cap !== null && count >= cap ? count : -1);
  return {
    current_total_calls: row.current_total_calls,
    total_calls_allowed: row.total_calls_allowed,
    counts: {
      hourly_cap: fullCount(row.hour_count, row.hourly_cap),
      daily_cap: fullCount(row.day_count, row.daily_cap),
      monthly_cap: fullCount(row.month_count, row.monthly_cap),
    },
  };
}

/** RETURNING list of a link release (the LinkCountersRow fields). */
export const LINK_COUNTERS = `t.current_total_calls, t.total_calls_allowed, t.hour_count, t.day_count, t.month_count,
  t.hourly_cap, t.daily_cap, t.monthly_cap`;

/** RETURNING expression: the campaign caps a release left full. */
export const CAMPAIGN_FULL = `array_remove(ARRAY[
  CASE WHEN t.hourly_cap IS NOT NULL AND t.hour_count >= t.hourly_cap THEN 'hourly_cap' END,
  CASE WHEN t.daily_cap IS NOT NULL AND t.day_count >= t.daily_cap THEN 'daily_cap' END,
  CASE WHEN t.monthly_cap IS NOT NULL AND t.month_count >= t.monthly_cap THEN 'monthly_cap' END], NULL)`;
