import type { Db } from '../db/db.js';
import { createServices, type ServiceConfig } from '../services.js';
import { ManualClock } from '../shared/clock.js';
import { seededRandom } from '../shared/random.js';

/**
 * Demo call history for a first start: `count` calls over the `hours` before `now`, each sent
 * through the real routing engine and call end (services on a clock moved by hand), so the
 * dashboard, call log, cap counters, charges and balances agree with each other from the start.
 * Outcomes are drawn from a fixed seed: most answered, some busy or unanswered (which fail over
 * to the next client), and whatever routing itself refuses (closed hours, caps).
 */
export async function seedDemoCalls(
  db: Db,
  config: ServiceConfig,
  opts: { now: Date; hours?: number; count?: number },
): Promise<number> {
  const hours = opts.hours ?? 10;
  const count = opts.count ?? 60;
  const random = seededRandom(20261121);
  const clock = new ManualClock(new Date(opts.now.getTime() - hours * 3_600_000));
  const s = createServices({ db, clock, config, random });
  const dids = (
    await db.query<{ number: string }>(
      'SELECT number FROM dids WHERE campaign_id IS NOT NULL ORDER BY number',
    )
  ).rows.map((r) => r.number);
  if (dids.length === 0) return 0;

  const span = opts.now.getTime() - clock.now().getTime();
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (let i = 0; i < count; i++) {
    clock.set(new Date(opts.now.getTime() - span + Math.floor(((i + random()) / count) * span)));
    const uniqueid = `demo-${clock.now().getTime()}.${i}`;
    const callerId = `+1${pick(['212', '312', '415', '617', '713', '305'])}555${String(between(0, 9999)).padStart(4, '0')}`;
    const ref = { pbx: 'demo', uniqueid };
    let decision = await s.routing.route({ ...ref, did: pick(dids), callerId });
    let dialStatus = '';
    let billsec = 0;
    let attemptId: number | null = null;
    while (decision.action === 'dial') {
      attemptId = decision.attemptId;
      const roll = random();
      const ring = between(3, Math.min(decision.timeout, 20));
      clock.advance(ring * 1000);
      if (roll < 0.68) {
        dialStatus = 'ANSWER';
        billsec = between(15, 540);
        clock.advance(billsec * 1000);
        break;
      }
      dialStatus = roll < 0.85 ? 'NOANSWER' : 'BUSY';
      decision = await s.routing.next({ ...ref, callId: decision.callId, attemptId, status: dialStatus });
    }
    await s.callEnd.finish({
      ...ref,
      callId: decision.callId,
      attemptId,
      dialStatus,
      billsec,
      source: 'agi',
    });
  }
  return count;
}
