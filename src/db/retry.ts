/** SQLSTATEs after which a transaction can simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `fn` again when PostgreSQL aborted it for a serialization failure or a deadlock (two
 * calls taking the same rows in opposite order); anything else is rethrown at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (i >= attempts || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
    }
  }
}
