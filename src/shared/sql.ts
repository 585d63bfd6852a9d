/**
 * Builds WHERE clauses and SET lists with numbered parameters, so repositories can take
 * optional filters without string-concatenating values.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder ($n). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function whereClause(conditions: string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/**
 * `SET a = $1, b = $2` for the keys of `patch` that are defined, mapped to columns by
 * `columns` (API field → column). Returns undefined when nothing is to be changed.
 */
export function setClause(
  patch: Record<string, unknown>,
  columns: Record<string, string>,
  params: SqlParams,
): string | undefined {
  const parts: string[] = [];
  for (const [field, column] of Object.entries(columns)) {
    const value = patch[field];
    if (value === undefined) continue;
    const isJson = column.endsWith('::jsonb');
    const name = isJson ? column.slice(0, -'::jsonb'.length) : column;
    parts.push(
      `${name} = ${params.add(isJson && value !== null ? JSON.stringify(value) : value)}${isJson ? '::jsonb' : ''}`,
    );
  }
  return parts.length === 0 ? undefined : `SET ${parts.join(', ')}`;
}

/**
 * The condition of a person's edit on a versioned row (src/shared/versions.ts): the row is still
 * at `expected`, or any version when undefined (last write wins).
 */
export function versionIs(expected: number | undefined, params: SqlParams, column = 'version'): string {
  const v = params.add(expected ?? null);
  return `(${v}::int IS NULL OR ${column} = ${v})`;
}
