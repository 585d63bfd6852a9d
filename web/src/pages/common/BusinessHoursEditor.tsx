import { Field } from '../../ui';

// Business hours as the API takes them (clients and campaigns share the shape): per weekday a
// list of `{start, end}` in "HH:MM" (24:00 = midnight at the end of the day); a day without
// intervals is closed; `null` means open around the clock.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface Interval {
  start: string;
  end: string;
}
export type BusinessHours = Partial<Record<Weekday, Interval[]>>;

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The API's pattern for a time of day (the browser anchors `pattern` itself). */
export const TIME_PATTERN = '([01]\\d|2[0-3]):[0-5]\\d|24:00';
const MAX_INTERVALS = 8;

/** Mon–Fri 09:00–17:00: a starting point when someone switches "around the clock" off. */
const OFFICE_HOURS: BusinessHours = Object.fromEntries(
  WEEKDAYS.slice(0, 5).map((d) => [d, [{ start: '09:00', end: '17:00' }]]),
);

/** Drops empty days so that what is sent is exactly what is shown. */
export function cleanHours(hours: BusinessHours | null): BusinessHours | null {
  if (!hours) return null;
  const out: BusinessHours = {};
  for (const d of WEEKDAYS) {
    const list = hours[d];
    if (list && list.length > 0) out[d] = list;
  }
  return out;
}

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00" style summary for tables (runs of equal days merged). */
export function hoursSummary(hours: BusinessHours | null): string {
  if (!hours) return 'Always open';
  const text = (d: Weekday) => (hours[d] ?? []).map((i) => `${i.start}–${i.end}`).join(', ');
  const short = (d: Weekday) => DAY_NAMES[d].slice(0, 3);
  const parts: string[] = [];
  for (let i = 0; i < WEEKDAYS.length; i++) {
    const first = WEEKDAYS[i]!;
    const t = text(first);
    if (!t) continue;
    let last = first;
    while (i + 1 < WEEKDAYS.length && text(WEEKDAYS[i + 1]!) === t) last = WEEKDAYS[++i]!;
    parts.push(`${short(first)}${last !== first ? `–${short(last)}` : ''} ${t}`);
  }
  return parts.length ? parts.join(' · ') : 'Closed every day';
}

export function BusinessHoursEditor(props: {
  value: BusinessHours | null;
  onChange: (v: BusinessHours | null) => void;
  timezoneHint?: string;
}) {
  const { value, onChange } = props;
  const setDay = (day: Weekday, list: Interval[]) => onChange({ ...value, [day]: list });
  return (
    <fieldset className="stack">
      <legend>Business hours</legend>
      <label>
        <input
          type="checkbox"
          checked={value === null}
          onChange={(e) => onChange(e.target.checked ? null : OFFICE_HOURS)}
        />{' '}
        Open around the clock
      </label>
      {value !== null && (
        <>
          <p className="muted" style={{ margin: 0 }}>
            Times are HH:MM in {props.timezoneHint || 'the time zone above'}; 24:00 means midnight at the end
            of the day. A day without hours is closed.
          </p>
          {WEEKDAYS.map((day) => (
            <DayEditor
              key={day}
              day={day}
              intervals={value[day] ?? []}
              onChange={(list) => setDay(day, list)}
              onCopyToWeekdays={
                day === 'mon'
                  ? () =>
                      onChange({
                        ...value,
                        ...Object.fromEntries(
                          WEEKDAYS.slice(1, 5).map((d) => [d, (value.mon ?? []).map((i) => ({ ...i }))]),
                        ),
                      })
                  : undefined
              }
            />
          ))}
        </>
      )}
    </fieldset>
  );
}

function DayEditor(props: {
  day: Weekday;
  intervals: Interval[];
  onChange: (list: Interval[]) => void;
  onCopyToWeekdays?: (() => void) | undefined;
}) {
  const { day, intervals, onChange } = props;
  const update = (i: number, patch: Partial<Interval>) =>
    onChange(intervals.map((iv, j) => (j === i ? { ...iv, ...patch } : iv)));
  return (
    <fieldset>
      <legend>
        {DAY_NAMES[day]}
        {intervals.length === 0 && <span className="muted"> — closed</span>}
      </legend>
      {intervals.map((iv, i) => (
        <div key={i} className="filters" style={{ marginBottom: '0.5rem' }}>
          <Field label="Opens">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                required
                pattern={TIME_PATTERN}
                placeholder="09:00"
                inputMode="numeric"
                size={6}
                maxLength={5}
                value={iv.start}
                onChange={(e) => update(i, { start: e.target.value })}
              />
            )}
          </Field>
          <Field label="Closes">
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                required
                pattern={TIME_PATTERN}
                placeholder="17:00"
                inputMode="numeric"
                size={6}
                maxLength={5}
                value={iv.end}
                onChange={(e) => update(i, { end: e.target.value })}
              />
            )}
          </Field>
          <button
            type="button"
            className="secondary"
            aria-label={`Remove ${DAY_NAMES[day]} ${iv.start}–${iv.end}`}
            onClick={() => onChange(intervals.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <div className="actions">
        <button
          type="button"
          className="secondary"
          disabled={intervals.length >= MAX_INTERVALS}
          onClick={() => onChange([...intervals, { start: '09:00', end: '17:00' }])}
        >
          Add hours{intervals.length > 0 ? ' (split shift)' : ''}
        </button>
        {props.onCopyToWeekdays && (
          <button type="button" className="ghost" onClick={props.onCopyToWeekdays}>
            Copy Monday to Tue–Fri
          </button>
        )}
      </div>
    </fieldset>
  );
}
