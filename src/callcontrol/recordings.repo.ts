import { many, one, type Queryable } from '../db/db.js';

export type RecordingState = 'recording' | 'done' | 'failed' | 'deleted';

export interface RecordingRow {
  id: number;
  call_id: number;
  server_id: number | null;
  name: string;
  format: string;
  state: RecordingState;
  started_at: Date;
  ended_at: Date | null;
  duration: number | null;
  error: string | null;
}

const COLUMNS = 'id, call_id, server_id, name, format, state, started_at, ended_at, duration, error';

/**
 * Recordings of calls: a row per recording CapConduit started (a bridge through ARI) or the
 * inbound dialplan's MixMonitor wrote. A state moves on only from the one it is in, so a
 * RecordingFinished that arrives after a stop, or twice, changes nothing.
 */
export function createRecordingsRepo(db: Queryable) {
  return {
    async insert(r: { callId: number; serverId: number; format: string; at: Date }): Promise<RecordingRow> {
      // The name comes from the row's id, so two recordings of a call never share a file.
      const row = await one<RecordingRow>(
        db,
        `WITH n AS (SELECT nextval(pg_get_serial_sequence('recordings', 'id')) AS id)
         INSERT INTO recordings (id, call_id, server_id, name, format, state, started_at) OVERRIDING SYSTEM VALUE
         SELECT n.id, $1, $2, 'cc-' || $1::bigint || '-' || n.id, $3, 'recording', $4 FROM n
         RETURNING ${COLUMNS}`,
        [r.callId, r.serverId, r.format, r.at],
      );
      return row!;
    },

    get(id: number): Promise<RecordingRow | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM recordings WHERE id = $1`, [id]);
    },

    byName(serverId: number, name: string): Promise<RecordingRow | undefined> {
      return one(db, `SELECT ${COLUMNS} FROM recordings WHERE server_id = $1 AND name = $2`, [
        serverId,
        name,
      ]);
    },

    ofCall(callId: number): Promise<RecordingRow[]> {
      return many(db, `SELECT ${COLUMNS} FROM recordings WHERE call_id = $1 ORDER BY id`, [callId]);
    },

    /** Ends a recording that is running (once): done, or failed with why. */
    finish(
      id: number,
      e: { state: 'done' | 'failed'; at: Date; duration?: number | null; error?: string | null },
    ): Promise<RecordingRow | undefined> {
      return one(
        db,
        `UPDATE recordings SET state = $2, ended_at = $3, duration = coalesce($4, duration), error = coalesce($5, error)
          WHERE id = $1 AND state = 'recording' RETURNING ${COLUMNS}`,
        [id, e.state, e.at, e.duration ?? null, e.error ?? null],
      );
    },

    /**
     * Fills in the duration Asterisk reported after the row was ended (a stop, then
     * RecordingFinished); the recording's call when it changed.
     */
    async setDuration(id: number, duration: number): Promise<number | undefined> {
      const row = await one<{ call_id: number }>(
        db,
        'UPDATE recordings SET duration = $2 WHERE id = $1 AND duration IS NULL RETURNING call_id',
        [id, duration],
      );
      return row?.call_id;
    },

    /** Recordings of a call still running (the call ended: Asterisk stopped them with the bridge). */
    running(callId: number): Promise<RecordingRow[]> {
      return many(db, `SELECT ${COLUMNS} FROM recordings WHERE call_id = $1 AND state = 'recording'`, [
        callId,
      ]);
    },

    /** Recordings started before `before` whose file may still exist: what retention deletes. */
    expired(before: Date, limit: number): Promise<RecordingRow[]> {
      return many(
        db,
        `SELECT ${COLUMNS} FROM recordings WHERE state IN ('done', 'failed') AND started_at < $1 ORDER BY started_at LIMIT $2`,
        [before, limit],
      );
    },

    /** Asterisk stored no file for it after all: failed, with why; the recording's call. */
    async markFailed(id: number, error: string, at: Date): Promise<number | undefined> {
      const row = await one<{ call_id: number }>(
        db,
        `UPDATE recordings SET state = 'failed', error = $2, ended_at = coalesce(ended_at, $3)
          WHERE id = $1 AND state IN ('recording', 'done') RETURNING call_id`,
        [id, error, at],
      );
      return row?.call_id;
    },

    /** The file is gone (retention); the recording's call. */
    async markDeleted(id: number, at: Date): Promise<number | undefined> {
      const row = await one<{ call_id: number }>(
        db,
        `UPDATE recordings SET state = 'deleted', ended_at = coalesce(ended_at, $2) WHERE id = $1 RETURNING call_id`,
        [id, at],
      );
      return row?.call_id;
    },
  };
}

export type RecordingsRepo = ReturnType<typeof createRecordingsRepo>;
