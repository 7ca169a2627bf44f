/** A reader of an SSE stream as EventSource does it (HTML §9.2.6), enough to check what we write. */
export interface ParsedSse {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

export function parseSse(text: string): { events: ParsedSse[]; comments: string[] } {
  const events: ParsedSse[] = [];
  const comments: string[] = [];
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ ...(id === undefined ? {} : { id }), ...(event === undefined ? {} : { event }), data: data.join('\n') });
      data = [];
      event = undefined;
      continue;
    }
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
    else if (field === 'event') event = value;
  }
  return { events, comments };
}
