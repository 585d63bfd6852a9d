/** One figure in a page's row of figures (`.stats`): a label over its value. */
export function Stat(props: { label: string; value: string; live?: boolean }) {
  return (
    <div className={`stat${props.live ? ' live' : ''}`}>
      <div className="label">{props.label}</div>
      <div className="value">{props.value}</div>
    </div>
  );
}
