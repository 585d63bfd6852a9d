import { areaCodeInfo } from '../callerid/nanp.js';
import type { Db } from '../db/db.js';
import { badRequest, notFound } from '../shared/errors.js';
import { fromMoneyUnits, moneyUnits } from '../shared/money.js';
import { addMeasures, areasOf, figures, stateOf, ZERO } from './reports.figures.js';
import { wholeHourZone } from '../shared/timezones.js';
import { sellerScope, type Actor } from '../shared/types.js';
import {
  createReportsRepo,
  type Interval,
  type KeyFilter,
  type KeyRow,
  type Measures,
  type PeriodRow,
  type ReportScope,
  type RollupDim,
  type StatementCall,
} from './reports.repo.js';

export type { Figures } from './reports.figures.js';

export type GroupBy = 'campaign' | 'buyer' | 'seller' | 'did' | 'area' | 'state';
export const GROUP_BY: readonly GroupBy[] = ['campaign', 'buyer', 'seller', 'did', 'area', 'state'];
export const INTERVALS: readonly Interval[] = ['hour', 'day', 'month'];

const DIM: Record<GroupBy, RollupDim> = {
  campaign: 'campaign',
  buyer: 'client',
  seller: 'seller',
  did: 'did',
  area: 'area',
  state: 'area',
};

/** The label of the key '' in each grouping. */
const NONE: Record<GroupBy, string> = {
  campaign: 'No campaign',
  buyer: 'Not answered',
  seller: 'No seller',
  did: 'No DID',
  area: 'Unknown or anonymous caller',
  state: 'Unknown or anonymous caller',
};

/** The longest period a report reads, and the longest read hour by hour. */
export const MAX_DAYS = 400;
export const MAX_HOURLY_DAYS = 31;

export interface ReportQuery {
  from: string;
  to: string;
  timezone: string;
  group_by: GroupBy;
  interval: Interval;
  /** Only calls of this key of `group_by` (a campaign id, a buyer id, a DID, an area code, a state such as US-TX). */
  key?: string | undefined;
}

function dayCount(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
}

/**
 * Reports over ended inbound calls: totals per campaign, buyer, seller, DID, caller area code or
 * state, and over time per hour, day or month in a chosen zone. Sellers read their own calls;
 * admin and staff read every seller's. Read from the hourly rollups the calls keep
 * (migrations/0016_call_rollups.sql), or from the calls when the zone's offset is not whole hours.
 */
