import { Field } from '../../ui';
import type { FormState } from './ClientForm';

/** A buyer's pause after unanswered calls: how many within an hour, and for how long. */
export function PauseFields(props: {
  f: FormState;
  set: <K extends keyof FormState>(k: K, v: FormState[K]) => void;
  errors: Record<string, string>;
}) {
  const { f, set, errors: e } = props;
  return (
    <>
      <Field
        label="Pause after unanswered calls"
        error={e.auto_pause_unanswered}
        hint="This many calls unanswered within an hour pause the buyer; empty = never"
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="number"
            min={1}
            max={10000}
            step={1}
            value={f.auto_pause_unanswered}
            onChange={(ev) => set('auto_pause_unanswered', ev.target.value)}
          />
        )}
      </Field>
      <Field
        label="Pause for (minutes)"
        error={e.auto_pause_minutes}
        hint="Then it takes calls again by itself"
      >
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="number"
            min={1}
            max={1440}
            step={1}
            required
            value={f.auto_pause_minutes}
            onChange={(ev) => set('auto_pause_minutes', ev.target.value)}
          />
        )}
      </Field>
    </>
  );
}
