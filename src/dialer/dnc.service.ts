import type { Readable } from 'node:stream';
import type { Db } from '../db/db.js';
import { csvDownload } from '../shared/csv.js';
import { badRequest, notFound } from '../shared/errors.js';
import { normalisePhone } from '../shared/phone.js';
import { toPage, type Actor, type Page, type PageRequest } from '../shared/types.js';
import {
  checkUniqueColumns,
  columnKey,
  emptyFile,
  emptyReport,
  finish,
  headerError,
  importRows,
  nulColumns,
  readCsv,
  reject,
  unreadableFile,
  type CsvRow,
  type ImportReport,
  type RowOutcome,
  type RowRejection,
} from './csv-rows.js';
import { createDncRepo, dncKey, type DncRow } from './dnc.repo.js';

/** Header of the export; it re-imports (id, source, added_by and created_at are not read back). */
const EXPORT_COLUMNS = ['phone', 'campaign_id', 'note', 'source', 'added_by', 'created_at'] as const;
const PHONE_NAMES = ['phone', 'phone_number', 'number'];
const IGNORED = new Set(['id', 'source', 'added_by', 'created_at']);
const KNOWN = new Set([...PHONE_NAMES, 'campaign_id', 'note', ...IGNORED]);
const NOTE_MAX = 200;
const EXPORT_PAGE = 1000;

interface DncCandidate {
  row: number;
  input: string;
  phone: string;
  campaignId: number | null;
  note: string | null;
}

function phoneOf(input: string, defaultRegion: string): string {
  const n = normalisePhone(input, defaultRegion as never);
  if ('error' in n) throw badRequest(`invalid number: ${n.error}`, { phone: input });
  return n.e164;
}

/** Which header cells hold the number, the campaign and the note; refuses unknown columns. */
function dncColumns(header: string[]): { phone: string; campaign?: string; note?: string } {
  checkUniqueColumns(header);
  const unknown = header.filter((h) => !KNOWN.has(columnKey(h)));
  if (unknown.length > 0)
    throw headerError(`unknown column ${unknown.join(', ')} (known: ${[...KNOWN].join(', ')})`, header);
  const find = (name: string) => header.find((h) => columnKey(h) === name);
  const phone = PHONE_NAMES.map(find).find((h) => h !== undefined);
  if (phone === undefined)
    throw headerError('a phone column is required (phone, phone_number or number)', header);
  const campaign = find('campaign_id');
  const note = find('note');
  return { phone, ...(campaign ? { campaign } : {}), ...(note ? { note } : {}) };
}

function dncRow(
  { row, cells }: CsvRow,
  columns: ReturnType<typeof dncColumns>,
  defaultRegion: string,
): DncCandidate | RowRejection {
  const input = cells[columns.phone] ?? '';
  const rejected = (reason: string): RowRejection => ({ row, input, reason });
  const withNul = nulColumns(cells);
  if (withNul.length > 0) return rejected(`a NUL character in ${withNul.join(', ')}`);
  if (input === '') return rejected('no phone number');
  const n = normalisePhone(input, defaultRegion as never);
  if ('error' in n) return rejected(`invalid number: ${n.error}`);
  const campaignCell = columns.campaign ? (cells[columns.campaign] ?? '') : '';
  const campaignId = campaignCell === '' ? null : Number(campaignCell);
  if (
    campaignId !== null &&
    !(/^\d{1,16}$/.test(campaignCell) && campaignId >= 1 && Number.isSafeInteger(campaignId))
  )
    return rejected(
      `bad campaign_id "${campaignCell}": must be a dialer campaign's id, or empty for every campaign`,
    );
  const note = columns.note ? (cells[columns.note] ?? '') : '';
  if (note.length > NOTE_MAX) return rejected(`note longer than ${NOTE_MAX} characters`);
  return { row, input, phone: n.e164, campaignId, note: note || null };
}

/**
 * The do-not-call list: numbers the dialer never calls, for every campaign (campaign_id null) or
 * one. Entries come from people (API, CSV) and from agents' dispositions (dnc.repo.ts#addDnc).
 */
