import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { badRequest, notFound } from '../shared/errors.js';
import {
  createReportsRepo,
  type CallCounts,
  type DispositionCount,
  type ReportCampaign,
  type ReportPerson,
} from './reports.repo.js';
import { addTimes, timeByCampaign, utilisation, worked, type StatusTime } from './reports.time.js';

/** The longest period a report covers (the agents' status history is read whole for it). */
export const MAX_REPORT_DAYS = 92;
const DAY_MS = 86_400_000;

/** What an agent did in a period: calls from the call log, time from the status history. */
export interface AgentReport {
  user_id: number;
  agent_id: number | null;
  name: string;
  extension: string | null;
  calls: number;
  talk_seconds: number;
  wait_seconds: number;
  ring_seconds: number;
  on_call_seconds: number;
  wrap_seconds: number;
  paused_seconds: Record<string, number>;
  utilisation: number | null;
  dispositions: Record<string, number>;
}

export interface CampaignReport extends ReportCampaign {
  dials: number;
  answered: number;
  human: number;
  machine: number;
  busy: number;
  no_answer: number;
  failed: number;
  abandoned: number;
  abandon_rate: number | null;
  abandon_rate_30d: number | null;
  talk_seconds: number;
  wait_seconds: number;
  wrap_seconds: number;
  utilisation: number | null;
  dispositions: Record<string, number>;
  agents: AgentReport[];
}

const seconds = (ms: number) => ms / 1000;
/** Sums of float seconds, kept to the millisecond (no 0.30000000000000004). */
const roundMs = (s: number) => Math.round(s * 1000) / 1000;
const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function sumCounts(rows: CallCounts[]) {
  const keys = [
    'dials',
    'human',
    'machine',
    'busy',
    'no_answer',
    'failed',
    'abandoned',
    'calls',
    'talk_seconds',
    'answered_30d',
    'abandoned_30d',
  ] as const;
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<(typeof keys)[number], number>;
  for (const r of rows) for (const k of keys) out[k] += r[k];
  out.talk_seconds = roundMs(out.talk_seconds);
  return out;
}

function countDispositions(rows: DispositionCount[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.disposition] = (out[r.disposition] ?? 0) + r.count;
  return out;
}

function timeFigures(t: StatusTime) {
  return {
    wait_seconds: seconds(t.available),
    ring_seconds: seconds(t.ringing),
    on_call_seconds: seconds(t.on_call),
    wrap_seconds: seconds(t.wrap_up),
    paused_seconds: Object.fromEntries([...t.paused].map(([r, ms]) => [r, seconds(ms)])),
    utilisation: utilisation(t),
  };
}

/**
 * The dialer's reports (docs/dashboard.md, "Dialer reports"): per campaign, dials by outcome,
 * abandon rates (the period's and the 30 days before its end), talk time from the calls, and
 * the agents' wait, wrap-up and utilisation from their status history; per agent, calls, talk,
 * wait, wrap-up, pauses by reason, utilisation and dispositions.
 */
