import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import { promotionTargets } from '../../../governance/gate-types.js';
import { CliError } from '../../cli-error.js';
import { uuidArg } from '../../option-parsers.js';

/*
 * Arguments the governance commands share: stages, ids, `--set field=JSON`,
 * and text read from a file, inline, or stdin.
 */

/** `--to STAGE`, required. */
export const toStageOption = (what: string): Option => new Option('--to <stage>', `${what} (required)`).choices(promotionTargets).makeOptionMandatory();

export const promotionIdArg = uuidArg('promotion request', 'modelkeep promotions --status pending');
export const changeIdArg = uuidArg('change request', 'modelkeep change list --status pending');

/** `--evidence-blob`, repeatable: a digest as `version push` and `sha256sum` give it. */
export function collectDigest(text: string, previous: string[] = []): string[] {
  if (!/^sha256:[0-9a-f]{64}$/.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a blob digest; write sha256: and 64 lower-case hex digits, and upload the file first.`);
  return previous.includes(text) ? previous : [...previous, text];
}

/** `--link`, repeatable: an absolute URL, kept as a label and never fetched. */
export function collectLink(text: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not an absolute URL, e.g. https://wiki.example.com/reviews/123.`);
  }
  return [...previous, url.toString()];
}

/** `--set field=JSON`, repeatable, into the changes of a correction. */
export function collectSetting(text: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const match = /^([A-Za-z][A-Za-z0-9_]*)=([\s\S]*)$/.exec(text);
  if (match === null) throw new InvalidArgumentError(`${JSON.stringify(text)} is not field=JSON, e.g. license='"MIT"' or tags='["fraud","v2"]'.`);
  const [, field, json] = match as unknown as [string, string, string];
  try {
    return { ...previous, [field]: JSON.parse(json) as unknown };
  } catch {
    throw new InvalidArgumentError(`The value of ${field} is not JSON: ${json}. Quote strings for the shell and for JSON, e.g. ${field}='"MIT"'.`);
  }
}

/** A file's text, or stdin's for `-`; errors name the file and what it was for. */
export async function readText(path: string, what: string): Promise<string> {
  let text: string;
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(path, 'utf8');
    }
  } catch (error) {
    throw new CliError('invalid_request', `Cannot read ${what} ${path === '-' ? 'from stdin' : path}: ${(error as Error).message}`, { hint: 'Give the path of a readable file, or - to read stdin.', cause: error });
  }
  if (text.trim() === '') throw new CliError('invalid_request', `${what} ${path === '-' ? 'on stdin' : path} is empty`, { hint: 'Write it in the file first.' });
  return text;
}

/**
 * A JSON object given inline (`'{"slices": …}'`) or as a file path (`-` for
 * stdin): inline when it starts with `{`, a file otherwise.
 */
export async function readJsonObjectArg(value: string, what: string, example: string): Promise<Record<string, unknown>> {
  const inline = value.trimStart().startsWith('{');
  const text = inline ? value : await readText(value, what);
  const where = inline ? `${what} given inline` : `${what} ${value === '-' ? 'on stdin' : value}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError('invalid_request', `${where} is not valid JSON: ${(error as Error).message}`, { hint: `Give a JSON object, e.g. ${example}`, cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError('invalid_request', `${where} must be a JSON object`, { hint: `e.g. ${example}` });
  return parsed as Record<string, unknown>;
}