export function createDncService(deps: { db: Db; defaultRegion: string }) {
  const repo = createDncRepo(deps.db);

  async function checkCampaign(id: number | null): Promise<void> {
    if (id !== null && !(await repo.existingCampaigns([id])).has(id))
      throw badRequest(`dialer campaign ${id} does not exist`, { campaign_id: id });
  }

  async function list(
    filter: { phone?: string | undefined; campaignId?: number | undefined },
    page: PageRequest,
  ): Promise<Page<DncRow>> {
    const phone = filter.phone === undefined ? undefined : phoneOf(filter.phone, deps.defaultRegion);
    return toPage(await repo.list({ phone, campaignId: filter.campaignId }, page), page);
  }

  /** Adds a number; `created` false when it was already there (the existing entry is returned). */
  async function add(
    actor: Actor,
    input: { phone: string; campaign_id?: number | null | undefined; note?: string | null | undefined },
  ): Promise<{ entry: DncRow; created: boolean }> {
    const phone = phoneOf(input.phone, deps.defaultRegion);
    const campaignId = input.campaign_id ?? null;
    await checkCampaign(campaignId);
    const entry = {
      phone,
      campaignId,
      source: 'api' as const,
      note: input.note?.trim() || null,
      addedBy: actor.id,
    };
    // Inserted, or found; an entry deleted in between is inserted on the second round.
    for (let round = 0; round < 2; round++) {
      const inserted = await repo.insert(entry);
      if (inserted) return { entry: inserted, created: true };
      const existing = await repo.find(phone, campaignId);
      if (existing) return { entry: existing, created: false };
    }
    throw new Error(`do-not-call entry for ${phone} neither inserted nor found`);
  }

  async function remove(id: number): Promise<void> {
    if (!(await repo.delete(id))) throw notFound('do-not-call entry', id);
  }

  /** Imports numbers from a CSV stream, in batches that commit as they go (as the lead import). */
  async function importCsv(actor: Actor, input: Readable): Promise<ImportReport> {
    const report = emptyReport();
    let columns: ReturnType<typeof dncColumns> | undefined;
    const reader = readCsv(input, {
      header: (names) => {
        columns = dncColumns(names);
      },
      skipped: (r) => reject(report, r),
    });
    await importRows<DncCandidate>({
      reader,
      report,
      check: (row) => dncRow(row, columns!, deps.defaultRegion),
      key: (c) => dncKey(c.phone, c.campaignId),
      insert: async (rows) => {
        const asked = [...new Set(rows.flatMap((c) => (c.campaignId === null ? [] : [c.campaignId])))];
        const campaigns = asked.length === 0 ? new Set<number>() : await repo.existingCampaigns(asked);
        const known = rows.filter((c) => c.campaignId === null || campaigns.has(c.campaignId));
        const inserted =
          known.length === 0 ? new Set<string>() : await repo.insertMany(known, 'import', actor.id);
        return rows.map((c): RowOutcome => {
          if (c.campaignId !== null && !campaigns.has(c.campaignId))
            return { reason: `dialer campaign ${c.campaignId} does not exist` };
          return inserted.has(dncKey(c.phone, c.campaignId)) ? 'inserted' : 'duplicate';
        });
      },
      duplicate: 'already on the do-not-call list',
    });
    if (!columns) throw emptyFile('phone');
    finish(report);
    const fatal = reader.fatal();
    if (fatal) throw unreadableFile(fatal, report);
    return report;
  }

  /** Every entry as CSV, in id order (re-importable). */
  function exportCsv(): Promise<Readable> {
    async function* rows() {
      for (let after = 0; ;) {
        const page = await repo.after(after, EXPORT_PAGE);
        for (const e of page)
          yield [e.phone, e.campaign_id, e.note, e.source, e.added_by, e.created_at.toISOString()];
        if (page.length < EXPORT_PAGE) return;
        after = page[page.length - 1]!.id;
      }
    }
    return csvDownload(rows(), EXPORT_COLUMNS);
  }

  return { list, add, remove, importCsv, exportCsv };
}

export type DncService = ReturnType<typeof createDncService>;
