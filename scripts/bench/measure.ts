/** What the benchmarks read off the machine and the server while they run. */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by the processes whose command name is `name` (Linux /proc), else NaN. */
export function cpuSeconds(filter: (pid: string, comm: string) => boolean): number {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (!filter(pid, comm)) continue;
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // the process ended while we looked
      }
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds of the whole machine (all cores) from /proc/stat: busy (neither idle nor waiting
 * for I/O), of which softirq (where loopback TCP is processed) and steal (time the hypervisor
 * gave to another guest). NaN where there is no /proc.
 */
export function machineSeconds(): { busy: number; softirq: number; steal: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    const at = (i: number) => (f[i] ?? 0) / 100;
    return {
      busy: f.slice(0, 8).reduce((a, b) => a + b, 0) / 100 - at(3) - at(4),
      softirq: at(6),
      steal: at(7),
    };
  } catch {
    return { busy: NaN, softirq: NaN, steal: NaN };
  }
}

/** Cumulative bucket counts of the server's /next-cid duration histogram (from /metrics). */
export async function serverHistogram(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  const re =
    /capconduit_http_request_duration_seconds_bucket\{le="([^"]+)",method="GET",route="\/next-cid",status="200"\} (\d+)/g;
  for (const m of text.matchAll(re)) buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** p50 and p99 (as the bucket's upper bound, in ms) of the requests between two scrapes. */
export function histogramQuantiles(before: Map<number, number>, after: Map<number, number>) {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  const at = (q: number) => {
    for (const le of les) if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= q * total) return le * 1000;
    return Infinity;
  };
  return { requests: total, p50_at_most: at(0.5), p99_at_most: at(0.99) };
}
