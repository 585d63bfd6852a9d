/**
 * Reading an uploaded CSV for the dialer's imports (leads, do-not-call numbers), streamed: rows
 * come out one at a time as the body arrives, each numbered by the line of the file it starts on,
 * and the report of the import is kept here with a bounded list of rejected rows.
 */
import { pipeline, Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { restoreCell } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';

/** Rows per INSERT. */
export const IMPORT_BATCH = 500;
/** Rejected rows listed in a report; the rest are counted (`rejected_count`). */
export const REJECTED_LISTED = 1000;
const RAW_MAX = 200;

export interface RowRejection {
  /** The line of the file the row starts on (the header is line 1). */
  row: number;
  /** The phone cell, or the raw line when the row could not be parsed. */
  input: string;
  reason: string;
}

export interface ImportReport {
  /** Data rows read (empty lines are not rows). */
  total: number;
  inserted: number;
  /** Rows whose number was already there: in the list (or DNC entry) or earlier in the file. */
  duplicates: number;
  /** Every rejected row, duplicates included: total = inserted + rejected_count. */
  rejected_count: number;
  /** Rejected rows, in file order; past REJECTED_LISTED of them the rest are only counted. */
  rejected: RowRejection[];
}

export function emptyReport(): ImportReport {
  return { total: 0, inserted: 0, duplicates: 0, rejected_count: 0, rejected: [] };
}

/** Counts a rejected row and lists it while the list is short. */
export function reject(report: ImportReport, r: RowRejection): void {
  report.rejected_count++;
  if (report.rejected.length < REJECTED_LISTED) report.rejected.push(r);
}

/** A header cell as the imports recognise it. */
export const columnKey = (name: string) => name.trim().toLowerCase();

/** A refusal of the file's header (before anything is imported). */
export function headerError(why: string, header: string[]): AppError {
  return new AppError('validation_failed', `CSV header: ${why}`, { details: { header } });
}

/** Throws when two header cells name the same column (case-insensitively) or one has no name. */
export function checkUniqueColumns(header: string[]): void {
  const seen = new Set<string>();
  for (const name of header) {
    const key = columnKey(name);
    if (key === '') throw headerError('a column has no name', header);
    // Cells are read into plain objects keyed by column name.
    if (key === '__proto__') throw headerError('a column cannot be named __proto__', header);
    if (seen.has(key)) throw headerError(`column ${key} appears twice`, header);
    seen.add(key);
  }
}

export interface CsvRow {
  row: number;
  /** Cells by header name (trimmed, as written), un-escaped (shared/csv.ts#restoreCell). */
  cells: Record<string, string>;
}

export interface CsvReader {
  rows: AsyncIterable<CsvRow>;
  /**
   * Set when the file cannot be read past a point (a quote never closed swallows the rest of
   * the file): the line it starts on and why. Rows before it were read.
   */
  fatal(): { row: number; reason: string } | undefined;
}

const BREAK = /\r\n|\r|\n/g;
const breaks = (text: string) => text.match(BREAK)?.length ?? 0;
const leadingBreaks = (text: string) => breaks(/^[\r\n]*/.exec(text)![0]);

/**
 * Parses `input` as CSV with a header row. `header` sees the header cells (trimmed) and throws
 * to refuse the file. Rows that cannot be parsed (wrong column count, a stray quote) are handed
 * to `skipped`; a quote that is never closed ends the reading and is reported by `fatal()`.
 */
export function readCsv(
  input: Readable,
  opts: { header(names: string[]): void; skipped(r: RowRejection): void },
): CsvReader {
  let headerLength = 0;
  let fatal: { row: number; reason: string } | undefined;
  // A refused header is kept and thrown once the body has been read: an error inside the parser
  // would make the pipeline destroy the request stream, and with it, at times, the socket the
  // 400 was to be sent on (the HTTP fuzz test caught a request that never got its answer).
  let refused: unknown;
  // Line numbers: csv-parse counts lines, but counts a CRLF inside a quoted cell twice; so its
  // count is taken once, at the end of the header, and from then on the line breaks of each
  // record's raw text are counted here.
  let origin = 1;
  let consumed = 0;
  const startLine = (raw: string) => {
    const row = origin + consumed + leadingBreaks(raw);
    consumed += breaks(raw);
    return row;
  };

  const parser = parse({
    bom: true,
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim());
      try {
        opts.header(names);
      } catch (err) {
        refused = err;
      }
      headerLength = names.length;
      origin = parser.info.lines + 1;
      return names;
    },
    trim: true,
    skip_empty_lines: true,
    relax_column_count: false,
    skip_records_with_error: true,
    raw: true,
    on_record: (r: { record: Record<string, string>; raw: string }): CsvRow | undefined => {
      if (refused !== undefined) return undefined;
      for (const k of Object.keys(r.record)) r.record[k] = restoreCell(r.record[k]!);
      return { row: startLine(r.raw), cells: r.record };
    },
    on_skip: (err: CsvError | undefined, raw: string | undefined) => {
      if (refused !== undefined) return undefined;
      const text = raw ?? '';
      const row = startLine(text);
      if (err?.code === 'CSV_QUOTE_NOT_CLOSED') {
        fatal = { row, reason: 'a quoted cell is never closed, so the rest of the file cannot be read' };
        return undefined;
      }
      const line = text.replace(/^[\r\n]+|[\r\n]+$/g, '');
      opts.skipped({
        row,
        input: line.length > RAW_MAX ? `${line.slice(0, RAW_MAX)}…` : line,
        reason: skipReason(err, headerLength),
      });
      return undefined;
    },
  });
  // An error of the request stream (the client went away) reaches the parser, which ends the
  // iteration with it.
  pipeline(input, parser, () => undefined);
  async function* rows(): AsyncIterable<CsvRow> {
    for await (const row of parser as AsyncIterable<CsvRow>) yield row;
    if (refused !== undefined) throw refused;
  }
  return { rows: rows(), fatal: () => fatal };
}

