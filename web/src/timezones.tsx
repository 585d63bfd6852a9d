import { zoneChoices } from '../../src/shared/timezones';

export { zoneChoices };

/**
 * The one time-zone picker: UTC first, then every IANA Area/Location zone, the API's own rule
 * (src/shared/timezones.ts). A stored zone the list lacks is kept as the selected option rather
 * than shown as the list's first entry.
 */
export function TimeZoneSelect(props: {
  id: string;
  /** The form field name, for a picker read by a form rather than by its state. */
  name?: string;
  describedBy?: string | undefined;
  value: string;
  onChange: (zone: string) => void;
}) {
  const zones = zoneChoices();
  const options = props.value !== '' && !zones.includes(props.value) ? [props.value, ...zones] : zones;
  return (
    <select
      id={props.id}
      name={props.name}
      aria-describedby={props.describedBy}
      required
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {options.map((z) => (
        <option key={z} value={z}>
          {z}
        </option>
      ))}
    </select>
  );
}
