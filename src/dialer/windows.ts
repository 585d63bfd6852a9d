/**
 * When a dialer lead may be called (docs/dialer.md), in TypeScript: the same rule as the claim
 * statement's windowOpenSql (windows.sql.ts), written apart from it so each checks the other.
 *
 * A lead is open at `now` when, in every zone it may be in (its time_zones, or the campaign's
 * unknown_tz_zone when it has none; neither: never), the local time lies in its region's calling
 * window (or the default one) and in the campaign's hours, on one of the campaign's ISO weekdays.
 * Windows are half-open [start, end).
 */

export interface LeadPlace {
  country: string | null;
  region: string | null;
  timeZones: readonly string[];
}

export interface CampaignHours {
  /** 'HH:MM' or 'HH:MM:SS' (as PostgreSQL prints a time), the lead's local time. */
  callStart: string;
  callEnd: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  callDays: readonly number[];
  unknownTzZone: string | null;
}

export interface CallWindow {
  start: string;
  end: string;
}

/** The key of regionWindows: `${country}:${region}`, e.g. 'US:TX'. */
export const regionKey = (country: string, region: string): string => `${country}:${region}`;

/** True when the lead may be dialled at `now` (see the file comment). */
export function windowOpen(
  lead: LeadPlace,
  campaign: CampaignHours,
  regionWindows: ReadonlyMap<string, CallWindow>,
  defaults: CallWindow,
  now: Date,
): boolean {
  const zones =
    lead.timeZones.length > 0
      ? lead.timeZones
      : campaign.unknownTzZone !== null
        ? [campaign.unknownTzZone]
        : [];
  if (zones.length === 0) return false;
  const region =
    (lead.country !== null && lead.region !== null
      ? regionWindows.get(regionKey(lead.country, lead.region))
      : undefined) ?? defaults;
  const spans = [
    [micros(region.start), micros(region.end)],
    [micros(campaign.callStart), micros(campaign.callEnd)],
  ] as const;
  return zones.every((zone) => {
    const local = wallClock(now, zone);
    return (
      local !== undefined &&
      campaign.callDays.includes(local.isoDay) &&
      spans.every(([start, end]) => local.micros >= start && local.micros < end)
    );
  });
}

const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/;

/** Microseconds since midnight of a PostgreSQL time ('24:00' included, as PostgreSQL allows it). */
export function micros(time: string): number {
  const m = TIME.exec(time);
  if (!m) throw new Error(`not a time of day: ${time}`);
  const [, h, min, s = '0', frac = ''] = m;
  return ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1e6 + Number(frac.padEnd(6, '0'));
}

const ISO_DAY: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat | null>();

function format(zone: string): Intl.DateTimeFormat | null {
  let fmt = formats.get(zone);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      fmt = null; // not a zone: never open there (PostgreSQL refuses the statement instead)
    }
    formats.set(zone, fmt);
  }
  return fmt;
}

/** ISO weekday and microseconds since local midnight of `at` in `zone`; undefined for no zone. */
export function wallClock(at: Date, zone: string): { isoDay: number; micros: number } | undefined {
  const fmt = format(zone);
  if (!fmt) return undefined;
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(at)) parts[p.type] = p.value;
  // Zone offsets are whole seconds, so the milliseconds are those of the instant.
  const ms = ((at.getTime() % 1000) + 1000) % 1000;
  const seconds = (Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second);
  return { isoDay: ISO_DAY[parts.weekday ?? ''] ?? 0, micros: seconds * 1e6 + ms * 1000 };
}
