import { one, many, type Db } from '../db/db.js';
import { ENDED_STATES, sqlList, type AttemptState, type CallState } from './call-state.js';
import { notFound } from '../shared/errors.js';
import { SqlParams, whereClause } from '../shared/sql.js';
import { sellerScope, toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';

export interface CallFilter {
  from?: string | undefined;
  to?: string | undefined;
  campaign_id?: number | undefined;
  client_id?: number | undefined;
  seller_id?: number | undefined;
  did?: string | undefined;
  caller?: string | undefined;
  routing_status?: string | undefined;
  disposition?: string | undefined;
}

export interface CallRow {
  id: number;
  uniqueid: string;
  direction: string;
  did: string | null;
  caller_id: string | null;
  campaign_id: number | null;
  campaign_name: string | null;
  seller_id: number | null;
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  duration: number | null;
  billsec: number;
  disposition: string | null;
  dial_status: string | null;
  hangup_cause: number | null;
  routing_status: string;
  reject_reason: string | null;
  billable: boolean;
  cost: string;
  payout: string;
  source: string | null;
  attempt_count: number;
  state: CallState;
}

export interface AttemptRow {
  id: number;
  seq: number;
  state: AttemptState;
  link_id: number | null;
  client_id: number | null;
  client_name: string | null;
  dial_status: string | null;
  ring_seconds: number;
  started_at: Date;
  ended_at: Date | null;
}

const SELECT = `SELECT c.id, c.uniqueid, c.direction, c.did, c.caller_id, c.campaign_id, cp.name AS campaign_name, c.seller_id,
  c.link_id, c.client_id, cl.name AS client_name, c.started_at, c.answered_at, c.ended_at, c.duration, c.billsec,
  c.disposition, c.dial_status, c.hangup_cause, c.routing_status, c.reject_reason, c.billable, c.cost, c.payout, c.source,
  c.attempt_count, c.state
  FROM calls c LEFT JOIN campaigns cp ON cp.id = c.campaign_id LEFT JOIN clients cl ON cl.id = c.client_id`;

const ENDED = sqlList(ENDED_STATES);

/** A number filter as people type it ("(212) 555-0151") matches the E.164 form calls store. */
function numberFilter(input: string): string {
  const t = input.trim();
  const cleaned = /^[+\d\s().\-/]+$/.test(t) ? t.replace(/[^\d]/g, '') : t;
  return `%${cleaned.replace(/[%_\\]/g, '')}%`;
}

function conditions(actor: Actor, f: CallFilter, p: SqlParams, ended = true): string[] {
  // The call log lists the calls that are over; calls in progress are the live view.
  const where: string[] = ended ? [`c.state IN (${ENDED})`] : [];
  const seller = sellerScope(actor) ?? f.seller_id;
  if (seller !== undefined) where.push(`c.seller_id = ${p.add(seller)}`);
  if (f.from) where.push(`c.started_at >= ${p.add(f.from)}::timestamptz`);
  if (f.to) where.push(`c.started_at < ${p.add(f.to)}::timestamptz`);
  if (f.campaign_id) where.push(`c.campaign_id = ${p.add(f.campaign_id)}`);
  if (f.client_id) where.push(`c.client_id = ${p.add(f.client_id)}`);
  if (f.did) where.push(`c.did LIKE ${p.add(numberFilter(f.did))}`);
  if (f.caller) where.push(`c.caller_id LIKE ${p.add(numberFilter(f.caller))}`);
  if (f.routing_status) where.push(`c.routing_status = ${p.add(f.routing_status)}`);
  if (f.disposition) where.push(`c.disposition = ${p.add(f.disposition)}`);
  return where;
}

/** Call logs for people: filtered lists, one call with its attempts and decision trace, CSV. */
export function createCallsService(deps: { db: Db }) {
  const { db } = deps;

  async function list(actor: Actor, filter: CallFilter, page: PageRequest): Promise<Page<CallRow>> {
    const p = new SqlParams();
    const rows = await many<CallRow & { total: number }>(
      db,
      `${SELECT.replace('FROM calls c', ', count(*) OVER () AS total FROM calls c')} ${whereClause(conditions(actor, filter, p))}
       ORDER BY c.started_at DESC, c.id DESC LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`,
      p.values,
    );
    return toPage(rows, page);
  }

  async function get(actor: Actor, id: number) {
    const p = new SqlParams();
    const where = [...conditions(actor, {}, p, false), `c.id = ${p.add(id)}`];
    const call = await one<
      CallRow & {
        trace: Record<string, unknown>[];
        recording: string | null;
        pbx: string | null;
        did_raw: string | null;
        caller_id_raw: string | null;
        end_reason: string | null;
      }
    >(
      db,
      `${SELECT.replace('FROM calls c', ', c.trace, c.recording, c.pbx, c.did_raw, c.caller_id_raw, c.end_reason FROM calls c')} ${whereClause(where)}`,
      p.values,
    );
    if (!call) throw notFound('call', id);
    const attempts = await many<AttemptRow>(
      db,
      `SELECT a.id, a.seq, a.state, a.link_id, a.client_id, cl.name AS client_name, a.dial_status, a.ring_seconds, a.started_at, a.ended_at
         FROM call_attempts a LEFT JOIN clients cl ON cl.id = a.client_id WHERE a.call_id = $1 ORDER BY a.seq`,
      [id],
    );
    return { ...call, attempts };
  }

  /** Yields matching calls oldest first in batches (keyset pagination), for streaming exports. */
  async function* exportRows(actor: Actor, filter: CallFilter, batch = 1000): AsyncGenerator<CallRow> {
    let after: { started_at: Date; id: number } | undefined;
    for (;;) {
      const p = new SqlParams();
      const where = conditions(actor, filter, p);
      if (after)
        where.push(
          `(c.started_at, c.id) > (${p.add(after.started_at)}::timestamptz, ${p.add(after.id)}::bigint)`,
        );
      const rows = await many<CallRow>(
        db,
        `${SELECT} ${whereClause(where)} ORDER BY c.started_at, c.id LIMIT ${p.add(batch)}`,
        p.values,
      );
      yield* rows;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { started_at: last.started_at, id: last.id };
    }
  }

  return { list, get, exportRows };
}

export type CallsService = ReturnType<typeof createCallsService>;
