import type { Readable } from 'node:stream';
import type { Db } from '../db/db.js';
import { csvDownload } from '../shared/csv.js';
import { badRequest, conflict, notFound, staleVersion } from '../shared/errors.js';
import { versionedWrite } from '../shared/versions.js';
import { toPage, type Page, type PageRequest } from '../shared/types.js';
import {
  emptyFile,
  emptyReport,
  finish,
  importRows,
  readCsv,
  reject,
  unreadableFile,
  type ImportReport,
} from './csv-rows.js';
import { LEAD_EXPORT_COLUMNS, leadColumns, leadOf, type LeadColumns } from './lead-rows.js';
import {
  createListsRepo,
  type LeadRow,
  type LeadState,
  type ListFields,
  type ListRow,
  type ListStatus,
} from './lists.repo.js';

export interface LeadImportReport extends ImportReport {
  /** Leads inserted whose time zone could not be found (no time_zone, zip, state or number gave one). */
  unknown_time_zone: number;
}

export interface NewList {
  name: string;
  campaign_id?: number | null | undefined;
  status?: ListStatus | undefined;
}

export type ListPatch = { [K in keyof NewList]?: NewList[K] | undefined };

const EXPORT_PAGE = 1000;
const FIXED_COLUMNS = new Set<string>(LEAD_EXPORT_COLUMNS);

/**
 * Lead lists of the campaign dialer and their leads: lists made and changed by people, leads
 * brought in by CSV (streamed, in batches) and taken out again by CSV.
 */
