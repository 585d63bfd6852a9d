import { useState } from 'react';
import { Dialog, Notice } from '../../ui';
import type { SubscriptionWithSecret } from './types';

/**
 * The signing secret, shown once: after create and after "New secret". The page keeps it only
 * while this dialog is open; the API never returns it again (a lost secret is replaced).
 */
export function SecretDialog(props: { shown: SubscriptionWithSecret | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const s = props.shown;
  const close = () => {
    setCopied(false);
    props.onClose();
  };
  return (
    <Dialog title="Signing secret" open={s !== null} onClose={close}>
      {s && (
        <div className="stack">
          <Notice>
            Copy the secret now: it is shown only this once. Your receiver checks each request’s
            X-CapConduit-Signature with it (docs/webhooks.md). If it is lost, use “New secret”.
          </Notice>
          <dl className="facts">
            <dt>URL</dt>
            <dd style={{ overflowWrap: 'anywhere' }}>{s.url}</dd>
            <dt>Secret</dt>
            <dd>
              <code data-testid="webhook-secret" style={{ overflowWrap: 'anywhere' }}>
                {s.secret}
              </code>
            </dd>
          </dl>
          <div className="form-actions">
            <button
              type="button"
              className="secondary"
              onClick={() => void navigator.clipboard?.writeText(s.secret).then(() => setCopied(true))}
            >
              {copied ? 'Copied' : 'Copy secret'}
            </button>
            <button type="button" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
