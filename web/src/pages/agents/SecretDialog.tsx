import { useState } from 'react';
import { Dialog, Notice } from '../../ui';
import type { AgentWithSecret } from './types';

/**
 * The SIP secret, shown once: after create and after a reset. The page keeps it only while this
 * dialog is open; nothing can read it again later (a lost secret is reset, not recovered).
 */
export function SecretDialog(props: { shown: AgentWithSecret | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const a = props.shown?.agent;
  const close = () => {
    setCopied(false);
    props.onClose();
  };
  return (
    <Dialog title={a ? `Phone settings for ${a.user_name}` : ''} open={props.shown !== null} onClose={close}>
      {a && props.shown && (
        <div className="stack">
          <Notice>
            Copy the password now: it is shown only this once. If it is lost, use “New secret” to make
            another.
          </Notice>
          <dl className="facts">
            <dt>Extension</dt>
            <dd>{a.extension}</dd>
            <dt>SIP user name</dt>
            <dd>
              <code>{a.endpoint_id}</code>
            </dd>
            <dt>SIP password</dt>
            <dd>
              <code data-testid="sip-secret">{props.shown.sip_secret}</code>
            </dd>
            <dt>Phone type</dt>
            <dd>{a.webrtc ? 'Browser (WebRTC)' : 'SIP phone or softphone'}</dd>
          </dl>
          <div className="form-actions">
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void navigator.clipboard?.writeText(props.shown!.sip_secret).then(() => setCopied(true))
              }
            >
              {copied ? 'Copied' : 'Copy password'}
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
