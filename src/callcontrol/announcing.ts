/**
 * The call-control repositories wrapped so that every change they write is announced to the live
 * streams (changes.ts): the core uses these, so no flow can change a call without saying so.
 */
import type { ChangeNotifier } from '../agents/changes.js';
import type { CallControlRepo } from './callcontrol.repo.js';
import type { RecordingsRepo } from './recordings.repo.js';

/**
 * The calls' SQL with every change announced once it is written (changes.ts): a call's state, a
 * leg dialled, answered or gone, hold, mute, a transfer's legs. Only a change that happened is
 * announced (a conditional update that found nothing says nothing).
 */
export function announcing(repo: CallControlRepo, changes: ChangeNotifier): CallControlRepo {
  const told = <T>(callId: number | undefined, result: T): T => {
    if (callId !== undefined) changes.call(callId);
    return result;
  };
  return {
    ...repo,
    createCall: async (c) => {
      const r = await repo.createCall(c);
      return told(r.id, r);
    },
    moveCall: async (id, from, to, set) => {
      const r = await repo.moveCall(id, from, to, set);
      return told(r ? id : undefined, r);
    },
    endCall: async (id, e) => {
      const r = await repo.endCall(id, e);
      return told(r ? id : undefined, r);
    },
    addLeg: async (l) => told(l.callId, await repo.addLeg(l)),
    legUp: async (id, at) => {
      const r = await repo.legUp(id, at);
      return told(r?.call_id, r);
    },
    legGone: async (id, at, cause, causeTxt) => {
      const r = await repo.legGone(id, at, cause, causeTxt);
      return told(r?.call_id, r);
    },
    setLegRole: async (id, role) => {
      const callId = await repo.setLegRole(id, role);
      return told(callId, callId);
    },
    setLegFlags: async (id, flags) => {
      const callId = await repo.setLegFlags(id, flags);
      return told(callId, callId);
    },
  };
}

/** Recordings' SQL with every change of one announced as a change of its call. */
export function announcingRecordings(repo: RecordingsRepo, changes: ChangeNotifier): RecordingsRepo {
  return {
    ...repo,
    insert: async (r) => {
      const row = await repo.insert(r);
      changes.call(row.call_id);
      return row;
    },
    finish: async (id, e) => {
      const row = await repo.finish(id, e);
      if (row) changes.call(row.call_id);
      return row;
    },
    setDuration: async (id, duration) => {
      const callId = await repo.setDuration(id, duration);
      if (callId !== undefined) changes.call(callId);
      return callId;
    },
    markFailed: async (id, error, at) => {
      const callId = await repo.markFailed(id, error, at);
      if (callId !== undefined) changes.call(callId);
      return callId;
    },
    markDeleted: async (id, at) => {
      const callId = await repo.markDeleted(id, at);
      if (callId !== undefined) changes.call(callId);
      return callId;
    },
  };
}
