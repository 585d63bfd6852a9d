/**
 * The cap notices of a call's end (part of call-end.sql.ts#endCallStatement, which reads `st`,
 * `rc` and `rl`): the caps the call filled, once per cap and window (`cap_notices`), and the
 * notifications that say so in words, to the seller and every admin.
 */

/** Caps of a link row (the `rl` RETURNING) that are full, with the window each counts in. */
const LINK_FULL = `array_remove(ARRAY[
  CASE WHEN rl.total_calls_allowed IS NOT NULL AND rl.current_total_calls >= rl.total_calls_allowed THEN 'total_calls_allowed' END,
  CASE WHEN rl.hourly_cap IS NOT NULL AND rl.hour_count >= rl.hourly_cap THEN 'hourly_cap' END,
  CASE WHEN rl.daily_cap IS NOT NULL AND rl.day_count >= rl.daily_cap THEN 'daily_cap' END,
  CASE WHEN rl.monthly_cap IS NOT NULL AND rl.month_count >= rl.monthly_cap THEN 'monthly_cap' END], NULL)`;

/** The window start a cap notice of cap `f.cap` is kept for (one notice per cap and window). */
const windowOf = (hour: string, day: string, month: string) =>
  `CASE f.cap WHEN 'hourly_cap' THEN ${hour} WHEN 'daily_cap' THEN ${day} WHEN 'monthly_cap' THEN ${month} ELSE '-infinity' END`;

/** The caps named in `caps` (a text[] of cap names) in words with their limits from `row`, capitalised. */
function capWords(caps: string, row: string, withTotal: boolean): string {
  const total = withTotal ? `'the total of ' || ${row}.total_calls_allowed` : `c`;
  const words = `string_agg(CASE c WHEN 'hourly_cap' THEN 'the hourly cap of ' || ${row}.hourly_cap
                                   WHEN 'daily_cap' THEN 'the daily cap of ' || ${row}.daily_cap
                                   WHEN 'monthly_cap' THEN 'the monthly cap of ' || ${row}.monthly_cap
                                   ELSE ${total} END || ' calls', ' and ' ORDER BY c)`;
  return `(SELECT upper(left(w, 1)) || substr(w, 2) FROM (SELECT ${words} AS w FROM unnest(${caps}) AS c) q)`;
}

/** Until when the longest of `caps` stays full, in words (' until midnight (America/New_York)'). */
function untilWords(caps: string, tz: string): string {
  return `CASE WHEN 'total_calls_allowed' = ANY(${caps}) THEN ' until its total is reset or raised'
               WHEN 'monthly_cap' = ANY(${caps}) THEN ' until the 1st of next month (' || ${tz} || ')'
               WHEN 'daily_cap' = ANY(${caps}) THEN ' until midnight (' || ${tz} || ')'
               ELSE ' until the top of the hour' END`;
}

/** CTEs `cn` (campaign caps filled), `kn` (link caps filled) and `nt` (their notifications). */
export function capNoticeCtes(): string {
  return `cn AS (
  INSERT INTO cap_notices (scope, scope_id, cap, window_start)
  SELECT 'campaign', rc.id, f.cap, ${windowOf('st.campaign_hour', 'st.campaign_day', 'st.campaign_month')}
    FROM rc, st, unnest(rc.full_caps) AS f(cap) WHERE st.converted
  ON CONFLICT DO NOTHING
  RETURNING scope_id, cap
), kn AS (
  INSERT INTO cap_notices (scope, scope_id, cap, window_start)
  SELECT 'link', rl.id, f.cap, ${windowOf('st.hour_start', 'st.day_start', 'st.month_start')}
    FROM rl, st, unnest(${LINK_FULL}) AS f(cap) WHERE rl.counted
  ON CONFLICT DO NOTHING
  RETURNING scope_id, cap
), nt AS (
  -- one notice per cap and window, to the seller and to every admin, in words and with its campaign
  INSERT INTO notifications (user_id, kind, title, body, data)
  SELECT r.id, 'cap_reached', x.title, x.body, x.data
    FROM (
      SELECT st.seller_id, 'Campaign cap reached: ' || cp.name AS title,
             ${capWords('n.caps', 'cp', false)} || ' reached on campaign ' || cp.name
               || ': its new calls are rejected' || ${untilWords('n.caps', 'cp.timezone')} || '.' AS body,
             jsonb_build_object('campaign_id', cp.id, 'caps', to_jsonb(n.caps)) AS data
        FROM st JOIN campaigns cp ON cp.id = st.campaign_id, (SELECT array_agg(cap ORDER BY cap) AS caps FROM cn) n
       WHERE n.caps IS NOT NULL
      UNION ALL
      SELECT st.seller_id, 'Buyer cap reached: ' || cl.name || ' on ' || cp.name,
             ${capWords('n.caps', 'lk', true)} || ' reached for ' || cl.name || ' on campaign ' || cp.name
               || ': its calls go to the next buyer in line (rejected if none has room)'
               || ${untilWords('n.caps', 'cp.timezone')} || '.',
             jsonb_build_object('link_id', st.link_id, 'client_id', st.client_id, 'campaign_id', cp.id, 'caps', to_jsonb(n.caps))
        FROM st JOIN campaigns cp ON cp.id = st.campaign_id JOIN clients cl ON cl.id = st.client_id
        JOIN campaign_client_settings lk ON lk.id = st.link_id, (SELECT array_agg(cap ORDER BY cap) AS caps FROM kn) n
       WHERE n.caps IS NOT NULL
    ) x
    CROSS JOIN LATERAL (SELECT x.seller_id AS id WHERE x.seller_id IS NOT NULL
                        UNION SELECT u.id FROM users u WHERE u.role = 'admin' AND u.status = 'active') r
  RETURNING id
)`;
}
