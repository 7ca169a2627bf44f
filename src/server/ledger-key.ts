import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerSigner } from '../ledger/ledger-signer.js';

export const LEDGER_KEY_FILE = 'ledger-key.pem';

/** Where the ledger's signing key is: the path given (MODELKEEP_LEDGER_KEY), else the data directory's. */
export const ledgerKeyPath = (dataDir: string, path?: string): string => path ?? join(dataDir, LEDGER_KEY_FILE);

/**
 * The ledger's signing key: from `path` if given (servers sharing a database
 * must share it), else from the data directory, created there on first use
 * with mode 0600.
 */
export async function loadLedgerSigner(dataDir: string, path?: string, origin?: string): Promise<LedgerSigner> {
  const file = ledgerKeyPath(dataDir, path);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || path !== undefined) throw error;
    pem = LedgerSigner.generatePem();
    try {
      await writeFile(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      // Another process created it first: use theirs.
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
      pem = await readFile(file, 'utf8');
    }
  }
  return LedgerSigner.fromPem(pem, origin);
}
