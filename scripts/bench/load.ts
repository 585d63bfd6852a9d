/**
 * Load shapes for the benchmarks: a closed loop (N requests in flight, as fast as they come
 * back) for throughput, and an open loop (a fixed offered rate) for latency.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One request: when it ended (performance.now()) and whether it got what it asked for. */
export type Send = () => Promise<{ ended: number; ok: boolean }>;

export const round = (x: number) => +x.toFixed(2);
/** performance.now() as epoch milliseconds, to line client traces up with other processes'. */
const toEpoch = (t: number) => (performance.timeOrigin + t).toFixed(2);

export function quantiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
  return { p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100) };
}

/** `concurrency` loops, each sending its next request when the last one came back. */
export async function closedLoop(send: Send, seconds: number, concurrency: number) {
  const lat: number[] = [];
  let ok = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const r = await send();
        lat.push(r.ended - t0);
        if (r.ok) ok++;
      }
    }),
  );
  return { per_s: Math.round(ok / ((performance.now() - started) / 1000)), request_ms: quantiles(lat) };
}

/**
 * Open loop: request i is due at start + i/rate whatever happened before it, and its latency is
 * counted from that due time, so a stall of the client or the server is charged to every
 * request it delays (coordinated omission accounted for). The client's own lateness in sending
 * and its event-loop delay are reported beside it, so the load generator cannot hide in the
 * figure. The first `warmupSeconds` run at the same rate without being counted, with no pause
 * between them and the measured requests (a pause would start the measurement with a burst of
 * cold sockets and collected garbage that the steady load never sees). With `trace`, every
 * counted request's due time (epoch ms), latency and send lag are written to that file.
 */
export async function openLoop(
  send: Send,
  seconds: number,
  rate: number,
  opts: { warmupSeconds?: number; trace?: string | undefined } = {},
) {
  const { trace } = opts;
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const warmup = Math.round((opts.warmupSeconds ?? 0) * rate);
  const total = warmup + Math.round(seconds * rate);
  const fromDue: number[] = [];
  const fromSent: number[] = [];
  const sendLag: number[] = [];
  const rows: string[] = [];
  const pending: Promise<void>[] = [];
  let failed = 0;
  const cpu0 = process.cpuUsage();
  eld.enable();
  const start = performance.now() + 5;
  const dueAt = (i: number) => start + (i * 1000) / rate;
  await new Promise<void>((done) => {
    let i = 0;
    const tick = () => {
      while (i < total && dueAt(i) <= performance.now()) {
        const counted = i >= warmup;
        if (i === warmup) eld.reset();
        const due = dueAt(i++);
        const sent = performance.now();
        if (!counted) {
          void send().catch(() => undefined);
          continue;
        }
        sendLag.push(sent - due);
        pending.push(
          send().then((r) => {
            fromDue.push(r.ended - due);
            fromSent.push(r.ended - sent);
            if (trace) rows.push(`${toEpoch(due)} ${(r.ended - due).toFixed(2)} ${(sent - due).toFixed(2)}`);
            if (!r.ok) failed++;
          }),
        );
      }
      if (i >= total) done();
      else setTimeout(tick, Math.max(0, dueAt(i) - performance.now()));
    };
    setTimeout(tick, 5);
  });
  await Promise.all(pending);
  eld.disable();
  const cpu = process.cpuUsage(cpu0);
  if (trace) writeFileSync(trace, `${rows.join('\n')}\n`);
  return {
    rate,
    requests: total - warmup,
    failed,
    // What a caller sees: from the time the request was due.
    latency_ms: quantiles(fromDue),
    // From the moment the client actually wrote it (not corrected; for comparison only).
    service_ms: quantiles(fromSent),
    client_send_lag_ms: quantiles(sendLag),
    // monitorEventLoopDelay at 1 ms resolution (~1 ms is the floor, not a delay), measured part only.
    client_event_loop_delay_ms: {
      p50: round(eld.percentile(50) / 1e6),
      p99: round(eld.percentile(99) / 1e6),
      max: round(eld.max / 1e6),
    },
    /** The whole loop's, warm-up included. */
    client_cpu_s: round((cpu.user + cpu.system) / 1e6),
  };
}
