/** What a caller without the right to see a sensitive field is shown instead of it. */
export const REDACTED = '[redacted]';

/**
 * A client that read a record with sensitive fields redacted and sends its
 * `extra` back must not overwrite them with the placeholder: a placeholder
 * that comes back keeps the stored value.
 */
export function keepRedacted(incoming: Record<string, unknown> | undefined, stored: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (incoming === undefined || stored === undefined) return incoming;
  let kept: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(incoming)) {
    if (value === REDACTED && Object.hasOwn(stored, field)) {
      kept ??= { ...incoming };
      kept[field] = stored[field];
    }
  }
  return kept ?? incoming;
}
