import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { DataTable, Empty, ErrorBanner, Field, Notice, Section, type Column } from '../../ui';
import { useInvalidateCallerIds } from './Pools';

// CSV import (POST /api/callerid/import, the file as a text/csv body). XMLHttpRequest rather
// than fetch: only it reports upload progress. The report lists every rejected row.

interface Rejection {
  row: number;
  input: string;
  reason: string;
}

interface ImportReport {
  total: number;
  inserted: number;
  rejected: Rejection[];
}

type Progress = { phase: 'uploading'; loaded: number; total: number } | { phase: 'processing' };

/** Sends `file` and resolves with the API's report; rejects with its error, as `api` does. */
function uploadCsv(file: File, onProgress: (p: Progress) => void): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/callerid/import');
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      onProgress({ phase: 'uploading', loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    };
    xhr.upload.onload = () => onProgress({ phase: 'processing' });
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'The upload failed: the server could not be reached. Try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && json) return resolve(json as ImportReport);
      const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)
        ?.error;
      reject(
        new ApiError(
          xhr.status,
          e?.code ?? 'http_error',
          e?.message ?? `The server answered ${xhr.status} ${xhr.statusText}`.trim(),
          e?.details,
        ),
      );
    };
    xhr.send(file);
  });
}

const rejectionColumns: Column<Rejection>[] = [
  { header: 'Row', cell: (r) => r.row, className: 'num' },
  { header: 'Value', cell: (r) => <code>{r.input || '(empty)'}</code> },
  { header: 'Reason', cell: (r) => r.reason },
];

export function ImportSection() {
  const invalidate = useInvalidateCallerIds();
  const formRef = useRef<HTMLFormElement>(null);
  const progressId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setReport(null);
    setProgress({ phase: 'uploading', loaded: 0, total: file.size });
    try {
      const result = await uploadCsv(file, setProgress);
      setReport(result);
      formRef.current?.reset();
      setFile(null);
      void invalidate();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  const busy = progress !== null;
  return (
    <Section title="Import from CSV">
      <p className="muted">
        Header row: <code>caller_id</code> (required) and any of <code>campaign</code>, <code>carrier</code>,{' '}
        <code>area_code</code>, <code>status</code>, <code>hourly_limit</code>, <code>daily_limit</code>,{' '}
        <code>meta</code>. A row’s <code>campaign</code> picks its pool (empty = the global pool); numbers
        already present are reported, not changed. A file from “Export CSV” has the same columns and imports
        as it is.
      </p>
      <form ref={formRef} className="stack" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <Field label="CSV file" hint="A .csv file with a header row">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="file"
              accept=".csv,text/csv"
              required
              disabled={busy}
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        {progress && (
          <div className="field">
            <label htmlFor={progressId}>
              {progress.phase === 'uploading'
                ? `Uploading… ${Math.round((progress.loaded / Math.max(1, progress.total)) * 100)}%`
                : 'Checking and saving the rows…'}
            </label>
            {progress.phase === 'uploading' ? (
              <progress id={progressId} max={Math.max(1, progress.total)} value={progress.loaded} />
            ) : (
              <progress id={progressId} />
            )}
          </div>
        )}
        <ErrorBanner error={error} />
        <div className="form-actions" style={{ justifyContent: 'flex-start' }}>
          <button type="submit" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {report && <ImportResult report={report} />}
    </Section>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  const rejected = report.rejected.length;
  return (
    <div className="stack" style={{ marginTop: '1rem' }}>
      <Notice kind={rejected === 0 ? 'success' : 'info'}>
        Import finished: {report.total} rows read, {report.inserted} created, {rejected} rejected.
      </Notice>
      <dl className="facts">
        <dt>Rows read</dt>
        <dd>{report.total}</dd>
        <dt>Created</dt>
        <dd>{report.inserted}</dd>
        <dt>Rejected</dt>
        <dd>{rejected}</dd>
      </dl>
      {rejected > 0 ? (
        <DataTable
          caption="Rejected rows and why"
          columns={rejectionColumns}
          rows={report.rejected}
          rowKey={(r) => `${r.row}:${r.reason}`}
          empty={null}
        />
      ) : (
        <Empty title="Every row was imported">Nothing to fix.</Empty>
      )}
    </div>
  );
}
