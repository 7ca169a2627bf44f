import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.js';

/** A JSON object from a file the user named, with errors that say which file and why. */
export async function readJsonObject(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('invalid_request', `Cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError('invalid_request', `${what} ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError('invalid_request', `${what} ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}
