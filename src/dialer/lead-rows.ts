/** The rows of a lead CSV: which columns mean what, and the checks of a row that need no database. */
import { normalisePhone } from '../shared/phone.js';
import { checkUniqueColumns, columnKey, headerError, nulColumns, type RowRejection } from './csv-rows.js';
import type { NewLead } from './lists.repo.js';
import { leadZones, type LeadZones } from './zones.js';

/**
 * The export's columns before the lead's own fields. Every one re-imports: phone, name, state,
 * zip and time_zones as the lead's; the others say how the lead was dialled and are not imported
 * (a lead imported again starts new). None of them is ever taken as a field.
 */
export const LEAD_EXPORT_COLUMNS = [
  'phone',
  'name',
  'state',
  'zip',
  'time_zones',
  'lead_state',
  'disposition',
  'attempts',
  'last_outcome',
  'last_called_at',
  'next_attempt_at',
] as const;
const EXPORT_NAMES = new Set<string>(LEAD_EXPORT_COLUMNS);

/** Recognised columns, each by its names in order of preference; a less preferred one present too is a field. */
const ALIASES = {
  phone: ['phone', 'phone_number', 'number'],
  name: ['name'],
  firstName: ['first_name'],
  lastName: ['last_name'],
  state: ['state'],
  zip: ['zip', 'postal_code'],
  timeZone: ['time_zone', 'time_zones'],
} as const;
type Role = keyof typeof ALIASES;

const NAME_MAX = 200;
const ZIP_MAX = 20;

/** Which header cell holds what: recognised columns by role, the rest kept as the lead's fields. */
export interface LeadColumns {
  roles: Partial<Record<Role, string>>;
  fields: string[];
}

/** Reads the header (cells trimmed, as written); throws a 400 when it has no phone column. */
export function leadColumns(header: string[]): LeadColumns {
  checkUniqueColumns(header);
  const byKey = new Map(header.map((h) => [columnKey(h), h]));
  const roles: Partial<Record<Role, string>> = {};
  const used = new Set<string>();
  for (const role of Object.keys(ALIASES) as Role[]) {
    const found = ALIASES[role].find((a) => byKey.has(a));
    if (found !== undefined) {
      roles[role] = byKey.get(found)!;
      used.add(found);
    }
  }
  if (!roles.phone) throw headerError('a phone column is required (phone, phone_number or number)', header);
  // A full name wins; first and last names beside it are kept as fields.
  if (roles.name) {
    for (const r of ['firstName', 'lastName'] as const) {
      if (roles[r]) used.delete(columnKey(roles[r]));
      delete roles[r];
    }
  }
  const fields = header.filter((h) => !used.has(columnKey(h)) && !EXPORT_NAMES.has(columnKey(h)));
  return { roles, fields };
}

export interface LeadCandidate {
  row: number;
  input: string;
  lead: NewLead;
}

/** A row as a lead, or why it cannot be one. */
export function leadOf(
  row: number,
  cells: Record<string, string>,
  columns: LeadColumns,
  defaultRegion: string,
): LeadCandidate | RowRejection {
  const cell = (role: Role) => {
    const header = columns.roles[role];
    return header === undefined ? '' : (cells[header] ?? '');
  };
  const input = cell('phone');
  const reject = (reason: string): RowRejection => ({ row, input, reason });
  const withNul = nulColumns(cells);
  if (withNul.length > 0) return reject(`a NUL character in ${withNul.join(', ')}`);
  if (input === '') return reject('no phone number');
  const n = normalisePhone(input, defaultRegion as never);
  if ('error' in n) return reject(`invalid number: ${n.error}`);

  const name = cell('name') || [cell('firstName'), cell('lastName')].filter(Boolean).join(' ');
  if (name.length > NAME_MAX) return reject(`name longer than ${NAME_MAX} characters`);
  const zip = cell('zip');
  if (zip.length > ZIP_MAX) return reject(`zip longer than ${ZIP_MAX} characters`);
  const zones = zonesOf(n.e164, cell('state'), zip, cell('timeZone'), columns.roles.timeZone);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const h of columns.fields) if (cells[h]) fields[h] = cells[h];
  return {
    row,
    input,
    lead: {
      phone: n.e164,
      name: name || null,
      country: zones.country ?? n.country,
      region: zones.region,
      postalCode: zip || null,
      timeZones: zones.timeZones,
      tzSource: zones.timeZones.length === 0 ? null : zones.source,
      fields: JSON.stringify(fields),
    },
  };
}

/**
 * The lead's place and zones. A time_zone cell names the zone. The export's time_zones cell lists
 * every zone of the lead: when they are what the zip, state or number give, they came from there
 * (and still do); otherwise a single zone is taken as given, as a time_zone cell.
 */
function zonesOf(
  phone: string,
  state: string,
  zip: string,
  zoneCell: string,
  zoneHeader: string | undefined,
): LeadZones {
  const derived = leadZones({ phone, ...(state ? { state } : {}), ...(zip ? { zip } : {}) });
  const listed = zoneCell.split(/\s+/).filter(Boolean);
  const isExport = zoneHeader !== undefined && columnKey(zoneHeader) === 'time_zones';
  if (isExport && listed.join(' ') === derived.timeZones.join(' ')) return derived;
  if (listed.length !== 1) return derived;
  return leadZones({ phone, ...(state ? { state } : {}), ...(zip ? { zip } : {}), timeZone: listed[0]! });
}