export function createDialerListsService(deps: { db: Db; defaultRegion: string }) {
  const { db } = deps;
  const repo = createListsRepo(db);

  async function get(id: number): Promise<ListRow> {
    const row = await repo.get(id);
    if (!row) throw notFound('lead list', id);
    return row;
  }

  async function mustExist(id: number): Promise<void> {
    if (!(await repo.exists(id))) throw notFound('lead list', id);
  }

  async function checkCampaign(id: number | null | undefined): Promise<void> {
    if (id === null || id === undefined) return;
    if (!(await repo.existingCampaigns([id])).has(id))
      throw badRequest(`dialer campaign ${id} does not exist`, { campaign_id: id });
  }

  function cleanName(name: string): string {
    const trimmed = name.trim();
    if (trimmed === '') throw badRequest('name must not be blank');
    return trimmed;
  }

  async function create(input: NewList): Promise<ListRow> {
    const name = cleanName(input.name);
    await checkCampaign(input.campaign_id);
    const fields: ListFields = {
      name,
      campaign_id: input.campaign_id ?? null,
      status: input.status ?? 'active',
    };
    return get(await repo.insert(fields));
  }

  /** A person's edit; with `expected`, refused (412) unless the list is still at that version. */
  async function update(id: number, patch: ListPatch, expected?: number): Promise<ListRow> {
    const changes: Partial<ListFields> = {};
    if (patch.name !== undefined) changes.name = cleanName(patch.name);
    if (patch.campaign_id !== undefined) {
      await checkCampaign(patch.campaign_id);
      changes.campaign_id = patch.campaign_id;
    }
    if (patch.status !== undefined) changes.status = patch.status;
    await versionedWrite(
      'lead list',
      id,
      expected,
      () => repo.update(id, changes, expected),
      () => repo.version(id),
    );
    return get(id);
  }

  /** Deletes a list and its leads, unless one of them is in a call (dialling, or with an agent). */
  async function remove(id: number, expected?: number): Promise<void> {
    await db.transaction(async (tx) => {
      const r = createListsRepo(tx);
      const version = await r.version(id);
      if (version === undefined) throw notFound('lead list', id);
      // Checked first so a stale delete says so rather than why the list is busy; the DELETE below
      // checks it again, in its own statement.
      if (expected !== undefined && version !== expected) throw staleVersion('lead list', version, expected);
      const busy = await r.lockBusyLeads(id);
      if (busy > 0)
        throw conflict(
          `lead list ${id} has ${busy} lead${busy === 1 ? '' : 's'} in a call (dialling or with an agent); ` +
            'deactivate the list and delete it when the calls have ended',
          { busy },
        );
      if (!(await r.delete(id, expected))) {
        const now = await r.version(id);
        if (now === undefined) throw notFound('lead list', id);
        throw staleVersion('lead list', now, expected ?? now);
      }
    });
  }

  async function leads(
    listId: number,
    filter: { state?: LeadState | undefined },
    page: PageRequest,
  ): Promise<Page<LeadRow>> {
    await mustExist(listId);
    return toPage(await repo.leads(listId, filter, page), page);
  }

  async function lead(id: number): Promise<LeadRow> {
    const row = await repo.lead(id);
    if (!row) throw notFound('lead', id);
    return row;
  }

  /**
   * Imports leads from a CSV stream into the list. Not all-or-nothing: each batch commits as it
   * is written, so a long upload holds no transaction (on embedded PGlite that would stop every
   * other request). When the file turns out unreadable part-way (a quote never closed) the
   * answer is a 400 saying how many rows before the bad line were imported, with the report so
   * far; importing the fixed file again adds what is missing and counts the rest as duplicates.
   */
  async function importCsv(listId: number, input: Readable): Promise<LeadImportReport> {
    await mustExist(listId);
    const report: LeadImportReport = { ...emptyReport(), unknown_time_zone: 0 };
    let columns: LeadColumns | undefined;
    const reader = readCsv(input, {
      header: (names) => {
        columns = leadColumns(names);
      },
      skipped: (r) => reject(report, r),
    });
    await importRows({
      reader,
      report,
      check: ({ row, cells }) => leadOf(row, cells, columns!, deps.defaultRegion),
      key: (c) => c.lead.phone,
      insert: async (rows) => {
        const inserted = await repo.insertLeads(
          listId,
          rows.map((c) => c.lead),
        );
        return rows.map((c) => (inserted.has(c.lead.phone) ? 'inserted' : 'duplicate'));
      },
      duplicate: 'duplicate in this list',
      inserted: (c) => {
        if (c.lead.timeZones.length === 0) report.unknown_time_zone++;
      },
    });
    if (!columns) throw emptyFile('phone');
    finish(report);
    const fatal = reader.fatal();
    if (fatal) throw unreadableFile(fatal, report);
    return report;
  }

  /**
   * Every lead of the list as CSV (LEAD_EXPORT_COLUMNS, then each key of the leads' fields),
   * streamed in id order. It re-imports into another list as the same leads.
   */
  async function exportCsv(listId: number): Promise<Readable> {
    await mustExist(listId);
    // A key that is also a fixed column cannot come from an import (those columns are read as
    // the lead's own); one written otherwise is left out rather than shadow the lead's value.
    const keys = (await repo.fieldKeys(listId)).filter((k) => !FIXED_COLUMNS.has(k.toLowerCase()));
    async function* rows() {
      for (let after = 0; ;) {
        const page = await repo.leadsAfter(listId, after, EXPORT_PAGE);
        for (const l of page) {
          yield [
            l.phone,
            l.name,
            l.region,
            l.postal_code,
            l.time_zones.join(' '),
            l.state,
            l.disposition,
            l.attempts,
            l.last_outcome,
            l.last_called_at?.toISOString(),
            l.next_attempt_at?.toISOString(),
            ...keys.map((k) => l.fields[k]),
          ];
        }
        if (page.length < EXPORT_PAGE) return;
        after = page[page.length - 1]!.id;
      }
    }
    return csvDownload(rows(), [...LEAD_EXPORT_COLUMNS, ...keys]);
  }

  return {
    list: async (
      filter: { campaignId?: number | undefined; status?: ListStatus | undefined },
      page: PageRequest,
    ) => toPage(await repo.list(filter, page), page),
    get,
    create,
    update,
    remove,
    leads,
    lead,
    importCsv,
    exportCsv,
  };
}

export type DialerListsService = ReturnType<typeof createDialerListsService>;
