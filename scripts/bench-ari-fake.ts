/**
 * The fake Asterisk of `npm run bench:ari`, in a process of its own so the benchmark's CPU
 * figures are CapConduit's alone. Phones and the carrier answer at once. On `blast` it sends
 * the events of the captured click-to-call (test/fixtures/asterisk-captures/ari) at a fixed
 * rate, each channel id made unique and stamped with the time it was sent, so the receiver
 * can tell each event's latency.
 */
import { readFileSync } from 'node:fs';
import { startFakeAri } from '../test/helpers/fake-ari/index.js';

const agents = Number(process.argv[2] ?? 64);
const endpoints: Record<string, { outcome: 'answer'; context: string }> = {
  'PJSIP/carrier': { outcome: 'answer', context: 'from-carrier' },
};
for (let i = 0; i < agents; i++)
  endpoints[`PJSIP/agent-${2000 + i}`] = { outcome: 'answer', context: 'capconduit-agents' };
const fake = await startFakeAri({ systemName: 'bench', endpoints });

const capture = readFileSync(
  new URL('../test/fixtures/asterisk-captures/ari/click-to-call-bridge-record.events.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });

const now = () => performance.timeOrigin + performance.now();

/** One captured event with its channel ids made unique for pass `n` and stamped with `at`. */
function stamped(e: Record<string, unknown> & { type: string }, n: number, at: number) {
  const copy = structuredClone(e);
  for (const key of ['channel', 'peer', 'caller', 'replace_channel'] as const) {
    const c = copy[key] as { id?: string } | undefined;
    if (c && typeof c.id === 'string') c.id = `${c.id}~${n}~${at.toFixed(3)}`;
  }
  const { type, timestamp: _t, application: _a, asterisk_id: _i, ...fields } = copy;
  return { type, ...fields };
}

async function blast(app: string, rate: number, seconds: number): Promise<number> {
  const started = now();
  let sent = 0;
  let pass = 0;
  let index = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (now() - started) / 1000;
      const due = Math.min(rate * seconds, Math.floor(rate * elapsed));
      while (sent < due) {
        const e = capture[index]!;
        fake.inject(app, stamped(e, pass, now()));
        sent += 1;
        index += 1;
        if (index === capture.length) {
          index = 0;
          pass += 1;
        }
      }
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  await fake.flush(app);
  return sent;
}

process.on('message', (m: { type: string; app?: string; rate?: number; seconds?: number }) => {
  if (m.type === 'blast') {
    void blast(m.app!, m.rate!, m.seconds!).then((sent) => process.send!({ type: 'blasted', sent }));
  } else if (m.type === 'stop') {
    void fake.stop().then(() => process.exit(0));
  }
});
process.send!({ type: 'ready', ...fake.server, events: capture.length });