function skipReason(err: CsvError | undefined, headerLength: number): string {
  const fields = (err as { record?: unknown } | undefined)?.record;
  return err?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && Array.isArray(fields)
    ? `wrong column count: ${fields.length} cells, the header has ${headerLength}`
    : `bad CSV: ${err?.message ?? 'unreadable row'}`;
}

/**
 * The import's end when the file could not be read to its end: a 400 that says how far it got.
 * Rows before the bad line were imported (each batch commits as it goes; importing the fixed file
 * again adds only what is missing, the rest being duplicates).
 */
export function unreadableFile(fatal: { row: number; reason: string }, report: ImportReport): AppError {
  return new AppError(
    'validation_failed',
    `bad CSV at line ${fatal.row}: ${fatal.reason}; the ${report.total} rows before it were read ` +
      `(${report.inserted} inserted, ${report.rejected_count} rejected), nothing from line ${fatal.row} on`,
    { details: { line: fatal.row, report } },
  );
}

/** Refuses a body that is not the CSV stream (wrong content type). */
export function csvBody(body: unknown): Readable {
  if (body instanceof Readable) return body;
  throw new AppError(
    'unsupported_media_type',
    'send the file as the request body with content-type text/csv',
  );
}

/** A cell holding a NUL character cannot be stored (PostgreSQL text and jsonb refuse it). */
export function nulColumns(cells: Record<string, string>): string[] {
  return Object.keys(cells).filter((k) => cells[k]!.includes('\0'));
}

/** The report's final figures (every batch written), rejected rows in file order. */
export function finish<R extends ImportReport>(report: R): R {
  report.total = report.inserted + report.rejected_count;
  report.rejected.sort((a, b) => a.row - b.row);
  return report;
}

/** The empty-file refusal: a header row is required. */
export function emptyFile(required: string): AppError {
  return new AppError('validation_failed', `CSV header: the file is empty; a ${required} column is required`);
}

/** What became of one row of a batch: inserted, already there, or refused for a reason. */
export type RowOutcome = 'inserted' | 'duplicate' | { reason: string };

/**
 * Reads every row of `reader` into `report`: `check` turns a row into a candidate or a rejection,
 * candidates go to `insert` in batches of IMPORT_BATCH (a repeated `key` within a batch is a
 * duplicate without asking the database). One batch is written while the next is read, so the
 * parsing and the database overlap; a failed batch fails the import (the batches before it stay).
 */
export async function importRows<C extends { row: number; input: string }>(opts: {
  reader: CsvReader;
  report: ImportReport;
  check(row: CsvRow): C | RowRejection;
  key(c: C): string;
  insert(rows: C[]): Promise<RowOutcome[]>;
  /** The reason given for a duplicate. */
  duplicate: string;
  inserted?(c: C): void;
}): Promise<void> {
  const { report } = opts;
  let batch: C[] = [];
  let inserting: Promise<void> = Promise.resolve();

  async function insert(rows: C[]): Promise<void> {
    const outcomes = await opts.insert(rows);
    rows.forEach((c, i) => {
      const o = outcomes[i]!;
      if (o === 'inserted') {
        report.inserted++;
        opts.inserted?.(c);
      } else if (o === 'duplicate') {
        report.duplicates++;
        reject(report, { row: c.row, input: c.input, reason: opts.duplicate });
      } else reject(report, { row: c.row, input: c.input, reason: o.reason });
    });
  }

  async function flush(): Promise<void> {
    const pending = batch;
    batch = [];
    const seen = new Set<string>();
    const rows: C[] = [];
    for (const c of pending) {
      const key = opts.key(c);
      if (!seen.has(key)) {
        seen.add(key);
        rows.push(c);
        continue;
      }
      report.duplicates++;
      reject(report, { row: c.row, input: c.input, reason: opts.duplicate });
    }
    await inserting;
    if (rows.length === 0) return;
    inserting = insert(rows);
    // Awaited by the next flush or at the end; marked handled so a failure in between is not an
    // unhandled rejection (it still fails the import when awaited).
    inserting.catch(() => undefined);
  }

  for await (const row of opts.reader.rows) {
    const checked = opts.check(row);
    if ('reason' in checked) reject(report, checked);
    else batch.push(checked);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  await inserting;
}
