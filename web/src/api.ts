// The dashboard talks to the same JSON API as scripts do (docs/openapi.json): the session
// cookie set by POST /api/auth/login authenticates every request.

export interface FieldProblem {
  path: string;
  message: string;
}

/** The API's one error shape, `{"error":{"code","message","details"}}`, as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Validation problems by field name (the last segment of the JSON path). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const d of this.details as FieldProblem[]) {
      const name = typeof d?.path === 'string' ? d.path.split('/').filter(Boolean).pop() : undefined;
      if (name && !(name in out)) out[name] = d.message;
    }
    return out;
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/x?a=1` from a path and the query values that are set. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: { query?: Query; body?: unknown; csv?: string; version?: number | undefined } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // The version the form loaded: the server refuses the change (412) if someone saved since.
  if (opts.version !== undefined) headers['if-match'] = `"${opts.version}"`;
  let body: string | undefined;
  if (opts.csv !== undefined) {
    headers['content-type'] = 'text/csv';
    body = opts.csv;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const retry = res.headers.get('retry-after');
    const message = e?.message ?? `The server answered ${res.status} ${res.statusText || ''}`.trim();
    throw new ApiError(
      res.status,
      e?.code ?? 'http_error',
      retry ? `${message} (try again in ${retry} s)` : message,
      e?.details,
    );
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  /** With `version` (what the GET answered), refused with a 412 if someone else saved since. */
  put: <T>(path: string, body: unknown, version?: number) => request<T>('PUT', path, { body, version }),
  patch: <T>(path: string, body: unknown, version?: number) => request<T>('PATCH', path, { body, version }),
  del: (path: string, version?: number) => request<void>('DELETE', path, { version }),
};

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
