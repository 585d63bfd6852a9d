import { callerIdFacts } from './facts.js';
import { pipeline, Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { stringify } from 'csv-stringify';
import type { Db } from '../db/db.js';
import { AppError } from '../shared/errors.js';
import { normalisePhone, type NormalisedNumber } from '../shared/phone.js';
import { createCallerIdRepo } from './callerid.repo.js';
import { createCallerIdImportRepo, type NumberRow } from './import.repo.js';

/** Header of the export; every column re-imports (region and timezone are derived again). */
export const EXPORT_COLUMNS =
  'caller_id,campaign,carrier,area_code,region,timezone,status,hourly_limit,daily_limit,last_used_at,meta'.split(
    ',',
  );

/** Columns an import may have: the export's. region and timezone are ignored (derived from the number). */
const KNOWN_COLUMNS = new Set<string>(EXPORT_COLUMNS);
const STATUSES = ['active', 'cooldown', 'disabled'];
const LIMIT_MAX = 100_000;
const CARRIER_MAX = 100;
const BATCH = 1000;
const RAW_MAX = 200;
const EMPTY_FILE = 'CSV header: the file is empty; a caller_id column is required';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

export interface ImportRejection {
  /** 1-based data row (the header and empty lines are not rows). */
  row: number;
  /** The caller_id cell, or the raw line when the row could not be parsed. */
  input: string;
  reason: string;
}

export interface ImportReport {
  total: number;
  inserted: number;
  rejected: ImportRejection[];
}

/** Area code, region and time zone of a caller ID: the derivation callerid.service.ts#add uses. */

interface Candidate {
  row: number;
  input: string;
  campaign: string | null;
  data: Omit<NumberRow, 'poolId'>;
}

type Parsed = { row: number; record: Record<string, string> };

function checkHeader(names: string[]): void {
  const fail = (why: string) =>
    new AppError('validation_failed', `CSV header: ${why}`, { details: { header: names } });
  if (!names.includes('caller_id')) throw fail('a caller_id column is required');
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') throw fail('a column has no name');
    if (seen.has(name)) throw fail(`column ${name} appears twice`);
    if (!KNOWN_COLUMNS.has(name))
      throw fail(`unknown column ${name} (known: ${[...KNOWN_COLUMNS].join(', ')})`);
    seen.add(name);
  }
}

function limitOf(field: string, value: string, errors: string[]): number | null {
  if (value === '') return null;
  const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  if (n >= 1 && n <= LIMIT_MAX) return n;
  errors.push(`bad ${field} "${value}": must be a whole number from 1 to ${LIMIT_MAX} or empty`);
  return null;
}

function metaOf(value: string, errors: string[]): string {
  if (value === '') return '{}';
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const text = JSON.stringify(parsed);
      // PostgreSQL's jsonb cannot hold \u0000: one such row would fail its whole batch.
      if (!text.includes('\\u0000')) return text;
      errors.push('bad meta JSON: contains \\u0000, which cannot be stored');
      return '{}';
    }
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    errors.push(`bad meta JSON: must be an object, not ${kind}`);
  } catch {
    errors.push('bad meta JSON: not valid JSON');
  }
  return '{}';
}

/** Why csv-parse skipped a row. */
function skipReason(err: CsvError | undefined, headerLength: number | undefined): string {
  const fields = (err as { record?: unknown } | undefined)?.record;
  return err?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && Array.isArray(fields)
    ? `wrong column count: ${fields.length} fields, the header has ${headerLength}`
    : `bad CSV: ${err?.message ?? 'unparseable row'}`;
}

/** The checks that need no database: everything but the pool, duplicates and existing numbers. */
function validate(
  row: number,
  rec: Record<string, string>,
  defaultRegion: string,
): Candidate | ImportRejection {
  const field = (name: string) => rec[name] ?? '';
  const input = field('caller_id');
  const errors: string[] = [];
  // Text cannot hold a NUL byte either; reported here rather than failing the row's batch.
  const withNul = Object.keys(rec).filter((k) => rec[k]!.includes('\0'));
  if (withNul.length > 0) errors.push(`a NUL character in ${withNul.join(', ')}`);
  const n: NormalisedNumber | { error: string } =
    input === '' ? { error: 'caller_id is empty' } : normalisePhone(input, defaultRegion as never);
  let facts: ReturnType<typeof callerIdFacts> | undefined;
  if ('error' in n) errors.push(`bad number: ${n.error}`);
  else {
    facts = callerIdFacts(n);
    const given = field('area_code');
    const has = facts.areaCode === null ? 'no area code' : `area code ${facts.areaCode}`;
    if (given !== '' && given !== facts.areaCode) errors.push(`bad area_code ${given}: ${n.e164} has ${has}`);
  }
  const carrier = field('carrier');
  if (carrier.length > CARRIER_MAX) errors.push(`bad carrier: longer than ${CARRIER_MAX} characters`);
  const hourlyLimit = limitOf('hourly_limit', field('hourly_limit'), errors);
  const dailyLimit = limitOf('daily_limit', field('daily_limit'), errors);
  const status = field('status').toLowerCase() || 'active';
  if (!STATUSES.includes(status))
    errors.push(`bad status "${field('status')}": must be active, cooldown or disabled`);
  const meta = metaOf(field('meta'), errors);
  const used = field('last_used_at');
  const lastUsedAt = used === '' ? null : TIMESTAMP.test(used) ? Date.parse(used) : NaN;
  if (Number.isNaN(lastUsedAt))
    errors.push(`bad last_used_at "${used}": must be an ISO 8601 timestamp with a time zone`);
  if (errors.length > 0 || 'error' in n || !facts) return { row, input, reason: errors.join('; ') };
  return {
    row,
    input,
    campaign: field('campaign') || null,
    data: {
      number: n.e164,
      ...facts,
      carrier: carrier || null,
      status,
      hourlyLimit,
      dailyLimit,
      meta,
      lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt).toISOString(),
    },
  };
}

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
      on_record: (r: { record: Record<string, string> }): Parsed => ({ row: ++rowCount, record: r.record }),
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
        for (const c of unknown) campaignPools.set(c, found.get(c) ?? null);
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
  function exportCsv(filter: { campaign?: string | null }): Readable {
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
    return pipeline(
      Readable.from(rows()),
      stringify({ header: true, columns: EXPORT_COLUMNS }),
      () => undefined,
    );
  }

  return { importCsv, exportCsv };
}

export type CallerIdImport = ReturnType<typeof createCallerIdImport>;
