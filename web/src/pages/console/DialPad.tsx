const KEYS: [key: string, letters: string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

const SPOKEN: Record<string, string> = { '*': 'star', '#': 'hash' };

/**
 * A phone's twelve keys. Each is a button named by its digit (screen readers say "star" and
 * "hash"); the keyboard works as well in the field the pad types into.
 */
export function DialPad(props: { label: string; onKey: (key: string) => void; disabled?: boolean }) {
  return (
    <div className="dialpad" role="group" aria-label={props.label}>
      {KEYS.map(([key, letters]) => (
        <button
          key={key}
          type="button"
          className="secondary"
          disabled={props.disabled}
          aria-label={SPOKEN[key] ?? key}
          onClick={() => props.onKey(key)}
        >
          <span className="dialpad-key" aria-hidden="true">
            {key}
          </span>
          <span className="dialpad-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}
