import { useState } from 'react';
import { ApiError } from './api';
import { ErrorBanner } from './ui';

/** The server refused a save because someone else saved a newer version first (If-Match, 412). */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

/**
 * A form's save error. A conflict stays in the form, saying the change is not saved, with the
 * typed values kept until the person chooses to load the other version; any other error is the
 * usual banner. (Who saved, and what they changed, the server does not know.)
 */
export function SaveError(props: { error: unknown; what: string; onReload: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  if (!isStale(props.error)) return <ErrorBanner error={props.error} />;
  return (
    <div className="banner error conflict" role="alert">
      <p>
        <strong>Someone else saved this {props.what} after you opened it. Your changes are not saved.</strong>
      </p>
      <p>
        What you typed is still in the form. Reloading shows their version instead; make your changes again on
        it and save.
      </p>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void props.onReload().finally(() => setBusy(false));
        }}
      >
        {busy ? 'Reloading…' : 'Reload their version'}
      </button>
    </div>
  );
}
