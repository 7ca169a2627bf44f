import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runCli } from './cli-harness.js';

/** Every command path in the tree, e.g. ['namespace', 'schema', 'set']. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.filter((sub) => sub.name() !== 'help').flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

const paths = commandPaths(buildProgram());

describe('--help', { timeout: 60_000 }, () => {
  it('covers the whole command tree', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['serve', 'init', 'login', 'logout', 'whoami', 'namespace create', 'namespace schema set', 'model create', 'model list', 'model show', 'version push', 'version show', 'version list', 'version publish', 'pull', 'token create', 'token list', 'token rotate', 'token revoke', 'access grant', 'access review', 'access policy set', 'access elevate', 'access approve', 'ledger tail', 'lineage', 'why', 'impact', 'advisories import', 'library deprecate', 'library deprecations', 'findings', 'risk', 'risk show', 'risk rubric set', 'risk rescore', 'license-policy set', 'health', 'incident open', 'incident resolve', 'incidents', 'webhook add', 'webhook list', 'webhook remove', 'events']),
    );
  });

  it.each([[[] as string[]], ...paths.map((path) => [path])])('explains `modelkeep %s` with a description and an example', async (path) => {
    const run = await runCli([...path, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: modelkeep ${path.join(' ')}`.trimEnd());
    expect(run.stdout).toMatch(/Examples?:\n {2}\$ modelkeep /);
  });
});
