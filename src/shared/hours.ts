import { badRequest } from './errors.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type BusinessHours = Partial<Record<Weekday, { start: string; end: string }[]>>;

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Rejects intervals that end before they start or overlap; `field` names the input in the error. */
export function assertValidHours(hours: BusinessHours | null | undefined, field: string): void {
  if (!hours) return;
  for (const day of WEEKDAYS) {
    const intervals = [...(hours[day] ?? [])].sort((a, b) => minutes(a.start) - minutes(b.start));
    intervals.forEach((iv, i) => {
      if (minutes(iv.end) <= minutes(iv.start)) {
        throw badRequest(`${field}.${day}: ${iv.start}-${iv.end} ends before it starts`);
      }
      const prev = intervals[i - 1];
      if (prev && minutes(prev.end) > minutes(iv.start)) {
        throw badRequest(`${field}.${day}: ${prev.start}-${prev.end} overlaps ${iv.start}-${iv.end}`);
      }
    });
  }
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const weekdayFmt = new Map<string, Intl.DateTimeFormat>();

/** Weekday and minute-of-day of `at` in time zone `tz`. */
export function localTime(at: Date, tz: string): { day: Weekday; minute: number } {
  let fmt = weekdayFmt.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    weekdayFmt.set(tz, fmt);
  }
  const parts = fmt.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** True when `at` falls inside `hours` in `tz`; `null` hours mean always open. */
export function isOpen(hours: BusinessHours | null, tz: string, at: Date): boolean {
  if (!hours) return true;
  const { day, minute } = localTime(at, tz);
  return (hours[day] ?? []).some((iv) => minute >= minutes(iv.start) && minute < minutes(iv.end));
}
