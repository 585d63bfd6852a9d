/**
 * What a statement that puts a caller ID in cooldown also writes, in the same round trip and
 * transaction: the `caller_id.cooled_down` webhook event (webhooks outbox) and a notification to
 * the people who run the number — the seller whose campaign pool it is, if any, and every active
 * admin. Used by the automatic cooldown (callerid.repo.ts) and by a person's (manage.repo.ts).
 */
import { isoTime } from '../routing/statements.js';
import { outboxCtes } from '../webhooks/outbox.sql.js';

/** Numbers listed in a grouped notification; the rest are counted. */
export const NOTICE_LISTED = 20;

/**
 * CTEs `cdw_ev`/`cdw` (the webhook event) and `cdn_msg`/`cdn` (the notifications) for the numbers of
 * the CTE `cd` that have just entered cooldown: columns `id, number, pool_id, cooldown_until,
 * reason ('answer_rate' or 'manual'), calls, answered, min_rate` (the last three null when set by
 * hand). One number per statement: the notifications are grouped with an upsert, which may touch
 * a person's row once per statement.
 *
 * Grouping (never a flood): per person and UTC hour there is one notification, keyed by
 * `group_key`. The first number of the hour writes it, worded for that number; each further one
 * rewrites it as "N caller IDs went into cooldown", lists the first NOTICE_LISTED, repeats the
 * latest one's details and makes it unread again. 500 numbers cooling down in an hour are one
 * notification per person, each number still one webhook event.
 */
export function cooldownNoticeCtes(now: string): string {
  const until = `CASE WHEN cd.cooldown_until IS NULL THEN 'until someone sets it active again'
                      ELSE 'until ' || to_char(cd.cooldown_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' END`;
  const where = `'pool ' || p.name || CASE WHEN p.campaign IS NULL THEN ' (global)' ELSE ', dialer campaign ' || p.campaign END`;
  const why = `CASE WHEN cd.reason = 'manual' THEN 'was put in cooldown by hand'
                    ELSE 'was answered on ' || cd.answered || ' of its last ' || cd.calls || ' calls ('
                         || round(100.0 * cd.answered / cd.calls) || '%), below the minimum answer rate of '
                         || round(100 * cd.min_rate) || '%' END`;
  const hour = `to_char(date_trunc('hour', ${now} AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24')`;
  return `${outboxCtes(
    'cdw',
    `SELECT 'caller_id.cooled_down' AS type, p.seller_id,
            jsonb_build_object('number_id', cd.id, 'number', cd.number, 'pool_id', cd.pool_id, 'campaign', p.campaign,
                               'seller_id', p.seller_id, 'reason', cd.reason,
                               'answer_rate', CASE WHEN cd.calls > 0 THEN round(cd.answered::numeric / cd.calls, 4)::text END,
                               'cooldown_until', ${isoTime('cd.cooldown_until')}) AS data
       FROM cd JOIN callerid_pools p ON p.id = cd.pool_id`,
    now,
  )}, cdn_msg AS (
  SELECT cd.id, cd.number, cd.pool_id, p.campaign, p.seller_id,
         cd.number || ' (' || ${where} || ') ' || ${why} || '; it is not used ' || ${until} || '.' AS body
    FROM cd JOIN callerid_pools p ON p.id = cd.pool_id
), cdn AS (
  INSERT INTO notifications AS x (user_id, kind, title, body, data, group_key)
  SELECT u.id, 'caller_id_cooldown', 'Caller ID ' || m.number || ' is in cooldown', m.body,
         jsonb_build_object('number_id', m.id, 'number', m.number, 'pool_id', m.pool_id, 'campaign', m.campaign,
                            'count', 1, 'numbers', jsonb_build_array(m.number), 'same_pool', true),
         'caller_id_cooldown:' || ${hour}
    FROM cdn_msg m JOIN users u ON u.status = 'active' AND (u.id = m.seller_id OR u.role = 'admin')
   ORDER BY u.id
  ON CONFLICT (user_id, group_key) DO UPDATE SET
    title = ((x.data->>'count')::int + 1) || ' caller IDs went into cooldown',
    body = ((x.data->>'count')::int + 1) || ' caller IDs went into cooldown this hour (from '
           || substr(x.group_key, length('caller_id_cooldown:') + 12) || ':00 UTC): '
           || array_to_string(ARRAY(SELECT jsonb_array_elements_text(
                CASE WHEN jsonb_array_length(x.data->'numbers') < ${NOTICE_LISTED}
                     THEN x.data->'numbers' || (EXCLUDED.data->'numbers') ELSE x.data->'numbers' END)), ', ')
           || CASE WHEN (x.data->>'count')::int + 1 > ${NOTICE_LISTED}
                   THEN ' and ' || ((x.data->>'count')::int + 1 - ${NOTICE_LISTED}) || ' more' ELSE '' END
           || '. The latest: ' || EXCLUDED.body,
    data = EXCLUDED.data || jsonb_build_object(
             'count', (x.data->>'count')::int + 1,
             'numbers', CASE WHEN jsonb_array_length(x.data->'numbers') < ${NOTICE_LISTED}
                             THEN x.data->'numbers' || (EXCLUDED.data->'numbers') ELSE x.data->'numbers' END,
             'same_pool', (x.data->>'same_pool')::boolean AND x.data->'pool_id' = EXCLUDED.data->'pool_id'),
    read_at = NULL
  RETURNING id
)`;
}
