/**
 * Why an operation failed, in one line without the driver's wrapping: a leading `Error: ` left by a
 * rethrown error is dropped, and so is the statement the query builder puts before PostgreSQL's own
 * reason (`<sql> - <reason>`; the statement may hold a password).
 */
export function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const sqlState = (error as { code?: unknown } | null)?.code;
  const reason = typeof sqlState === 'string' && /^[0-9A-Z]{5}$/.test(sqlState) && message.includes(' - ') ? message.slice(message.lastIndexOf(' - ') + 3) : message;
  return reason.replace(/^(\w*Error: )+/, '').split('\n')[0]!.trim();
}
