import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** Byte-for-byte recordings of a real Asterisk 22 (copied from the project's shared/asterisk-captures). */
export const CAPTURES = new URL('../fixtures/asterisk-captures/', import.meta.url);

export interface CaptureStep {
  dir: 'in' | 'out';
  /** For 'in': bytes Asterisk sent in one read. For 'out': what the server wrote. */
  data: string;
}

/** Reads a capture file: `<< "…"` is what Asterisk sent, `>> "…"` what the server sent. */
export function loadCapture(name: string): CaptureStep[] {
  const text = readFileSync(new URL(`agi/${name}`, CAPTURES), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('<< ') || l.startsWith('>> '))
    .map((l) => ({ dir: l.startsWith('<<') ? 'in' : 'out', data: JSON.parse(l.slice(3)) as string }));
}

/**
 * Plays Asterisk's side of a capture against a FastAGI server: sends each recorded read as
 * one write, and before each recorded reply waits for the server's next line(s). Returns what
 * the server actually wrote, line by line, so the test can compare it with the recording.
 */
export async function replay(
  port: number,
  steps: CaptureStep[],
  opts: { pace?: number; waitForServerClose?: boolean } = {},
): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  const written: string[] = [];
  let buffer = '';
  let closed = false;
  const waiters: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      written.push(buffer.slice(0, nl + 1));
      buffer = buffer.slice(nl + 1);
    }
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let expectedOut = 0;
  for (const step of steps) {
    if (step.dir === 'out') {
      expectedOut += 1;
      while (written.length < expectedOut && !closed) await new Promise<void>((r) => waiters.push(r));
      if (written.length < expectedOut) break;
    } else if (!closed) {
      socket.write(step.data);
      if (opts.pace) await new Promise((r) => setTimeout(r, opts.pace));
    }
  }
  if (opts.waitForServerClose) {
    // As Asterisk does: keep the connection open until the script ends it.
    const deadline = Date.now() + 5000;
    while (!closed && Date.now() < deadline) await new Promise<void>((r) => waiters.push(r));
  }
  await endOf(socket);
  return written;
}

function endOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, 2000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}

/** The header block Asterisk 22 sends for an AGI() call, as in the captures. */
export function agiHeader(opts: {
  script: string;
  uniqueid: string;
  args?: string[];
  callerid?: string;
  extension?: string;
}): string {
  const lines = [
    'agi_network: yes',
    `agi_network_script: ${opts.script}`,
    `agi_request: agi://127.0.0.1:4573/${opts.script}`,
    'agi_channel: PJSIP/carrier-00000001',
    'agi_language: en',
    'agi_type: PJSIP',
    `agi_uniqueid: ${opts.uniqueid}`,
    'agi_version: 22.10.1',
    `agi_callerid: ${opts.callerid ?? '13125550100'}`,
    'agi_calleridname: unknown',
    'agi_callingpres: 0',
    'agi_callingani2: 0',
    'agi_callington: 0',
    'agi_callingtns: 0',
    `agi_dnid: ${opts.extension ?? 'unknown'}`,
    'agi_rdnis: unknown',
    'agi_context: capconduit-inbound',
    `agi_extension: ${opts.extension ?? 's'}`,
    'agi_priority: 3',
    'agi_enhanced: 0.0',
    'agi_accountcode: ',
    'agi_threadid: 140099088680640',
    ...(opts.args ?? []).map((a, i) => `agi_arg_${i + 1}: ${a}`),
  ];
  return `${lines.join('\n')}\n\n`;
}
