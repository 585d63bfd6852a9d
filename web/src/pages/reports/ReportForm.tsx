import { useState, type FormEvent } from 'react';
import { TimeZoneSelect } from '../../timezones';
import { Field } from '../../ui';

/** What a report can be grouped by, with its label. */
export const GROUPS = [
  ['campaign', 'Campaign'],
  ['buyer', 'Buyer'],
  ['seller', 'Seller'],
  ['did', 'DID'],
  ['area', 'Caller area code'],
  ['state', 'Caller state'],
] as const;

/** The report's choices; "Show report" puts them in the address bar, which the page reads. */
export function ReportForm(props: {
  q: { from: string; to: string; tz: string; group_by: string; interval: string };
  staff: boolean;
  onApply: (next: URLSearchParams) => void;
}) {
  const { q, staff } = props;
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(e.currentTarget)) if (typeof v === 'string' && v !== '') next.set(k, v);
    props.onApply(next);
  }
  return (
    <form className="filters" onSubmit={apply} aria-label="Report">
      <Field label="From">
        {(id) => <input id={id} name="from" type="date" defaultValue={q.from} required />}
      </Field>
      <Field label="To">{(id) => <input id={id} name="to" type="date" defaultValue={q.to} required />}</Field>
      <Field label="Time zone">{(id) => <ZoneField id={id} value={q.tz} />}</Field>
      <Field label="Group by">
        {(id) => (
          <select id={id} name="group_by" defaultValue={q.group_by}>
            {GROUPS.filter(([k]) => staff || k !== 'seller').map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Over time by">
        {(id) => (
          <select id={id} name="interval" defaultValue={q.interval}>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
            <option value="month">Month</option>
          </select>
        )}
      </Field>
      <div className="filter-actions">
        <button type="submit" className="primary">
          Show report
        </button>
      </div>
    </form>
  );
}

/** The picker as a form field (its value goes with the form). */
function ZoneField({ id, value }: { id: string; value: string }) {
  const [zone, setZone] = useState(value);
  return <TimeZoneSelect id={id} name="tz" value={zone} onChange={setZone} />;
}
