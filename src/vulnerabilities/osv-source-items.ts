import { RegistryError } from '../errors/registry-error.js';
import type { Advisory } from './advisory.js';
import { parseOsvRecord } from './parse-osv.js';

/* What the OSV readers yield, and how a file's or zip entry's text becomes items. */

export interface OsvSourceItem {
  /** Where the record came from: `a.json`, `a.json[3]` for an element of an array, `all.zip!/GHSA-….json`. */
  source: string;
  advisory?: Advisory;
  /** The record as read, beside its parsed form: what an importer sends on, so the server parses exactly what the file says. */
  record?: unknown;
  error?: string;
}

export interface Limits {
  maxFileBytes: number;
  maxFiles: number;
}

export const tooLarge = (what: 'file' | 'entry', size: number, max: number) => `The ${what} is larger than the limit of ${max} bytes (${size} bytes or more)`;

/** One item per record: the text holds one record or an array of them. */
export function* recordsIn(text: string, source: string): Generator<OsvSourceItem> {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    // V8 quotes the input back in some messages; a record can be megabytes long.
    yield { source, error: `The record is not valid JSON: ${(cause as Error).message.replace(/, ".*" is not valid JSON$/s, '')}` };
    return;
  }
  if (!Array.isArray(value)) {
    yield parsed(value, source);
    return;
  }
  for (const [i, element] of value.entries()) yield parsed(element, `${source}[${i}]`);
}

function parsed(value: unknown, source: string): OsvSourceItem {
  try {
    return { source, advisory: parseOsvRecord(value), record: value };
  } catch (cause) {
    if (cause instanceof RegistryError) return { source, error: cause.message };
    throw cause;
  }
}
