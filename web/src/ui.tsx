import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiError } from './api';

export { useSubmit } from './forms';

// Small shared building blocks: every page is made of these so that labels, errors, empty
// states and keyboard use are the same everywhere.

export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.description && <p className="muted">{props.description}</p>}
      </div>
      {props.actions && <div className="actions">{props.actions}</div>}
    </header>
  );
}

export function Section(props: { title: string; actions?: ReactNode; children: ReactNode; id?: string }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id} id={props.id}>
      <div className="card-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** What went wrong, in the API's words; nothing fails silently. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? error.message
      : error instanceof Error
        ? error.message
        : 'Something went wrong.';
  return (
    <div className="banner error" role="alert">
      {message}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ReactNode; kind?: 'info' | 'success' }) {
  return (
    <div className={`banner ${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted loading" role="status">
      {what}…
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  );
}

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** A table with a caption for screen readers and an empty state that says what to do next. */
export function DataTable<T>(props: {
  caption: string;
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string | number;
  empty: ReactNode;
  onRowClick?: (row: T) => void;
}) {
  if (!props.rows) return <Loading />;
  if (props.rows.length === 0) return <>{props.empty}</>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} scope="col" className={c.className}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr
              key={props.rowKey(row)}
              className={props.onRowClick ? 'clickable' : undefined}
              onClick={props.onRowClick ? () => props.onRowClick!(row) : undefined}
            >
              {props.columns.map((c) => (
                <td key={c.header} className={c.className} data-label={c.header}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pagination(props: {
  total: number;
  /** The total is a lower bound: there are more. */
  more?: boolean;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}) {
  const { total, limit, offset } = props;
  if (total <= limit && offset === 0) return null;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pagination" aria-label="Pages">
      <span>
        {total === 0 ? 0 : offset + 1}–{last} of {total.toLocaleString()}
        {props.more ? '+' : ''}
      </span>
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => props.onChange(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <button type="button" disabled={last >= total} onClick={() => props.onChange(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

/** A labelled form control with its error (from the API or the browser) announced to screen readers. */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy =
    [props.hint ? hintId : '', props.error ? errId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${props.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint && (
        <small id={hintId} className="muted">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errId} className="field-error">
          {props.error}
        </small>
      )}
    </div>
  );
}

/** A modal dialog (the native <dialog>: focus trap, Escape and an inert page behind it). */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (props.open && !el.open) el.showModal();
    if (!props.open && el.open) el.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <div className="dialog-head">
            <h2 id={id}>{props.title}</h2>
            <button type="button" className="ghost" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </div>
          {props.children}
        </>
      )}
    </dialog>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: string }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

const STATUS_TONE: Record<string, string> = {
  active: 'good',
  approved: 'good',
  answered: 'good',
  ANSWERED: 'good',
  routed: 'good',
  dialing: 'info',
  pending: 'warn',
  paused: 'warn',
  cooldown: 'warn',
  'NO ANSWER': 'warn',
  BUSY: 'warn',
  available: 'info',
  assigned: 'good',
  disabled: 'bad',
  rejected: 'bad',
  retired: 'bad',
  archived: 'neutral',
  FAILED: 'bad',
  unrouted: 'bad',
  expired: 'neutral',
  ringing: 'info',
  on_call: 'good',
  wrap_up: 'warn',
  offline: 'neutral',
  registered: 'good',
  unregistered: 'bad',
  unknown: 'neutral',
  agent_ringing: 'info',
  customer_dialing: 'info',
  connected: 'good',
  on_hold: 'warn',
  consulting: 'warn',
  transferring: 'info',
  transferred: 'neutral',
  ended: 'neutral',
  recording: 'bad',
  done: 'good',
  delivered: 'good',
  failed: 'bad',
  deleted: 'neutral',
  ok: 'good',
  error: 'bad',
  enabled: 'good',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status.replace(/_/g, ' ')}</Badge>;
}

/** A usage-against-limit bar; "used / limit" in text as well, so colour is never the only cue. */
export function Gauge(props: { label: string; used: number; limit: number | null }) {
  const { used, limit } = props;
  if (limit === null) {
    return (
      <div className="gauge unlimited">
        <span className="gauge-label">{props.label}</span>
        <span className="gauge-text">{used} · no cap</span>
      </div>
    );
  }
  const ratio = limit === 0 ? 1 : Math.min(1, used / limit);
  const tone = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'ok';
  return (
    <div className={`gauge ${tone}`}>
      <span className="gauge-label">{props.label}</span>
      <div
        className="gauge-bar"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={`${used} of ${limit}`}
      >
        <div style={{ width: `${ratio * 100}%` }} />
      </div>
      <span className="gauge-text">
        {used} / {limit}
      </span>
    </div>
  );
}

const moneyFmt = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 4,
  minimumFractionDigits: 2,
});
export const money = (v: string | number | null | undefined) =>
  v === null || v === undefined ? '—' : moneyFmt.format(Number(v));

const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export const dateTime = (v: string | null | undefined) => (v ? dateTimeFmt.format(new Date(v)) : '—');

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${Math.round(v * 1000) / 10}%`;

/** `''` → null, anything else → a number: optional numeric inputs (caps: empty = no cap). */
export const numberOrNull = (v: string): number | null => (v.trim() === '' ? null : Number(v));
