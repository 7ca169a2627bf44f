import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { errorCatalog, errorCodes } from '../../src/errors/codes.js';

describe('the error catalog', () => {
  it('is documented in the README with its HTTP status and exit code', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of errorCodes) {
      const { status, exit } = errorCatalog[code];
      expect(readme, `README lists ${code}`).toMatch(new RegExp(`\\| \`${code}\` \\| ${status} \\| ${exit} \\|`));
    }
  });

  it('maps every code to an error status', () => {
    for (const code of errorCodes) expect(errorCatalog[code].status).toBeGreaterThanOrEqual(400);
  });
});
