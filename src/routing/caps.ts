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

/**
 * What counts in the current window. A row's window never moves back: when a node's clock is
 * behind the row's (two nodes at the top of the hour), the call counts in the row's newer window,
 * so one window can never be counted twice.
 */
const inWindow = (unit: 'hour' | 'day' | 'month') =>
  `(CASE WHEN t.${unit}_start >= w.${unit} THEN t.${unit}_count ELSE 0 END)`;

/** The window a slot taken now counts in (see inWindow): never earlier than the row's. */
export const slotWindow = (unit: 'hour' | 'day' | 'month') => `greatest(t.${unit}_start, w.${unit})`;

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
  return `(${caps.map((c) => `(${c.limit} IS NULL OR ${c.used} < ${c.limit})`).join('\n        AND ')})`;
}

/** The starts of the windows `now` (a timestamptz expression) falls in, in time zone `tz`: select items hour, day, month. */
export function windowStarts(now: string, tz: string): string {
  return `date_trunc('hour', ${now}, ${tz}) AS hour, date_trunc('day', ${now}, ${tz}) AS day,
           date_trunc('month', ${now}, ${tz}) AS month`;
}

/** SET items that count one more call in flight and in the current windows (`w`). */
export const TAKE_SLOT = `in_flight = t.in_flight + 1,
  hour_start = ${slotWindow('hour')}, hour_count = ${inWindow('hour')} + 1,
  day_start = ${slotWindow('day')}, day_count = ${inWindow('day')} + 1,
  month_start = ${slotWindow('month')}, month_count = ${inWindow('month')} + 1`;

/**
 * SET items that settle one call's slot on a row. `held`: the call still holds the slot (it
 * leaves in_flight). `converted`: the call counts for good. A window count changes only while
 * the row still counts the call's window: a held call that did not convert gives its slot back
 * (-1), a call already released (expired) that turns out converted takes it again (+1).
 * Every release of a call's slots — failover, hangup, expiry, a late hangup — is this fragment.
 */
export function settleSlot(
  held: string,
  converted: string,
  hour: string,
  day: string,
  month: string,
): string {
  const delta = `(CASE WHEN ${converted} THEN 1 ELSE 0 END - CASE WHEN ${held} THEN 1 ELSE 0 END)`;
  const count = (unit: string, start: string) =>
    `${unit}_count = t.${unit}_count + CASE WHEN t.${unit}_start = ${start}::timestamptz THEN ${delta} ELSE 0 END`;
  return `in_flight = t.in_flight - CASE WHEN ${held} THEN 1 ELSE 0 END, ${count('hour', hour)}, ${count('day', day)}, ${count('month', month)}`;
}

/** RETURNING list of a link release (the LinkCountersRow fields). */
export const LINK_COUNTERS = `t.current_total_calls, t.total_calls_allowed, t.hour_count, t.day_count, t.month_count,
  t.hourly_cap, t.daily_cap, t.monthly_cap`;

/** RETURNING expression: the campaign caps a release left full. */
export const CAMPAIGN_FULL = `array_remove(ARRAY[
  CASE WHEN t.hourly_cap IS NOT NULL AND t.hour_count >= t.hourly_cap THEN 'hourly_cap' END,
  CASE WHEN t.daily_cap IS NOT NULL AND t.day_count >= t.daily_cap THEN 'daily_cap' END,
  CASE WHEN t.monthly_cap IS NOT NULL AND t.month_count >= t.monthly_cap THEN 'monthly_cap' END], NULL)`;

/** A JSON array of {cap, limit, used} for the caps of `caps` that are full (for the decision trace). */
export function fullCapsJson(caps: CapDef[]): string {
  return `to_jsonb(array_remove(ARRAY[${caps
    .map(
      (c) =>
        `\n        CASE WHEN ${c.limit} IS NOT NULL AND ${c.used} >= ${c.limit} THEN jsonb_build_object('cap', '${c.name}', 'limit', ${c.limit}, 'used', ${c.used}) END`,
    )
    .join(',')}], NULL))`;
}
