import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../api';
import { ErrorBanner, Field } from '../../ui';
import type { Agent } from './types';

const REASONS = ['Break', 'Lunch', 'Training', 'Meeting', 'After-call work', 'Technical problem'];

type Change = { status: 'available' } | { status: 'paused'; reason: string } | { status: 'offline' };

/**
 * The agent's own status: available, pause with a reason, offline. During a call a pause is noted
 * and taken after it; the server's state machine decides and says why when it refuses.
 */
export function StatusControl({ agent }: { agent: Agent }) {
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const set = useMutation({
    mutationFn: (c: Change) => api.put<Agent>('/api/me/agent/status', c),
    onSuccess: (a, c) => {
      qc.setQueryData(['/api/me/agent'], a);
      if (c.status === 'paused') setReason('');
    },
  });
  const fieldErrors = set.error instanceof ApiError ? set.error.fieldErrors() : {};
  const busy = set.isPending;
  const onCall = agent.status === 'ringing' || agent.status === 'on_call';
  const submit = (c: Change) => set.mutate(c);

  return (
    <div className="stack">
      <ErrorBanner error={set.error} />
      <div className="actions">
        <button
          type="button"
          disabled={busy || (agent.status === 'available' && !agent.pause_reason)}
          onClick={() => submit({ status: 'available' })}
        >
          {agent.status === 'wrap_up' ? 'End wrap-up: available' : 'Available'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy || agent.status === 'offline' || onCall}
          onClick={() => submit({ status: 'offline' })}
        >
          Go offline
        </button>
      </div>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          submit({ status: 'paused', reason: reason.trim() });
        }}
      >
        <Field
          label="Pause reason"
          error={fieldErrors.reason}
          hint={onCall ? 'You are on a call: the pause starts after it' : undefined}
        >
          {(id, d) => (
            <>
              <input
                id={id}
                aria-describedby={d}
                required
                maxLength={100}
                list={`${id}-reasons`}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              <datalist id={`${id}-reasons`}>
                {REASONS.map((r) => (
                  <option key={r} value={r} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <button type="submit" className="secondary" disabled={busy}>
          Pause
        </button>
      </form>
    </div>
  );
}
