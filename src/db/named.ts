/**
 * Named parameters for hand-written statements: `ref.did` is `$3::text` in the SQL text, and
 * `values({ did, … })` lays the values out in the same order. Each name carries its type, so
 * a statement never depends on PostgreSQL inferring one.
 */
export function namedParams<const T extends Record<string, string>>(types: T) {
  const names = Object.keys(types) as (keyof T & string)[];
  const ref = Object.fromEntries(names.map((n, i) => [n, `$${i + 1}::${types[n]}`])) as {
    [K in keyof T]: string;
  };
  return {
    ref,
    /** `$1 name type` lines, for the committed snapshot of a statement. */
    legend: names.map((n, i) => `$${i + 1} ${n} ${types[n]}`),
    values(v: { [K in keyof T]: unknown }): unknown[] {
      return names.map((n) => v[n]);
    },
  };
}
