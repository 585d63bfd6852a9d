import { one, many, type Queryable } from '../db/db.js';
import {
  CAMPAIGN_CAPS,
  CAMPAIGN_FULL,
  LINK_CAPS,
  LINK_COUNTERS,
  TAKE_SLOT,
  capUsage,
  linkAfterRelease,
  releaseSlot,
  underCaps,
  windowsFrom,
  type LinkAfterRelease,
  type LinkCountersRow,
} from './caps.js';
import type { CandidateLink } from './routing.rules.js';
import type { CapUse, LiveCall, LiveWrite, RoutingContext, Windows } from './routing.types.js';

const LINK_JSON = `json_build_object('id', l.id, 'client_id', l.client_id, 'client_identifier', k.client_identifier,
  'client_name', k.name, 'status', l.status, 'client_status', k.status, 'forwarding_priority', l.forwarding_priority,
  'weight', l.weight, 'schedule', l.schedule, 'client_timezone', k.timezone, 'client_hours', k.business_hours,
  'min_billable_duration', l.min_billable_duration, 'payout', l.payout::text)`;

export function createRoutingRepo(db: Queryable) {
  return {
    /** Everything step 1–3 need for a DID, in one read. */
    context(number: string): Promise<RoutingContext | undefined> {
      return one(
        db,
        `SELECT d.id AS did_id, d.status AS did_status, c.id AS campaign_id, c.status AS campaign_status,
                c.routing_strategy, c.dial_timeout_seconds, c.max_attempts, c.timezone, c.business_hours,
                u.id AS seller_id, u.status AS seller_status, u.balance::text AS balance,
                u.billing_rate_per_minute::text AS billing_rate_per_minute,
                coalesce(json_agg(${LINK_JSON} ORDER BY l.forwarding_priority, l.id) FILTER (WHERE l.id IS NOT NULL), '[]') AS links
           FROM dids d
           LEFT JOIN campaigns c ON c.id = d.campaign_id
           LEFT JOIN users u ON u.id = c.seller_id
           LEFT JOIN campaign_client_settings l ON l.campaign_id = c.id
           LEFT JOIN clients k ON k.id = l.client_id
          WHERE d.number = $1
          GROUP BY d.id, c.id, u.id`,
        [number],
      );
    },

    /** Current snapshots of some links (for failover), in the order of `ids`. */
    async links(ids: number[]): Promise<CandidateLink[]> {
      const rows = await many<{ link: CandidateLink }>(
        db,
        `SELECT ${LINK_JSON} AS link FROM campaign_client_settings l JOIN clients k ON k.id = l.client_id
          WHERE l.id = ANY($1::bigint[])`,
        [ids],
      );
      const byId = new Map(rows.map((r) => [r.link.id, r.link]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /**
     * Takes the campaign's slot for a call (and advances its round-robin counter) if every
     * campaign cap has room. Undefined when a cap is full.
     */
    /**
     * Takes the campaign's slot for a call (and advances its round-robin counter) if, right
     * now, the campaign is active, its seller active with a balance above `minimumBalance`, and
     * every campaign cap has room. Undefined otherwise (`campaignUsage` says which).
     */
    takeCampaign(
      id: number,
      tz: string,
      now: Date,
      minimumBalance: string,
    ): Promise<(Windows & { rr: number }) | undefined> {
      return one(
        db,
        `UPDATE campaigns t SET ${TAKE_SLOT}, rr_counter = t.rr_counter + 1
           FROM ${windowsFrom('$2', '$3::text')}
          WHERE t.id = $1 AND t.status = 'active' AND ${underCaps(CAMPAIGN_CAPS)}
            AND EXISTS (SELECT 1 FROM users u WHERE u.id = t.seller_id AND u.status = 'active' AND u.balance > $4::numeric)
          RETURNING t.hour_start AS hour, t.day_start AS day, t.month_start AS month, t.rr_counter - 1 AS rr`,
        [id, now, tz, minimumBalance],
      );
    },

    /** Why takeCampaign said no: statuses, balance and the usage of every campaign cap. */
    async campaignState(
      id: number,
      tz: string,
      now: Date,
      minimumBalance: string,
    ): Promise<{ status: string; seller_status: string; balance_ok: boolean; caps: CapUse[] } | undefined> {
      return one(
        db,
        `SELECT t.status, u.status AS seller_status, u.balance > $4::numeric AS balance_ok, ${capUsage(CAMPAIGN_CAPS)} AS caps
           FROM campaigns t JOIN users u ON u.id = t.seller_id, ${windowsFrom('$2', '$3::text')}
          WHERE t.id = $1`,
        [id, now, tz, minimumBalance],
      );
    },

    /**
     * Takes a slot on a link and on its client in one statement. `link` false: a link cap is
     * full (nothing changed). `client` false: the link slot was taken but the client's global
     * limit is full — the caller must give the link slot back.
     */
    /**
     * Takes a slot on a link and on its client in one statement and, when both had room,
     * writes the call's live row in the same statement (`write`): insert for a new call,
     * update for a failover. `link` false: a link cap is full (nothing changed). `client`
     * false: the link slot was taken but the client's global limit is full — the caller must
     * give the link slot back. `written` false with `client` true: the live row was not
     * written (an insert that found the call already there).
     */
    async takeLink(
      id: number,
      tz: string,
      now: Date,
      write?: LiveWrite,
    ): Promise<{ link: false } | ({ link: true; client: boolean; written: boolean } & Windows)> {
      const params: unknown[] = [id, now, tz];
      const add = (v: unknown, k?: string) => {
        params.push(k === 'attempts' || k === 'trace' ? JSON.stringify(v) : v);
        return `$${params.length}${k === 'attempts' || k === 'trace' ? '::jsonb' : ''}`;
      };
      let lock = '';
      let from = '';
      let writeCte = `, w AS (SELECT 1 FROM k)`;
      if (write?.kind === 'insert') {
        const cols = Object.keys(write.row);
        const vals = cols.map((c) => add((write.row as Record<string, unknown>)[c], c));
        writeCte = `, w AS (
           INSERT INTO live_calls (${cols.join(', ')}, link_hour, link_day, link_month, updated_at)
           SELECT ${vals.join(', ')}, l.hour_start, l.day_start, l.month_start, $2 FROM l WHERE EXISTS (SELECT 1 FROM k)
           ON CONFLICT (uniqueid) DO NOTHING RETURNING 1)`;
      } else if (write?.kind === 'update') {
        const uid = add(write.uniqueid);
        // Lock order everywhere: live call, campaign, link, client, seller.
        lock = `lv AS (SELECT uniqueid FROM live_calls WHERE uniqueid = ${uid} FOR UPDATE), `;
        from = ', lv';
        const sets = Object.keys(write.patch).map(
          (c) => `${c} = ${add((write.patch as Record<string, unknown>)[c], c)}`,
        );
        writeCte = `, w AS (
           UPDATE live_calls c SET ${sets.join(', ')}, link_hour = l.hour_start, link_day = l.day_start,
                  link_month = l.month_start, updated_at = $2
             FROM l WHERE c.uniqueid = ${uid} AND EXISTS (SELECT 1 FROM k) RETURNING 1)`;
      }
      const row = await one<Windows & { client_ok: boolean; written: boolean }>(
        db,
        `WITH ${lock}l AS (
           UPDATE campaign_client_settings t SET ${TAKE_SLOT}
             FROM ${windowsFrom('$2', '$3::text')}${from}
            WHERE t.id = $1 AND t.status = 'active' AND ${underCaps(LINK_CAPS)}
            RETURNING t.client_id, t.hour_start, t.day_start, t.month_start
         ), k AS (
           UPDATE clients SET in_flight = clients.in_flight + 1 FROM l
            WHERE clients.id = l.client_id AND clients.status = 'active'
              AND (clients.max_concurrency IS NULL OR clients.in_flight < clients.max_concurrency)
            RETURNING clients.id
         )${writeCte}
         SELECT l.hour_start AS hour, l.day_start AS day, l.month_start AS month,
                EXISTS (SELECT 1 FROM k) AS client_ok, EXISTS (SELECT 1 FROM w) AS written FROM l`,
        params,
      );
      if (!row) return { link: false };
      return {
        link: true,
        client: row.client_ok,
        written: row.written,
        hour: row.hour,
        day: row.day,
        month: row.month,
      };
    },

    /**
     * Records a failed dial in one statement: the live row is locked, the attempt appended,
     * and the link's (and client's) slot given back at once. Undefined when the call is not
     * dialling (unknown, rejected, or no link held).
     */
    failAttempt(uniqueid: string, status: string, now: Date): Promise<LiveCall | undefined> {
      return one(
        db,
        `WITH lv AS (
           SELECT * FROM live_calls WHERE uniqueid = $1 AND status = 'dialing' AND link_id IS NOT NULL FOR UPDATE
         ), up AS (
           UPDATE live_calls c SET link_id = NULL, client_id = NULL, client_reserved = false, updated_at = $3,
             attempts = c.attempts || jsonb_build_array(jsonb_build_object(
               'link_id', lv.link_id, 'client_id', lv.client_id, 'dial_status', $2::text,
               'ring_seconds', greatest(0, round(extract(epoch FROM $3::timestamptz - coalesce(lv.attempt_started_at, $3::timestamptz))))::int,
               'started_at', coalesce(lv.attempt_started_at, $3::timestamptz), 'ended_at', $3::timestamptz)),
             trace = c.trace || jsonb_build_array(jsonb_build_object(
               'at', $3::timestamptz, 'step', 'failover', 'outcome', 'failed',
               'link_id', lv.link_id, 'client_id', lv.client_id, 'reason', $2::text))
             FROM lv WHERE c.uniqueid = lv.uniqueid
           RETURNING c.*
         ), rl AS (
           UPDATE campaign_client_settings t SET ${releaseSlot('false', 'lv.link_hour', 'lv.link_day', 'lv.link_month')}
             FROM lv, up WHERE t.id = lv.link_id RETURNING t.id
         ), rk AS (
           UPDATE clients SET in_flight = clients.in_flight - 1 FROM lv, rl
            WHERE clients.id = lv.client_id AND lv.client_reserved RETURNING clients.id
         )
         -- Each step reads the one before, which fixes the lock order: live call, link, client.
         SELECT up.* FROM up`,
        [uniqueid, status, now],
      );
    },

    async linkUsage(id: number, tz: string, now: Date): Promise<CapUse[]> {
      const row = await one<{ caps: CapUse[] }>(
        db,
        `SELECT ${capUsage(LINK_CAPS)} AS caps FROM campaign_client_settings t, ${windowsFrom('$2', '$3::text')}
          WHERE t.id = $1`,
        [id, now, tz],
      );
      return row?.caps ?? [];
    },

    /** Ends a call's hold on a link (and on its client when it holds that too). */
    async releaseLink(
      id: number,
      w: Windows,
      opts: { converted: boolean; clientId: number | null },
    ): Promise<LinkAfterRelease | undefined> {
      const row = await one<LinkCountersRow>(
        db,
        `WITH l AS (
           UPDATE campaign_client_settings t
              SET ${releaseSlot('$2::boolean', '$3', '$4', '$5')},
                  current_total_calls = t.current_total_calls + CASE WHEN $2::boolean THEN 1 ELSE 0 END
            WHERE t.id = $1
            RETURNING ${LINK_COUNTERS}
         ), k AS (
           -- reads l, so the link is locked before the client
           UPDATE clients SET in_flight = clients.in_flight - 1 FROM l WHERE clients.id = $6::bigint RETURNING clients.id
         )
         SELECT * FROM l`,
        [id, opts.converted, w.hour, w.day, w.month, opts.clientId],
      );
      return row && linkAfterRelease(row);
    },

    /** Ends a call's hold on its campaign; returns the caps that are now full. */
    async releaseCampaign(id: number, w: Windows, converted: boolean): Promise<string[]> {
      const row = await one<{ full: string[] }>(
        db,
        `UPDATE campaigns t SET ${releaseSlot('$2::boolean', '$3', '$4', '$5')}
          WHERE t.id = $1
          RETURNING ${CAMPAIGN_FULL} AS full`,
        [id, converted, w.hour, w.day, w.month],
      );
      return row?.full ?? [];
    },

    getLive(uniqueid: string, lock = false): Promise<LiveCall | undefined> {
      return one(db, `SELECT * FROM live_calls WHERE uniqueid = $1${lock ? ' FOR UPDATE' : ''}`, [uniqueid]);
    },

    /** Inserts a call's live row; false when one exists already (a repeated request). */
    async insertLive(
      c: Partial<LiveCall> & Pick<LiveCall, 'uniqueid' | 'status' | 'did' | 'started_at' | 'expires_at'>,
    ): Promise<boolean> {
      const cols = Object.keys(c);
      const vals = cols.map((k) => {
        const v = (c as Record<string, unknown>)[k];
        return k === 'attempts' || k === 'trace' ? JSON.stringify(v) : v;
      });
      const res = await db.query(
        `INSERT INTO live_calls (${cols.join(', ')}, updated_at)
         VALUES (${cols.map((k, i) => `$${i + 1}${k === 'attempts' || k === 'trace' ? '::jsonb' : ''}`).join(', ')}, $${cols.length + 1})
         ON CONFLICT (uniqueid) DO NOTHING RETURNING uniqueid`,
        [...vals, c.started_at],
      );
      return res.rows.length > 0;
    },

    async updateLive(uniqueid: string, patch: Partial<LiveCall>, now: Date): Promise<void> {
      const cols = Object.keys(patch);
      const vals = cols.map((k) => {
        const v = (patch as Record<string, unknown>)[k];
        return k === 'attempts' || k === 'trace' ? JSON.stringify(v) : v;
      });
      await db.query(
        `UPDATE live_calls SET ${cols.map((k, i) => `${k} = $${i + 2}${k === 'attempts' || k === 'trace' ? '::jsonb' : ''}`).join(', ')},
                updated_at = $${cols.length + 2}
          WHERE uniqueid = $1`,
        [uniqueid, ...vals, now],
      );
    },

    /** Claims a live call for finishing: whoever deletes it finishes it, exactly once. */
    takeLive(uniqueid: string): Promise<LiveCall | undefined> {
      return one(db, 'DELETE FROM live_calls WHERE uniqueid = $1 RETURNING *', [uniqueid]);
    },

    expired(now: Date, limit: number): Promise<{ uniqueid: string }[]> {
      return many(db, 'SELECT uniqueid FROM live_calls WHERE expires_at < $1 ORDER BY expires_at LIMIT $2', [
        now,
        limit,
      ]);
    },
  };
}

export type RoutingRepo = ReturnType<typeof createRoutingRepo>;
