/** One stacked series of a bar chart. */
export interface BarSeries<T> {
  label: string;
  color: string;
  value: (row: T) => number;
}

/**
 * Stacked bars (SVG), one per period, with a title per bar for the exact figures and a legend.
 * Values below zero (a loss) are drawn from the axis down.
 */
export function BarChart<T>(props: {
  label: string;
  rows: T[];
  series: BarSeries<T>[];
  periodLabel: (row: T) => string;
  format?: (v: number) => string;
}) {
  const { rows, series } = props;
  const fmt = props.format ?? ((v: number) => v.toLocaleString());
  const W = 640;
  const H = 200;
  const pad = { l: 56, b: 22, t: 10 };
  const ups = rows.map((r) => series.reduce((n, s) => n + Math.max(0, s.value(r)), 0));
  const downs = rows.map((r) => series.reduce((n, s) => n + Math.min(0, s.value(r)), 0));
  const max = Math.max(1e-9, ...ups);
  const min = Math.min(0, ...downs);
  const span = max - min;
  const plot = H - pad.b - pad.t;
  const y = (v: number) => pad.t + ((max - v) * plot) / span;
  const bw = (W - pad.l) / Math.max(1, rows.length);
  const every = Math.max(1, Math.ceil(rows.length / 12));
  return (
    <figure className="chart" style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label}>
        <line x1={pad.l} x2={W} y1={y(0)} y2={y(0)} stroke="#aab2bf" />
        <text x={pad.l - 4} y={pad.t + 8} fontSize="10" textAnchor="end" fill="#525a66">
          {fmt(max)}
        </text>
        {min < 0 && (
          <text x={pad.l - 4} y={H - pad.b} fontSize="10" textAnchor="end" fill="#525a66">
            {fmt(min)}
          </text>
        )}
        {rows.map((r, i) => {
          let up = 0;
          let down = 0;
          const x = pad.l + i * bw + 1;
          const label = props.periodLabel(r);
          return (
            <g key={i}>
              <title>{`${label}: ${series.map((s) => `${s.label} ${fmt(s.value(r))}`).join(', ')}`}</title>
              {series.map((s) => {
                const v = s.value(r);
                if (v === 0) return null;
                const from = v > 0 ? up : down;
                const to = from + v;
                if (v > 0) up = to;
                else down = to;
                const top = y(Math.max(from, to));
                return (
                  <rect
                    key={s.label}
                    x={x}
                    y={top}
                    width={Math.max(1, bw - 2)}
                    height={Math.abs(y(from) - y(to))}
                    fill={s.color}
                  />
                );
              })}
              {i % every === 0 && (
                <text x={x + bw / 2} y={H - 6} fontSize="10" textAnchor="middle" fill="#525a66">
                  {label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.label} style={{ ['--swatch' as string]: s.color }}>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
