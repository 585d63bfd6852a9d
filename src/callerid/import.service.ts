import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { Db } from '../db/db.js';
import { csvDownload, restoreCell } from '../shared/csv.js';
import { AppError } from '../shared/errors.js';
import { createCallerIdRepo } from './callerid.repo.js';
import { createCallerIdImportRepo, type NumberRow } from './import.repo.js';
import {
  checkHeader,
  EXPORT_COLUMNS,
  skipReason,
  validate,
  type Candidate,
  type ImportReport,
  type Parsed,
} from './import.rows.js';

const BATCH = 1000;
const RAW_MAX = 200;
const EMPTY_FILE = 'CSV header: the file is empty; a caller_id column is required';

/** Bulk import and export of caller IDs as CSV, streamed both ways. */
export function createCallerIdImport(deps: { db: Db; defaultRegion: string }) {
  const repo = createCallerIdImportRepo(deps.db);
  const pools = createCallerIdRepo(deps.db);

  async function importCsv(
    input: Readable,
    opts: { onProgress?: (rowsRead: number) => void } = {},
  ): Promise<ImportReport> {
    const report: ImportReport = { total: 0, inserted: 0, rejected: [] };
    const reject = (row: number, text: string, reason: string) =>
      report.rejected.push({ row, input: text, reason });
    let headerLength: number | undefined;
    // Rows are numbered as the parser meets them; skipped (unparseable) rows are reported at once.
    let rowCount = 0;
    const parser = parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        checkHeader(names);
        headerLength = names.length;
        return names;
      },
      trim: true,
      skip_empty_lines: true,
      relax_column_count: false,
      skip_records_with_error: true,
      raw: true,
      // Cells CapConduit's export escaped against formula injection read back as they were.
      on_record: (r: { record: Record<string, string> }): Parsed => {
        for (const k of Object.keys(r.record)) r.record[k] = restoreCell(r.record[k]!);
        return { row: ++rowCount, record: r.record };
      },
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        const line = (raw ?? '').replace(/^[\r\n]+|[\r\n]+$/g, '');
        // An unclosed quote can swallow the rest of the file: keep the report small.
        const input = line.length > RAW_MAX ? `${line.slice(0, RAW_MAX)}…` : line;
        reject(++rowCount, input, skipReason(err, headerLength));
        return undefined;
      },
    });
    pipeline(input, parser, () => undefined);

    const campaignPools = new Map<string, number | null>();
    let globalPool: number | undefined;
    const firstRow = new Map<string, number>();
    let batch: Candidate[] = [];
    // One insert at the database while the next batch is parsed and checked, so the file's
    // parsing and the database's inserting overlap instead of taking turns.
    let inserting: Promise<void> = Promise.resolve();

    async function insert(rows: (NumberRow & { candidate: Candidate })[]): Promise<void> {
      const inserted = await repo.insertMany(rows);
      for (const r of rows) {
        if (inserted.has(r.number)) report.inserted++;
        else reject(r.candidate.row, r.candidate.input, `already in the database: ${r.number}`);
      }
    }

    async function flush(): Promise<void> {
      const pending = batch;
      batch = [];
      const unknown = new Set<string>();
      for (const c of pending)
        if (c.campaign !== null && !campaignPools.has(c.campaign)) unknown.add(c.campaign);
      if (unknown.size > 0) {
        const found = await repo.campaignPools([...unknown]);
        // A campaign with no pool yet gets one, as /add-number does.
        for (const c of unknown) campaignPools.set(c, found.get(c) ?? (await pools.poolId(c)));
      }
      if (globalPool === undefined && pending.some((c) => c.campaign === null))
        globalPool = await pools.poolId(null);
      const rows: (NumberRow & { candidate: Candidate })[] = [];
      for (const c of pending) {
        const poolId = c.campaign === null ? globalPool : campaignPools.get(c.campaign);
        if (poolId === undefined || poolId === null) {
          reject(c.row, c.input, `unknown pool ${c.campaign}`);
          continue;
        }
        const first = firstRow.get(c.data.number);
        if (first !== undefined) {
          reject(c.row, c.input, `duplicate in this file: ${c.data.number} is already on row ${first}`);
          continue;
        }
        firstRow.set(c.data.number, c.row);
        rows.push({ ...c.data, poolId, candidate: c });
      }
      await inserting;
      if (rows.length === 0) return;
      inserting = insert(rows);
      // Awaited by the next flush or at the end; marked handled so a failure in between is not
      // an unhandled rejection (it still fails the import when awaited).
      inserting.catch(() => undefined);
    }

    let reported = 0;
    for await (const parsed of parser as AsyncIterable<Parsed>) {
      const checked = validate(parsed.row, parsed.record, deps.defaultRegion);
      if ('reason' in checked) report.rejected.push(checked);
      else batch.push(checked);
      if (batch.length >= BATCH) await flush();
      if (opts.onProgress && parsed.row - reported >= BATCH) opts.onProgress((reported = parsed.row));
    }
    if (headerLength === undefined) throw new AppError('validation_failed', EMPTY_FILE);
    await flush();
    await inserting;
    report.total = rowCount;
    report.rejected.sort((a, b) => a.row - b.row);
    opts.onProgress?.(report.total);
    return report;
  }

  /** Every number (or one pool's: `campaign` null is the global pool) as CSV, in id order. */
  function exportCsv(filter: { campaign?: string | null }): Promise<Readable> {
    async function* rows() {
      for (let after = 0; ;) {
        const page = await repo.page(filter.campaign, after, BATCH);
        for (const r of page) {
          yield { ...r, last_used_at: r.last_used_at?.toISOString(), meta: JSON.stringify(r.meta) };
        }
        if (page.length < BATCH) return;
        after = page[page.length - 1]!.id;
      }
    }
    return csvDownload(rows(), EXPORT_COLUMNS);
  }

  return { importCsv, exportCsv };
}

export type CallerIdImport = ReturnType<typeof createCallerIdImport>;
