/**
 * An If-Match value: an ETag as read from the server, or a record's
 * `revision`, which is what the server's ETags are made from.
 */
export type IfMatch = string | number;

export function ifMatchHeader(ifMatch: IfMatch | undefined): Record<string, string> {
  if (ifMatch === undefined) return {};
  return { 'if-match': typeof ifMatch === 'number' ? `"r${ifMatch}"` : ifMatch };
}
