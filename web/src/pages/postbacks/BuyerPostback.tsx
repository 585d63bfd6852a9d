import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Page } from '../../api';
import { ErrorBanner, Field, Loading, Notice, dateTime } from '../../ui';
import { PostbacksTable } from './PostbacksTable';
import type { NewPostbackKey, Postback, PostbackKey } from './types';

const GRACE = [
  { hours: 0, label: 'Stops now' },
  { hours: 1, label: 'Works 1 more hour' },
  { hours: 24, label: 'Works 24 more hours' },
  { hours: 72, label: 'Works 72 more hours' },
];

/** The URL a buyer's CRM calls, with its key id, and placeholders for what the CRM fills in. */
function urlTemplate(keyId: string): string {
  return `${window.location.origin}/postback/conversions?action={confirm|reverse}&call_id={call_id}&key_id=${keyId}&nonce={unique id}&ts={unix seconds}&sig={signature}`;
}

/**
 * A buyer's postback URL (admin and staff): the URL template and the signing rule to give the
 * buyer's integrator, the key in use, "New key" (its secret shown only once, the old key kept
 * for a grace period if chosen), turning postbacks off, and the latest postbacks received.
 */
export function BuyerPostback(props: { clientId: number; clientName: string }) {
  const qc = useQueryClient();
  const base = `/api/clients/${props.clientId}`;
  const [grace, setGrace] = useState(0);
  const [shown, setShown] = useState<NewPostbackKey | null>(null);
  const [copied, setCopied] = useState(false);
  const keys = useQuery({
    queryKey: [`${base}/postback-keys`],
    queryFn: () => api.get<{ client_id: number; keys: PostbackKey[] }>(`${base}/postback-keys`),
  });
  const recent = useQuery({
    queryKey: [`${base}/postbacks`],
    queryFn: () => api.get<Page<Postback>>(`${base}/postbacks`, { limit: 20, offset: 0 }),
    // while staff watch a buyer's integrator test its CRM
    refetchInterval: 10_000,
  });
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: [`${base}/postback-keys`] }),
      qc.invalidateQueries({ queryKey: [`${base}/postbacks`] }),
    ]);
  const rotate = useMutation({
    mutationFn: () => api.post<NewPostbackKey>(`${base}/postback-keys/rotate`, { grace_hours: grace }),
    onSuccess: (k) => {
      setCopied(false);
      setShown(k);
      return refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.del(`${base}/postback-keys`),
    onSuccess: () => {
      setShown(null);
      return refresh();
    },
  });

  if (!keys.data) return keys.error ? <ErrorBanner error={keys.error} /> : <Loading />;
  const current = keys.data.keys.find((k) => k.expires_at === null);
  const graced = keys.data.keys.filter((k) => k.expires_at !== null);
  return (
    <div className="stack">
      <ErrorBanner error={rotate.error ?? revoke.error} />
      {shown && (
        <Notice kind="success">
          New key for {props.clientName}. Copy the secret now: it is shown only this once.
          <dl className="facts">
            <dt>Key id</dt>
            <dd>
              <code>{shown.key_id}</code>
            </dd>
            <dt>Secret</dt>
            <dd>
              <code data-testid="postback-secret" style={{ overflowWrap: 'anywhere' }}>
                {shown.secret}
              </code>
            </dd>
          </dl>
          <button
            type="button"
            className="secondary"
            onClick={() => void navigator.clipboard?.writeText(shown.secret).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy secret'}
          </button>
        </Notice>
      )}
      {current ? (
        <>
          <dl className="facts">
            <dt>Key id</dt>
            <dd>
              <code>{current.key_id}</code> (made {dateTime(current.created_at)})
            </dd>
            {graced.map((k) => (
              <div key={k.key_id}>
                <dt>Previous key</dt>
                <dd>
                  <code>{k.key_id}</code> works until {dateTime(k.expires_at)}
                </dd>
              </div>
            ))}
            <dt>Postback URL</dt>
            <dd>
              <code data-testid="postback-url" style={{ overflowWrap: 'anywhere' }}>
                {urlTemplate(current.key_id)}
              </code>
            </dd>
          </dl>
          <p className="muted">
            GET (a pixel) or POST (JSON or a form) to the same URL. <strong>sig</strong> is the HMAC-SHA256,
            in hex, keyed with the secret, of every other parameter sorted by name and written{' '}
            <code>name=value</code> (values percent-encoded as RFC 3986), joined with <code>&amp;</code>.{' '}
            <strong>ts</strong> must be within 5 minutes of the server’s clock and each <strong>nonce</strong>{' '}
            is taken once. Instead of <code>call_id</code>, a CRM may name the call by <code>uniqueid</code>,
            or by <code>caller</code> and <code>at</code> (when it was taken). A confirm may set{' '}
            <code>amount</code> (the payout); a reverse makes the payout 0. The full guide for the buyer’s
            integrator: docs/postbacks.md.
          </p>
        </>
      ) : (
        <p>
          {props.clientName} has no postback key: its CRM cannot confirm or reverse conversions until you make
          one.
        </p>
      )}
      <div className="filters">
        {current && (
          <Field label="The key in use">
            {(id) => (
              <select id={id} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
                {GRACE.map((g) => (
                  <option key={g.hours} value={g.hours}>
                    {g.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="form-actions">
          <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
            {current ? 'New key' : 'Make a key'}
          </button>
          {keys.data.keys.length > 0 && (
            <button
              type="button"
              className="danger"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate()}
            >
              Turn postbacks off
            </button>
          )}
        </div>
      </div>
      <h3>Latest postbacks</h3>
      <ErrorBanner error={recent.error} />
      <PostbacksTable rows={recent.data?.items} showCall empty="No postback received yet" />
    </div>
  );
}
