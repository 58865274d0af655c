/** Errors that mean "bad arguments, config or checkpoint": exit code 2 with one line on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}
