import { Field } from '../../ui';

// Who may call, and what a repeat caller gets (src/routing/callers.ts): the same fields on a
// campaign and on a link, where a link's empty fields mean "the campaign's".

export interface CallerFilter {
  allow_areas?: string[];
  block_areas?: string[];
  block_numbers?: string[];
  block_anonymous?: boolean;
}

export interface CallerRules {
  caller_filter: CallerFilter | null;
  duplicate_window_seconds: number | null;
  duplicate_action: string | null;
}

/** The rules as typed: lists as text, the window as a number and a unit. */
export interface CallerRulesDraft {
  allow: string;
  block: string;
  numbers: string;
  anonymous: boolean;
  window: string;
  unit: Unit;
  action: string;
}

const UNIT = { minutes: 60, hours: 3600, days: 86400 } as const;
type Unit = keyof typeof UNIT;

export function draftOf(r: Partial<CallerRules> | undefined, level: 'campaign' | 'link'): CallerRulesDraft {
  const w = r?.duplicate_window_seconds ?? null;
  const unit: Unit =
    w === null || w % 3600 === 0 ? (w !== null && w % 86400 === 0 ? 'days' : 'hours') : 'minutes';
  return {
    allow: (r?.caller_filter?.allow_areas ?? []).join(', '),
    block: (r?.caller_filter?.block_areas ?? []).join(', '),
    numbers: (r?.caller_filter?.block_numbers ?? []).join('\n'),
    anonymous: r?.caller_filter?.block_anonymous ?? false,
    window: w === null ? '' : String(w / UNIT[unit]),
    unit,
    action: r?.duplicate_action ?? (level === 'campaign' ? 'no_payout' : ''),
  };
}

const list = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The API's fields from a draft (the server trims, checks and names every problem). */
export function rulesOf(d: CallerRulesDraft): CallerRules {
  const filter: CallerFilter = {
    allow_areas: list(d.allow),
    block_areas: list(d.block),
    block_numbers: list(d.numbers),
    block_anonymous: d.anonymous,
  };
  const empty =
    !d.anonymous && [filter.allow_areas, filter.block_areas, filter.block_numbers].every((x) => !x?.length);
  return {
    caller_filter: empty ? null : filter,
    duplicate_window_seconds: d.window.trim() === '' ? null : Math.round(Number(d.window) * UNIT[d.unit]),
    duplicate_action: d.action === '' ? null : d.action,
  };
}

export function CallerRulesFields(props: {
  level: 'campaign' | 'link';
  value: CallerRulesDraft;
  onChange: (d: CallerRulesDraft) => void;
  errors: Record<string, string | undefined>;
}) {
  const { value: v, level } = props;
  const set = (patch: Partial<CallerRulesDraft>) => props.onChange({ ...v, ...patch });
  const inherit = level === 'link' ? " (empty: the campaign's)" : '';
  return (
    <fieldset
      className="stack"
      style={{ border: '1px solid var(--line, #d5dae1)', borderRadius: 6, padding: '0.75rem' }}
    >
      <legend>Callers</legend>
      <div className="form-grid">
        <Field
          label="Repeat caller window"
          error={props.errors.duplicate_window_seconds}
          hint={`A caller whose earlier call a buyer answered within this time is a repeat caller${inherit || '; empty: no repeat rule'}`}
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={v.unit === 'minutes' ? 1 : 0.1}
              step="any"
              value={v.window}
              onChange={(e) => set({ window: e.target.value })}
            />
          )}
        </Field>
        <Field label="Window in">
          {(id) => (
            <select id={id} value={v.unit} onChange={(e) => set({ unit: e.target.value as Unit })}>
              <option value="minutes">Minutes</option>
              <option value="hours">Hours</option>
              <option value="days">Days</option>
            </select>
          )}
        </Field>
        <Field label="A repeat caller" error={props.errors.duplicate_action}>
          {(id, d) => (
            <select
              id={id}
              aria-describedby={d}
              value={v.action}
              onChange={(e) => set({ action: e.target.value })}
            >
              {level === 'campaign' ? (
                <>
                  <option value="first_buyer">Goes to the buyer that answered before</option>
                  <option value="no_payout">Is routed, with no payout</option>
                  <option value="reject">Is rejected</option>
                </>
              ) : (
                <>
                  <option value="">As the campaign says</option>
                  <option value="pay">Is taken and paid by this buyer</option>
                  <option value="no_payout">Is taken by this buyer with no payout</option>
                  <option value="reject">Is not sent to this buyer</option>
                </>
              )}
            </select>
          )}
        </Field>
        <Field
          label="Only callers from"
          error={props.errors.caller_filter}
          hint="Area codes or states, e.g. 212, TX, US-FL; empty: everywhere"
        >
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={v.allow}
              onChange={(e) => set({ allow: e.target.value })}
            />
          )}
        </Field>
        <Field label="Block callers from" hint="Area codes or states">
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              value={v.block}
              onChange={(e) => set({ block: e.target.value })}
            />
          )}
        </Field>
        <Field label="Block numbers" hint="One per line: +12125550100, or a prefix such as +1900*">
          {(id, d) => (
            <textarea
              id={id}
              aria-describedby={d}
              rows={2}
              value={v.numbers}
              onChange={(e) => set({ numbers: e.target.value })}
            />
          )}
        </Field>
      </div>
      <label>
        <input type="checkbox" checked={v.anonymous} onChange={(e) => set({ anonymous: e.target.checked })} />{' '}
        Block anonymous callers
      </label>
    </fieldset>
  );
}