export function createDialerReportsService(deps: { db: Db; clock: Clock }) {
  const repo = createReportsRepo(deps.db);

  /** The period asked for: by default today (UTC) until now; `from` before `to`, at most 92 days. */
  function period(q: { from?: string | undefined; to?: string | undefined }) {
    const now = deps.clock.now();
    const to = q.to ? new Date(q.to) : now;
    // The UTC day `to` falls in (a `to` at midnight ends the day before).
    const from = q.from ? new Date(q.from) : new Date(Math.floor((to.getTime() - 1) / DAY_MS) * DAY_MS);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw badRequest('from and to must be ISO 8601 timestamps');
    if (from >= to) throw badRequest(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
    if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS)
      throw badRequest(`a report covers at most ${MAX_REPORT_DAYS} days`);
    return { now, from, to };
  }

  /** The agents' time by campaign: the status history up to `to`, or now when that is earlier. */
  async function agentTimes(from: Date, to: Date, now: Date) {
    const until = to < now ? to : now;
    if (from >= until) return timeByCampaign([], []);
    const [intervals, sessions] = await Promise.all([repo.statusIntervals(from, until), repo.openSessions()]);
    return timeByCampaign(intervals, sessions);
  }

  /** The agents with calls or time in `times` (one campaign's, or all of them). */
  function agentIds(
    counts: CallCounts[],
    dispositions: DispositionCount[],
    times: Map<number, StatusTime>,
  ): Set<number> {
    const ids = new Set<number>([...times].filter(([, t]) => worked(t)).map(([id]) => id));
    for (const r of [...counts, ...dispositions]) if (r.user_id !== null) ids.add(r.user_id);
    return ids;
  }

  async function peopleOf(ids: Iterable<number>): Promise<Map<number, ReportPerson>> {
    const list = [...new Set(ids)];
    if (list.length === 0) return new Map();
    return new Map((await repo.people(list)).map((p) => [p.user_id, p]));
  }

  /** One row per agent with calls or time in `times`, by name. */
  function agentRows(
    counts: CallCounts[],
    dispositions: DispositionCount[],
    times: Map<number, StatusTime>,
    people: Map<number, ReportPerson>,
  ): AgentReport[] {
    return [...agentIds(counts, dispositions, times)]
      .map((id): AgentReport => {
        const p = people.get(id);
        const c = sumCounts(counts.filter((r) => r.user_id === id));
        return {
          user_id: id,
          agent_id: p?.agent_id ?? null,
          name: p?.name ?? `user ${id}`,
          extension: p?.extension ?? null,
          calls: c.calls,
          talk_seconds: c.talk_seconds,
          ...timeFigures(times.get(id) ?? addTimes([])),
          dispositions: countDispositions(dispositions.filter((r) => r.user_id === id)),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.user_id - b.user_id);
  }

  async function campaigns(q: { from?: string | undefined; to?: string | undefined }) {
    const { now, from, to } = period(q);
    const [list, counts, dispositions, times] = await Promise.all([
      repo.campaigns(from, to),
      repo.callCounts(from, to, null),
      repo.dispositions(from, to, null),
      agentTimes(from, to, now),
    ]);
    const ids = agentIds(counts, dispositions, new Map());
    for (const users of times.values()) for (const id of agentIds([], [], users)) ids.add(id);
    const people = await peopleOf(ids);
    const items: CampaignReport[] = [];
    for (const campaign of list) {
      const mine = counts.filter((r) => r.campaign_id === campaign.id);
      const myDispositions = dispositions.filter((r) => r.campaign_id === campaign.id);
      const myTimes = times.get(campaign.id) ?? new Map<number, StatusTime>();
      const c = sumCounts(mine);
      const t = addTimes(myTimes.values());
      const answered = c.human + c.abandoned;
      items.push({
        ...campaign,
        dials: c.dials,
        answered,
        human: c.human,
        machine: c.machine,
        busy: c.busy,
        no_answer: c.no_answer,
        failed: c.failed,
        abandoned: c.abandoned,
        abandon_rate: rate(c.abandoned, answered),
        abandon_rate_30d: rate(c.abandoned_30d, c.answered_30d),
        talk_seconds: c.talk_seconds,
        wait_seconds: seconds(t.available),
        wrap_seconds: seconds(t.wrap_up),
        utilisation: utilisation(t),
        dispositions: countDispositions(myDispositions),
        agents: agentRows(mine, myDispositions, myTimes, people),
      });
    }
    return { at: now, from, to, items };
  }

  async function agents(q: {
    from?: string | undefined;
    to?: string | undefined;
    campaign_id?: number | undefined;
  }) {
    const { now, from, to } = period(q);
    const campaignId = q.campaign_id ?? null;
    if (campaignId !== null && !(await repo.campaignExists(campaignId)))
      throw notFound('dialer campaign', campaignId);
    const [counts, dispositions, times] = await Promise.all([
      repo.callCounts(from, to, campaignId),
      repo.dispositions(from, to, campaignId),
      agentTimes(from, to, now),
    ]);
    let mine: Map<number, StatusTime>;
    if (campaignId !== null) mine = times.get(campaignId) ?? new Map();
    else {
      // Every campaign's time and the time in none, agent by agent.
      const byUser = new Map<number, StatusTime[]>();
      for (const users of times.values())
        for (const [id, t] of users) byUser.set(id, [...(byUser.get(id) ?? []), t]);
      mine = new Map([...byUser].map(([id, ts]) => [id, addTimes(ts)]));
    }
    const people = await peopleOf(agentIds(counts, dispositions, mine));
    const items = agentRows(counts, dispositions, mine, people);
    return { at: now, from, to, campaign_id: campaignId, items };
  }

  return { campaigns, agents };
}

export type DialerReportsService = ReturnType<typeof createDialerReportsService>;
