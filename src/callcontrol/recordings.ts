import { AriNotFound, type AriClient, type AriEventOf } from '../ari/index.js';
import type { ServerRecord } from '../ari/servers.repo.js';
import type { CallsService } from '../calls/calls.service.js';
import { AppError, conflict, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/types.js';
import { ariFailure } from './actions.js';
import type { CallControlCore, CallControlDeps } from './callcontrol.service.js';
import type { RecordingRow } from './recordings.repo.js';

/** The format recordings are made in: every Asterisk writes it, every browser plays it. */
const FORMAT = 'wav';
/** Recordings deleted per retention run (the next run takes the rest). */
const RETENTION_BATCH = 200;

/** Why a recording Asterisk said it finished has no file. */
const NOT_STORED =
  'Asterisk stored no file: check that it may write its recording spool (astspooldir/recording)';

/**
 * Recordings: started and stopped on a connected call's bridge through ARI, or (inbound calls of
 * a campaign that records them) written by the dialplan's MixMonitor with a row the routing
 * statement inserts and the call's end closes; listed per call, streamed from Asterisk's stored
 * recordings to whoever may see the call, and deleted from Asterisk and the log once older than
 * `recordings.retention_days`.
 */
export function createRecordings(
  core: CallControlCore,
  deps: CallControlDeps & { calls: Pick<CallsService, 'get'> },
) {
  const repo = core.recordings;
  const now = () => deps.clock.now();

  /** A call whose recordings the actor may see: an agent their own; others as the call log allows. */
  async function access(actor: Actor, callId: number): Promise<void> {
    if (actor.role === 'agent') await core.callFor(actor, callId);
    else await deps.calls.get(actor, callId);
  }

  async function start(actor: Actor, callId: number): Promise<RecordingRow> {
    const call = await core.callFor(actor, callId);
    if (call.state !== 'connected' || !call.bridge_id || call.server_id === null) {
      throw conflict(`only a connected call can be recorded (this one is ${call.state})`);
    }
    if ((await repo.running(callId)).length > 0) throw conflict('the call is being recorded already');
    const { client } = await core.clientFor(call.server_id);
    const rec = await repo.insert({ callId, serverId: call.server_id, format: FORMAT, at: now() });
    try {
      await client.bridges.record(call.bridge_id, { name: rec.name, format: FORMAT, ifExists: 'fail' });
    } catch (err) {
      const failure = ariFailure('could not start the recording', err);
      await repo.finish(rec.id, { state: 'failed', at: now(), error: failure.message });
      throw failure;
    }
    return rec;
  }

  async function stop(actor: Actor, callId: number): Promise<RecordingRow[]> {
    const call = await core.callFor(actor, callId);
    const running = await repo.running(callId);
    if (running.length === 0) throw conflict('the call is not being recorded');
    const { client } = await core.clientFor(call.server_id!);
    for (const rec of running) {
      try {
        await client.recordings.stop(rec.name);
      } catch (err) {
        // 404: it had ended already (the bridge went, or Asterisk failed it); the event says how.
        if (!(err instanceof AriNotFound)) throw ariFailure('could not stop the recording', err);
      }
      await repo.finish(rec.id, { state: 'done', at: now() });
    }
    return repo.ofCall(callId);
  }

  /** RecordingFinished / RecordingFailed: the row ends, with Asterisk's duration or cause. */
  async function event(
    server: ServerRecord,
    client: AriClient,
    e: AriEventOf<'RecordingFinished'> | AriEventOf<'RecordingFailed'>,
  ): Promise<void> {
    const rec = await repo.byName(server.id, e.recording.name);
    if (!rec) return;
    // Asterisk reports a recording finished even when it could not open its file (a spool
    // directory it may not write): only a stored file makes it one.
    if (e.type === 'RecordingFinished' && !(await isStored(client, rec.name))) {
      await repo.markFailed(rec.id, NOT_STORED, now());
      return;
    }
    const duration = e.recording.duration ?? null;
    const failed = e.type === 'RecordingFailed';
    const ended = await repo.finish(rec.id, {
      state: failed ? 'failed' : 'done',
      at: now(),
      duration,
      error: failed ? `Asterisk: ${e.recording.cause ?? 'recording failed'}` : null,
    });
    if (!ended && duration !== null) await repo.setDuration(rec.id, duration);
  }

  /** Whether Asterisk has the file; true when it cannot say (the download will tell). */
  async function isStored(client: AriClient, name: string): Promise<boolean> {
    try {
      await client.recordings.getStored(name);
      return true;
    } catch (err) {
      return !(err instanceof AriNotFound);
    }
  }

  /** The call ended: Asterisk stopped its recordings with the bridge. */
  async function callEnded(callId: number): Promise<void> {
    for (const rec of await repo.running(callId)) await repo.finish(rec.id, { state: 'done', at: now() });
  }

  async function list(actor: Actor, callId: number): Promise<RecordingRow[]> {
    await access(actor, callId);
    return repo.ofCall(callId);
  }

  /** The file of a recording, streamed from its Asterisk; checked like the call it belongs to. */
  async function download(actor: Actor, id: number) {
    const rec = await repo.get(id);
    if (!rec) throw notFound('recording', id);
    await access(actor, rec.call_id);
    if (rec.state === 'deleted')
      throw new AppError('not_found', `recording ${id} was deleted (recordings.retention_days)`);
    if (rec.state === 'recording') throw conflict('the recording is still running: stop it first');
    if (rec.server_id === null)
      throw conflict(
        `recording ${id} has no Asterisk server to fetch it from: none was registered for its PBX when the call was made, or it has been removed`,
      );
    const { client } = await core.clientFor(rec.server_id);
    try {
      const file = await client.recordings.getStoredFile(rec.name);
      return { recording: rec, file };
    } catch (err) {
      if (err instanceof AriNotFound)
        throw new AppError('not_found', `the file of recording ${id} is not on its Asterisk server`);
      throw ariFailure('could not fetch the recording', err);
    }
  }

  /** Deletes recordings older than the retention setting, from Asterisk and then from the log. */
  async function retention(): Promise<number> {
    const days = Number(await deps.settings.value('recordings.retention_days'));
    if (days <= 0) return 0;
    const before = new Date(now().getTime() - days * 86_400_000);
    let deleted = 0;
    for (const rec of await repo.expired(before, RETENTION_BATCH)) {
      try {
        if (rec.server_id !== null) {
          const { client } = await core.clientFor(rec.server_id);
          await client.recordings.deleteStored(rec.name).catch((err: unknown) => {
            if (!(err instanceof AriNotFound)) throw err;
          });
        }
        await repo.markDeleted(rec.id, now());
        deleted += 1;
      } catch (err) {
        // Its server is down: left for the next run.
        deps.log?.warn({ err, recording: rec.id }, 'recording not deleted yet');
      }
    }
    return deleted;
  }

  return { start, stop, event, callEnded, list, download, retention, repo };
}

export type Recordings = ReturnType<typeof createRecordings>;
