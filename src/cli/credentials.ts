import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/** What `modelkeep login` stores. */
export interface StoredLogin {
  readonly url: string;
  readonly token: string;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const LOGIN_HINT = 'Run `modelkeep login --url URL --token TOKEN`, or set MODELKEEP_URL and MODELKEEP_TOKEN.';

/** `$MODELKEEP_CONFIG`, else `$XDG_CONFIG_HOME/modelkeep/config.json`, else `~/.config/modelkeep/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env.MODELKEEP_CONFIG) return env.MODELKEEP_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'modelkeep', 'config.json');
}

export async function readLogin(path: string): Promise<StoredLogin | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('invalid_request', `${path} is not valid JSON`, { hint: `Delete it with \`modelkeep logout\`, then log in again. ${LOGIN_HINT}` });
  }
  const { url, token } = (parsed ?? {}) as { url?: unknown; token?: unknown };
  if (typeof url !== 'string' || typeof token !== 'string') {
    throw new CliError('invalid_request', `${path} does not hold a url and a token`, { hint: LOGIN_HINT });
  }
  return { url, token };
}

/** Written to a private temporary file and renamed over the old one, so the secret is never readable by others, even briefly. */
export async function writeLogin(path: string, login: StoredLogin): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: DIR_MODE });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(login, null, 2)}\n`, { mode: FILE_MODE, flag: 'wx' });
    await chmod(temporary, FILE_MODE);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** True when there was a stored login to remove. */
export async function deleteLogin(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The server and token to use: MODELKEEP_URL / MODELKEEP_TOKEN first, then the stored login. */
export async function resolveLogin(env: NodeJS.ProcessEnv): Promise<StoredLogin> {
  const stored = env.MODELKEEP_URL && env.MODELKEEP_TOKEN ? undefined : await readLogin(configPath(env));
  const url = env.MODELKEEP_URL || stored?.url;
  // A stored token is only ever sent to the server it was stored for, never to another one named in MODELKEEP_URL.
  const storedToken = stored !== undefined && sameServer(stored.url, url) ? stored.token : undefined;
  const token = env.MODELKEEP_TOKEN || storedToken;
  if (url === undefined || token === undefined) {
    const missing = url === undefined && token === undefined ? 'No ModelKeep server is configured' : `No ${url === undefined ? 'server URL' : 'token'} is configured`;
    throw new CliError('unauthenticated', `${missing}: you are not logged in`, { hint: LOGIN_HINT });
  }
  return { url, token };
}

function sameServer(a: string, b: string | undefined): boolean {
  try {
    return b !== undefined && new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
