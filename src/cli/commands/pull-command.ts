import type { Command } from 'commander';
import type { VersionRef } from '../../sdk/types.js';
import { contextOf } from '../context.js';
import { formatBytes, plural } from '../format.js';
import { withExamples } from '../help-text.js';
import { versionRefArg } from '../option-parsers.js';

export function registerPullCommand(program: Command): void {
  withExamples(
    program
      .command('pull')
      .description("download a version's files into a folder, verifying every file's size and SHA-256")
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .argument('<dir>', 'the folder to write into (created if missing)')
      .action(async (ref: VersionRef, dir: string, _options: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const { pullVersion } = await import('../artifacts/pull-version.js');
        const result = await pullVersion(client, ref, dir, ctx.progress);
        ctx.out.result(result, (r) => {
          const kept = r.alreadyPresent.count > 0 ? `; ${r.alreadyPresent.count} already present` : '';
          ctx.out.line(`Pulled ${r.version} into ${r.dir}: ${plural(r.downloaded.count, 'file')} downloaded (${formatBytes(r.downloaded.bytes)})${kept}, all verified.`);
        });
      }),
    'modelkeep pull fraud/scorer@3 ./scorer-v3',
  );
}
