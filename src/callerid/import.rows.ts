/** The rows of a caller-ID CSV: its columns, and the checks of a row that need no database. */
import type { CsvError } from 'csv-parse';
import { AppError } from '../shared/errors.js';
import { normalisePhone, type NormalisedNumber } from '../shared/phone.js';
import { MAX_CONCURRENT } from './add-number.js';
import { callerIdFacts } from './facts.js';
import type { NumberRow } from './import.repo.js';
import { CAMPAIGN_CODE_PATTERN } from './campaign-code.js';

/** Header of the export; every column re-imports (region and timezone are derived again). */
export const EXPORT_COLUMNS =
  'caller_id,campaign,carrier,area_code,region,timezone,status,hourly_limit,daily_limit,max_concurrent,last_used_at,meta'.split(
    ',',
  );

/** Columns an import may have: the export's. region and timezone are ignored (derived from the number). */
const KNOWN_COLUMNS = new Set<string>(EXPORT_COLUMNS);
const STATUSES = ['active', 'cooldown', 'disabled'];
const LIMIT_MAX = 100_000;
const CARRIER_MAX = 100;
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

export interface Candidate {
  row: number;
  input: string;
  campaign: string | null;
  data: Omit<NumberRow, 'poolId'>;
}

export type Parsed = { row: number; record: Record<string, string> };

export function checkHeader(names: string[]): void {
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

/** max_concurrent: empty is the default, 1. */
function concurrencyOf(value: string, errors: string[]): number {
  if (value === '') return 1;
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (n >= 1 && n <= MAX_CONCURRENT) return n;
  errors.push(
    `bad max_concurrent "${value}": must be a whole number from 1 to ${MAX_CONCURRENT} or empty (1)`,
  );
  return 1;
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
export function skipReason(err: CsvError | undefined, headerLength: number | undefined): string {
  const fields = (err as { record?: unknown } | undefined)?.record;
  return err?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' && Array.isArray(fields)
    ? `wrong column count: ${fields.length} fields, the header has ${headerLength}`
    : `bad CSV: ${err?.message ?? 'unparseable row'}`;
}

const CAMPAIGN = new RegExp(CAMPAIGN_CODE_PATTERN);

/** The checks that need no database: everything but the pool, duplicates and existing numbers. */
export function validate(
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
  const maxConcurrent = concurrencyOf(field('max_concurrent'), errors);
  const status = field('status').toLowerCase() || 'active';
  if (!STATUSES.includes(status))
    errors.push(`bad status "${field('status')}": must be active, cooldown or disabled`);
  const meta = metaOf(field('meta'), errors);
  const campaign = field('campaign');
  if (campaign !== '' && !CAMPAIGN.test(campaign))
    errors.push(`bad campaign "${campaign}": 1 to 64 letters, digits, _ . : or -`);
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
      maxConcurrent,
      meta,
      lastUsedAt: lastUsedAt === null ? null : new Date(lastUsedAt).toISOString(),
    },
  };
}
