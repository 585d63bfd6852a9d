import { readFileSync } from 'node:fs';
import { CAPTURES } from './asterisk-peer.js';

/** One REST exchange of a capture (`*.rest.txt`): the request line and the answer byte for byte. */
export interface RestExchange {
  method: string;
  /** Path and query as sent: `/ari/channels?endpoint=PJSIP/client1&app=cap`. */
  target: string;
  status: number;
  /** Empty for answers without a body (204). */
  contentType: string;
  body: string;
}

/** Reads `ari/<name>.rest.txt`: `METHOD TARGET`, `-> STATUS TYPE`, then the body up to the next request. */
export function loadRestCapture(name: string): RestExchange[] {
  const lines = readFileSync(new URL(`ari/${name}.rest.txt`, CAPTURES), 'utf8').split('\n');
  const out: RestExchange[] = [];
  for (let i = 0; i < lines.length; i++) {
    const req = /^(GET|POST|PUT|DELETE) (\/\S*)$/.exec(lines[i]!);
    if (!req) continue;
    const answer = /^-> (\d{3}) ?(.*)$/.exec(lines[i + 1] ?? '');
    if (!answer) throw new Error(`capture ${name}: no answer after line ${i + 1}`);
    const body: string[] = [];
    let j = i + 2;
    for (; j < lines.length && !/^(GET|POST|PUT|DELETE) \//.test(lines[j]!); j++) body.push(lines[j]!);
    while (body.length && body[body.length - 1]!.trim() === '') body.pop();
    out.push({
      method: req[1]!,
      target: req[2]!,
      status: Number(answer[1]),
      contentType: answer[2]!.trim(),
      body: body.join('\n'),
    });
    i = j - 1;
  }
  return out;
}

/** Reads `ari/<name>.events.jsonl`: the events as Asterisk sent them, one per line. */
export function loadEventCapture(name: string): Record<string, any>[] {
  return readFileSync(new URL(`ari/${name}.events.jsonl`, CAPTURES), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, any>);
}
