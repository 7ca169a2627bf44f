import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { actions } from '../../src/access/actions.js';
import { roleAllows, roleDefinitions } from '../../src/access/roles.js';

describe('the permission matrix in the README', () => {
  it('says exactly what the roles in src/access/roles.ts allow, action by action', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const header = readme.split('\n').find((line) => line.startsWith('| action | `viewer`'));
    expect(header, 'the matrix header').toBeDefined();
    const columns = header!.split('|').slice(2, -1).map((cell) => cell.trim().replaceAll('`', ''));
    expect(columns).toEqual(roleDefinitions.map((d) => d.role));
    for (const action of actions) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${action}\` |`));
      expect(row, `a row for ${action}`).toBeDefined();
      const cells = row!.split('|').slice(2, -1).map((cell) => cell.trim() === '✓');
      expect(cells, action).toEqual(roleDefinitions.map((d) => roleAllows(d.role, action)));
    }
  });
});