export function createReportsService(deps: {
  db: Db;
  /** Read every report from the calls, whatever its zone: the reference the rollups are checked against. */
  forceCalls?: boolean;
}) {
  const repo = createReportsRepo(deps.db);

  async function scopeOf(
    actor: Actor,
    q: { from: string; to: string; timezone: string },
  ): Promise<ReportScope> {
    const days = dayCount(q.from, q.to);
    if (!(days >= 1)) throw badRequest(`"from" (${q.from}) must not be after "to" (${q.to})`);
    if (days > MAX_DAYS)
      throw badRequest(`A report covers at most ${MAX_DAYS} days; this one asks for ${days}`);
    const { start, end } = await repo.instants(q.from, q.to, q.timezone);
    return { from: q.from, to: q.to, timezone: q.timezone, sellerId: sellerScope(actor), start, end };
  }

  function keyFilter(groupBy: GroupBy, key: string | undefined): KeyFilter | undefined {
    if (key === undefined) return undefined;
    if (groupBy === 'state') return { dim: 'area', keys: areasOf(key) };
    return { dim: DIM[groupBy], keys: [key] };
  }

  async function labels(groupBy: GroupBy, keys: string[]): Promise<Map<string, string>> {
    const table = { campaign: 'campaigns', buyer: 'clients', seller: 'users' } as const;
    const out = new Map<string, string>();
    if (groupBy === 'campaign' || groupBy === 'buyer' || groupBy === 'seller') {
      const ids = keys.filter((k) => k !== '').map(Number);
      for (const r of await repo.names(table[groupBy], ids)) out.set(String(r.id), r.name);
    }
    for (const k of keys) {
      if (out.has(k)) continue;
      if (groupBy === 'area' && k !== '' && k !== 'intl') {
        const info = areaCodeInfo(k);
        out.set(k, info ? `${k} (${info.region})` : k);
      } else if (groupBy === 'state' && /^[A-Z]{2}-[A-Z]{2}$/.test(k)) {
        out.set(k, `${k.slice(3)} (${k.slice(0, 2)})`);
      } else if (k === '') out.set(k, NONE[groupBy]);
      else if (k === 'intl') out.set(k, 'Outside North America');
      else
        out.set(
          k,
          groupBy === 'campaign' || groupBy === 'buyer' || groupBy === 'seller' ? `#${k} (deleted)` : k,
        );
    }
    return out;
  }

  async function report(actor: Actor, q: ReportQuery) {
    const scope = await scopeOf(actor, q);
    if (q.interval === 'hour' && dayCount(q.from, q.to) > MAX_HOURLY_DAYS)
      throw badRequest(
        `An hourly report covers at most ${MAX_HOURLY_DAYS} days; choose "day" or a shorter period`,
      );
    if (q.group_by === 'seller' && scope.sellerId !== null)
      throw badRequest('Grouping by seller is for admin and staff; a seller sees their own calls');
    const dim = DIM[q.group_by];
    const filter = keyFilter(q.group_by, q.key);
    const exact = !deps.forceCalls && wholeHourZone(q.timezone, q.from, q.to);
    const [byKey, byPeriod] = await Promise.all([
      exact ? repo.rollupByKey(dim, scope) : repo.callsByKey(dim, scope),
      exact ? repo.rollupByPeriod(scope, q.interval, filter) : repo.callsByPeriod(scope, q.interval, filter),
    ]);
    let rows: KeyRow[] = byKey.filter(
      (r) => r.calls !== 0 || moneyUnits(r.cost) !== 0n || moneyUnits(r.payout) !== 0n,
    );
    if (q.group_by === 'state') {
      const merged = new Map<string, Measures>();
      for (const r of rows) {
        const s = r.key === '' || r.key === 'intl' ? r.key : stateOf(r.key);
        merged.set(s, addMeasures(merged.get(s) ?? ZERO, r));
      }
      rows = [...merged].map(([key, m]) => ({ key, ...m }));
    }
    if (q.key !== undefined) rows = rows.filter((r) => r.key === q.key);
    rows.sort((a, b) => b.calls - a.calls || a.key.localeCompare(b.key));
    const names = await labels(
      q.group_by,
      rows.map((r) => r.key),
    );
    return {
      from: q.from,
      to: q.to,
      timezone: q.timezone,
      group_by: q.group_by,
      interval: q.interval,
      source: exact ? ('rollups' as const) : ('calls' as const),
      totals: figures(byPeriod.reduce(addMeasures, ZERO)),
      rows: rows.map((r) => ({ key: r.key, label: names.get(r.key) ?? r.key, ...figures(r) })),
      series: byPeriod.map((r: PeriodRow) => ({ period: r.period, ...figures(r) })),
    };
  }

  /**
   * A buyer's statement: its converted calls in the period with what each pays, in batches for a
   * CSV, and their sum. A seller's statement of a buyer lists the calls of their own campaigns.
   */
  async function* statementCalls(
    actor: Actor,
    clientId: number,
    q: { from: string; to: string; timezone: string },
    batch = 1000,
  ): AsyncGenerator<StatementCall> {
    const scope = await scopeOf(actor, q);
    const [client] = await repo.names('clients', [clientId]);
    if (!client) throw notFound('client', clientId);
    let after: { started_at: Date; id: number } | undefined;
    for (;;) {
      const rows = await repo.convertedCalls(clientId, scope, after, batch);
      yield* rows;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { started_at: last.started_at, id: last.id };
    }
  }

  /** The statement's summary (per campaign, and in all) and its first `limit` calls. */
  async function statement(
    actor: Actor,
    clientId: number,
    q: { from: string; to: string; timezone: string },
    limit = 1000,
  ) {
    const [client] = await repo.names('clients', [clientId]);
    if (!client) throw notFound('client', clientId);
    const calls: StatementCall[] = [];
    const perCampaign = new Map<
      string,
      { campaign_id: number | null; campaign_name: string; calls: number; payout: bigint }
    >();
    let count = 0;
    let sum = 0n;
    for await (const c of statementCalls(actor, clientId, q)) {
      count += 1;
      sum += moneyUnits(c.payout);
      const k = String(c.campaign_id ?? '');
      const e = perCampaign.get(k) ?? {
        campaign_id: c.campaign_id,
        campaign_name: c.campaign_name ?? 'No campaign',
        calls: 0,
        payout: 0n,
      };
      e.calls += 1;
      e.payout += moneyUnits(c.payout);
      perCampaign.set(k, e);
      if (calls.length < limit) calls.push(c);
    }
    return {
      client,
      from: q.from,
      to: q.to,
      timezone: q.timezone,
      converted_calls: count,
      amount_due: fromMoneyUnits(sum),
      campaigns: [...perCampaign.values()].map((e) => ({ ...e, payout: fromMoneyUnits(e.payout) })),
      calls,
      calls_truncated: count > calls.length,
    };
  }

  return { report, statement, statementCalls };
}

export type ReportsService = ReturnType<typeof createReportsService>;
