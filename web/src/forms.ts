import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from './api';

/**
 * Form state for an API call: submitting flag, the API's error and its per-field messages.
 * `submit` runs `action` and keeps the error for display instead of throwing it away.
 */
export function useSubmit<T>(action: () => Promise<T>, onDone?: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const form = useRef<HTMLFormElement | null>(null);
  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  // A refused submit shows where: the first field in error, or the form's error banner, is
  // scrolled to and focused once it is on screen (a long form's error was off screen).
  useEffect(() => {
    if (error) revealFirstError(form.current);
  }, [error]);
  async function submit(e?: FormEvent) {
    e?.preventDefault();
    // read now: React resets currentTarget once the handler returns
    if (e?.currentTarget instanceof HTMLFormElement) form.current = e.currentTarget;
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      onDone?.(result);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, fields, submit, setError };
}

/** Scrolls to and focuses the first field in error in `form`, else its error banner. */
function revealFirstError(form: HTMLFormElement | null): void {
  if (!form?.isConnected) return;
  const control = form.querySelector<HTMLElement>(
    '.field.invalid input, .field.invalid select, .field.invalid textarea',
  );
  const target = control ?? form.querySelector<HTMLElement>('.banner.error');
  if (!target) return;
  if (!control) target.tabIndex = -1; // a banner takes focus only from code
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
}
