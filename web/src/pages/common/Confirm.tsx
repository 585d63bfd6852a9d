import type { ReactNode } from 'react';
import { Dialog, ErrorBanner, useSubmit } from '../../ui';

/**
 * "Are you sure?" for a destructive or hard-to-undo action. The action runs inside the dialog
 * so that the API's refusal (a 409 saying why) is shown where the person is looking.
 */
export function ConfirmDialog(props: {
  title: string;
  open: boolean;
  onClose: () => void;
  confirmLabel: string;
  cancelLabel?: string;
  danger?: boolean;
  action: () => Promise<unknown>;
  onDone?: () => void;
  children: ReactNode;
}) {
  return (
    <Dialog title={props.title} open={props.open} onClose={props.onClose}>
      <ConfirmBody {...props} />
    </Dialog>
  );
}

function ConfirmBody(props: Parameters<typeof ConfirmDialog>[0]) {
  const form = useSubmit(props.action, () => {
    props.onDone?.();
    props.onClose();
  });
  return (
    <form className="stack" onSubmit={form.submit}>
      <ErrorBanner error={form.error} />
      <div>{props.children}</div>
      <div className="form-actions">
        <button type="button" className="secondary" onClick={props.onClose}>
          {props.cancelLabel ?? 'Cancel'}
        </button>
        <button type="submit" className={props.danger ? 'danger' : undefined} disabled={form.busy} autoFocus>
          {form.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </form>
  );
}
