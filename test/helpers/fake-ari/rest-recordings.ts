/**
 * Recordings on the fake Asterisk: starting one (channels and bridges), controlling it while
 * it runs, and the stored files. With `state.spoolWritable` false it fails as the captured
 * Asterisk without a `recording` spool directory did: record → 500, list stored → 500
 * `{"error": "Allocation failed"}`.
 */
import type { PbxContext } from './context.js';
import { allocationFailed, fail, noContent, ok, type Reply, type Router } from './router.js';
import { recordingJson, type FakeLiveRecording } from './state.js';

/** Formats this fake "has" (ast_get_format_for_file_ext). */
const FORMATS = new Set(['wav', 'gsm', 'ulaw', 'alaw', 'sln', 'sln16', 'g722', 'wav49']);

/** Who hears a recording's events: the application of the channel or bridge recorded. */
const apps = new WeakMap<FakeLiveRecording, string | undefined>();

/** POST …/record of a channel or bridge (the 201 answer; RecordingStarted follows). */
export function startRecording(
  pbx: PbxContext,
  target: string,
  app: string | undefined,
  q: URLSearchParams,
): Reply {
  const name = q.get('name') ?? '';
  const format = q.get('format') ?? '';
  if (name === '' || format === '') return fail(400, 'Invalid parameters');
  const ifExists = q.get('ifExists') ?? 'fail';
  if (!['fail', 'overwrite', 'append'].includes(ifExists)) return fail(400, 'ifExists invalid');
  if (!FORMATS.has(format)) return fail(422, 'specified format is unknown on this system');
  const running = pbx.state.live.get(name);
  const busy =
    running && (running.state === 'recording' || running.state === 'paused' || running.state === 'queued');
  if (busy || (ifExists === 'fail' && pbx.state.stored.has(name))) {
    return fail(409, `Recording '${name}' already exists and can not be overwritten`);
  }
  if (!pbx.state.spoolWritable) return fail(500, 'Internal Server Error');
  const rec: FakeLiveRecording = {
    name,
    format,
    target_uri: target,
    state: 'queued',
    startedMs: pbx.state.now(),
    muted: false,
  };
  pbx.state.live.set(name, rec);
  apps.set(rec, app);
  const reply = {
    status: 201,
    json: recordingJson(rec, pbx.state.now()),
    headers: { Location: `/ari/recordings/live/${name}` },
  };
  pbx.later(() => {
    if (rec.state !== 'queued') return;
    rec.state = 'recording';
    rec.startedMs = pbx.state.now();
    pbx.hub.emit(app, 'RecordingStarted', { recording: recordingJson(rec, pbx.state.now()) });
  });
  return reply;
}

/** Ends a live recording as done (kept) or canceled (file deleted); RecordingFinished either way. */
export function finishRecording(pbx: PbxContext, rec: FakeLiveRecording, state: 'done' | 'canceled'): void {
  rec.state = state;
  pbx.state.live.delete(rec.name);
  if (state === 'done') {
    const seconds = Math.max(0, Math.round((pbx.state.now() - rec.startedMs) / 1000));
    pbx.state.stored.set(rec.name, { name: rec.name, format: rec.format, bytes: fakeWav(seconds) });
  }
  pbx.hub.emit(apps.get(rec), 'RecordingFinished', { recording: recordingJson(rec, pbx.state.now()) });
}

export function recordingRoutes(r: Router, pbx: PbxContext): void {
  const { state } = pbx;
  const live = (name: string | undefined) => (name === undefined ? undefined : state.live.get(name));
  const control = (method: string, tail: string, act: (rec: FakeLiveRecording) => Reply | void) =>
    r.add(method, `/recordings/live/:name${tail}`, ({ params }) => {
      const rec = live(params.name);
      return rec ? (act(rec) ?? noContent()) : fail(404, 'Recording not found');
    });
  control('GET', '', (rec) => ok(recordingJson(rec, state.now())));
  control('POST', '/stop', (rec) => finishRecording(pbx, rec, 'done'));
  control('DELETE', '', (rec) => finishRecording(pbx, rec, 'canceled'));
  const inSession = (rec: FakeLiveRecording) => rec.state === 'recording' || rec.state === 'paused';
  const toggle = (field: 'paused' | 'muted', on: boolean) => (rec: FakeLiveRecording) => {
    if (!inSession(rec)) return fail(409, 'Recording not in session');
    if (field === 'paused') rec.state = on ? 'paused' : 'recording';
    else rec.muted = on;
  };
  control('POST', '/pause', toggle('paused', true));
  control('DELETE', '/pause', toggle('paused', false));
  control('POST', '/mute', toggle('muted', true));
  control('DELETE', '/mute', toggle('muted', false));
  r.add('GET', '/recordings/stored', () =>
    state.spoolWritable
      ? ok([...state.stored.values()].map((s) => ({ name: s.name, format: s.format })))
      : allocationFailed(),
  );
  const stored = (method: string, tail: string, act: (name: string) => Reply) =>
    r.add(method, `/recordings/stored/:name${tail}`, ({ params }) => {
      const s = state.stored.get(params.name!);
      return s ? act(s.name) : fail(404, 'Recording not found');
    });
  stored('GET', '', (name) => ok({ name, format: state.stored.get(name)!.format }));
  stored('DELETE', '', (name) => {
    state.stored.delete(name);
    return noContent();
  });
  stored('GET', '/file', (name) => {
    const s = state.stored.get(name)!;
    return { status: 200, raw: { type: `audio/${s.format}`, bytes: s.bytes } };
  });
}

/** A valid, silent 8 kHz mono 16-bit wav of `seconds` (at least a few samples, so it is never empty). */
export function fakeWav(seconds: number): Buffer {
  const dataBytes = Math.max(16, seconds * 8000 * 2);
  const b = Buffer.alloc(44 + dataBytes);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(dataBytes, 40);
  return b;
}
