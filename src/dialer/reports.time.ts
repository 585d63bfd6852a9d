import type { OpenSession, StatusInterval } from './reports.repo.js';

/** An agent's time by status, in milliseconds (paused by reason). */
export interface StatusTime {
  available: number;
  ringing: number;
  on_call: number;
  wrap_up: number;
  paused: Map<string, number>;
}

/** Time of one agent (a user id) in one dialer campaign (null: in none that is known). */
export type TimeByCampaign = Map<number | null, Map<number, StatusTime>>;

/** The key of a pause with no reason recorded. */
export const NO_REASON = '(none)';

const emptyTime = (): StatusTime => ({ available: 0, ringing: 0, on_call: 0, wrap_up: 0, paused: new Map() });

/** Cuts the interval at `at` when it spans it. */
function splitAt(i: StatusInterval, at: Date): StatusInterval[] {
  if (i.start_at >= at || i.end_at <= at) return [i];
  return [
    { ...i, end_at: at },
    { ...i, start_at: at },
  ];
}

/**
 * The campaign each interval of one agent counts for (docs/dashboard.md, "Dialer reports"). The
 * status log names no campaign, so: a ringing or on-call row names its call, and a dialer call
 * names its campaign (another call: none); time in the agent's current dialer session is that
 * session's campaign; the rest of a stretch of work (between going offline, or joining the
 * current session) counts for the campaign of the call before it, and its start, before any
 * call, for the campaign of its first call.
 */
export function attribute(
  intervals: StatusInterval[],
  session: OpenSession | undefined,
): { interval: StatusInterval; campaign: number | null }[] {
  const parts = session ? intervals.flatMap((i) => splitAt(i, session.joined_at)) : intervals;
  const out: { interval: StatusInterval; campaign: number | null | undefined }[] = [];
  let stretch: typeof out = [];
  const close = () => {
    const first = stretch.find((p) => p.campaign !== undefined)?.campaign ?? null;
    for (const p of stretch) if (p.campaign === undefined) p.campaign = first;
    stretch = [];
  };
  for (const interval of parts) {
    // Going offline ends a stretch of work, and so does joining the current session.
    if (interval.status === 'offline') {
      close();
      continue;
    }
    const inSession = session !== undefined && interval.start_at >= session.joined_at;
    if (inSession && interval.start_at.getTime() === session.joined_at.getTime()) close();
    const explicit = interval.names_call ? interval.campaign_id : inSession ? session.campaign_id : undefined;
    const p = { interval, campaign: explicit !== undefined ? explicit : stretch.at(-1)?.campaign };
    out.push(p);
    stretch.push(p);
  }
  close();
  return out.map((p) => ({ interval: p.interval, campaign: p.campaign ?? null }));
}

/** Every agent's time by campaign, from their status intervals (in user, then time order). */
export function timeByCampaign(intervals: StatusInterval[], sessions: OpenSession[]): TimeByCampaign {
  const byUser = new Map<number, StatusInterval[]>();
  for (const i of intervals) {
    const list = byUser.get(i.user_id);
    if (list) list.push(i);
    else byUser.set(i.user_id, [i]);
  }
  const out: TimeByCampaign = new Map();
  for (const [userId, list] of byUser) {
    const session = sessions.find((s) => s.user_id === userId);
    for (const { interval: i, campaign } of attribute(list, session)) {
      let users = out.get(campaign);
      if (!users) out.set(campaign, (users = new Map()));
      let t = users.get(userId);
      if (!t) users.set(userId, (t = emptyTime()));
      const ms = i.end_at.getTime() - i.start_at.getTime();
      switch (i.status) {
        case 'available':
        case 'ringing':
        case 'on_call':
        case 'wrap_up':
          t[i.status] += ms;
          break;
        case 'paused': {
          const reason = i.reason ?? NO_REASON;
          t.paused.set(reason, (t.paused.get(reason) ?? 0) + ms);
          break;
        }
        default: // offline: not working, not counted
      }
    }
  }
  return out;
}

/** The sum of several agents' (or campaigns') times. */
export function addTimes(times: Iterable<StatusTime>): StatusTime {
  const sum = emptyTime();
  for (const t of times) {
    sum.available += t.available;
    sum.ringing += t.ringing;
    sum.on_call += t.on_call;
    sum.wrap_up += t.wrap_up;
    for (const [r, ms] of t.paused) sum.paused.set(r, (sum.paused.get(r) ?? 0) + ms);
  }
  return sum;
}

/** Talk time over working time (available, ringing, on a call, wrap-up); null with none. */
export function utilisation(t: StatusTime): number | null {
  const working = t.available + t.ringing + t.on_call + t.wrap_up;
  return working === 0 ? null : t.on_call / working;
}

/** Whether an agent did anything in the period (offline time alone is nothing). */
export const worked = (t: StatusTime): boolean =>
  t.available + t.ringing + t.on_call + t.wrap_up > 0 || t.paused.size > 0;
