/**
 * npm run bench:dialer — dialer pacing on a simulated campaign (src/dialer/simulator.ts): the
 * real `decide()` called every second of virtual time, against an oracle that knows every call in
 * advance, on the same seeded call stream. Prints per pacer the agents' utilisation (talk time /
 * logged-in time), their mean wait before a call, the abandon rate overall and in the worst
 * hour, calls per agent-hour and dials, then the targets with PASS/FAIL. See docs/performance.md,
 * "Dialer pacing". Exit code 1 when a target fails.
 *
 *   --agents N        agents logged in for the whole shift (default 20)
 *   --hours N         simulated hours (default 8)
 *   --answer-rate X   share of dials a person answers (default 0.25)
 *   --talk S          mean talk time in seconds, lognormal (default 180)
 *   --wrap S          mean wrap-up time in seconds, lognormal (default 20)
 *   --seed N          the call stream's seed (default 1)
 *   --seeds K         run K call streams (seeds N … N+K-1) and report them together: utilisation,
 *                     wait and calls/agent-h averaged, counts summed, the worst hour of them all
 *   --json            one JSON object instead of the table
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_SIM,
  simulate,
  type SimOptions,
  type SimPacer,
  type SimResult,
} from '../src/dialer/simulator.js';

const { values: opts } = parseArgs({
  options: {
    agents: { type: 'string', default: String(DEFAULT_SIM.agents) },
    hours: { type: 'string', default: String(DEFAULT_SIM.hours) },
    'answer-rate': { type: 'string', default: String(DEFAULT_SIM.answerRate) },
    talk: { type: 'string', default: String(DEFAULT_SIM.meanTalkSeconds) },
    wrap: { type: 'string', default: String(DEFAULT_SIM.meanWrapSeconds) },
    seed: { type: 'string', default: String(DEFAULT_SIM.seed) },
    seeds: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});

const sim: SimOptions = {
  ...DEFAULT_SIM,
  agents: Number(opts.agents),
  hours: Number(opts.hours),
  answerRate: Number(opts['answer-rate']),
  meanTalkSeconds: Number(opts.talk),
  meanWrapSeconds: Number(opts.wrap),
  seed: Number(opts.seed),
};
const positive = { agents: sim.agents, hours: sim.hours, talk: sim.meanTalkSeconds, seed: sim.seed + 1 };
for (const [name, v] of Object.entries(positive))
  if (!Number.isFinite(v) || v <= 0) throw new Error(`bad --${name}: ${v}`);
if (!Number.isInteger(sim.agents) || !Number.isInteger(sim.seed))
  throw new Error('--agents and --seed: integers');
if (!(sim.answerRate > 0 && sim.answerRate <= 1)) throw new Error(`bad --answer-rate: ${sim.answerRate}`);
if (!(sim.meanWrapSeconds > 0)) throw new Error(`bad --wrap: ${sim.meanWrapSeconds}`);
const runs = Number(opts.seeds);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`bad --seeds: ${opts.seeds}`);

const started = performance.now();
const pacers: SimPacer[] = ['progressive', 'predictive', 'agents-known', 'oracle'];
const results = Object.fromEntries(
  pacers.map((p) => [
    p,
    combine(Array.from({ length: runs }, (_, i) => simulate(p, { ...sim, seed: sim.seed + i }))),
  ]),
) as Record<SimPacer, SimResult>;
const seconds = (performance.now() - started) / 1000;

const { progressive, predictive, oracle } = results;
const target = sim.abandonTarget;
const checks = [
  {
    name: `predictive abandon <= ${pct(target)} in every hour`,
    value: pct(predictive.worstHourAbandonRate),
    pass: predictive.worstHourAbandonRate <= target,
  },
  {
    name: "predictive utilisation within 10 % of the oracle's",
    value: `${pct(predictive.utilisation)} vs ${pct(oracle.utilisation)} (${pct(predictive.utilisation / oracle.utilisation - 1)})`,
    pass: predictive.utilisation >= 0.9 * oracle.utilisation,
  },
  { name: 'progressive abandons 0', value: String(progressive.abandoned), pass: progressive.abandoned === 0 },
];

if (opts.json) {
  console.log(JSON.stringify({ options: sim, seconds, results, checks }, null, 2));
} else {
  console.log(
    `${sim.agents} agents, ${sim.hours} h, answer rate ${pct(sim.answerRate)}, talk ${sim.meanTalkSeconds} s, ` +
      `wrap ${sim.meanWrapSeconds} s, ${runs === 1 ? `seed ${sim.seed}` : `seeds ${sim.seed}–${sim.seed + runs - 1}`} ` +
      `(${seconds.toFixed(1)} s)`,
  );
  console.table(
    Object.fromEntries(
      pacers.map((p) => {
        const r = results[p];
        return [
          p,
          {
            utilisation: pct(r.utilisation),
            'wait/call s': r.meanWaitSeconds.toFixed(1),
            abandon: pct(r.abandonRate),
            'worst hour': pct(r.worstHourAbandonRate),
            'calls/agent-h': r.callsPerAgentHour.toFixed(1),
            answered: r.answered,
            abandoned: r.abandoned,
            dials: r.dials,
          },
        ];
      }),
    ),
  );
  for (const c of checks) console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value}`);
}
process.exitCode = checks.every((c) => c.pass) ? 0 : 1;

/** Several runs of one pacer as one result: rates averaged, counts summed, hours concatenated. */
function combine(rs: SimResult[]): SimResult {
  const mean = (f: (r: SimResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  const sum = (f: (r: SimResult) => number) => rs.reduce((s, r) => s + f(r), 0);
  const answered = sum((r) => r.answered);
  const abandoned = sum((r) => r.abandoned);
  return {
    pacer: rs[0]!.pacer,
    dials: sum((r) => r.dials),
    answered,
    abandoned,
    utilisation: mean((r) => r.utilisation),
    meanWaitSeconds: mean((r) => r.meanWaitSeconds),
    abandonRate: answered === 0 ? 0 : abandoned / answered,
    worstHourAbandonRate: Math.max(...rs.map((r) => r.worstHourAbandonRate)),
    callsPerAgentHour: mean((r) => r.callsPerAgentHour),
    hours: rs.flatMap((r) => r.hours),
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)} %`;
}
