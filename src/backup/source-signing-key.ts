import { readFile } from 'node:fs/promises';
import { RegistryError } from '../errors/registry-error.js';
import { ledgerKeyPath } from '../server/ledger-key.js';

/**
 * The signing key the registry's server uses: MODELKEEP_LEDGER_KEY's file, or
 * the data directory's. Unlike the server, a backup never creates one: a new
 * key would sign as another log.
 */
export async function readSourceSigningKey(dataDir: string, keyPath?: string): Promise<string> {
  const path = ledgerKeyPath(dataDir, keyPath);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new RegistryError(
      'not_found',
      keyPath === undefined
        ? `There is no ledger signing key at ${path}. Point --data at the registry's data directory, or set MODELKEEP_LEDGER_KEY to the key its server uses`
        : `MODELKEEP_LEDGER_KEY names ${path}, which does not exist`,
    );
  }
}
