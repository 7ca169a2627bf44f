import type { Command } from 'commander';
import { ModelKeepClient } from '../../sdk/modelkeep-client.js';
import { usageError } from '../cli-error.js';
import { contextOf } from '../context.js';
import { configPath, deleteLogin, writeLogin } from '../credentials.js';
import { withExamples } from '../help-text.js';
import { scopeText, where } from './access/access-format.js';

export function registerLoginCommands(program: Command): void {
  withExamples(
    program
      .command('login')
      .description('check a server URL and token, and store them for later commands')
      .requiredOption('--url <url>', 'the server, e.g. http://127.0.0.1:8080')
      .requiredOption('--token <token>', 'an API token, or - to read it from stdin')
      .action(async (options: { url: string; token: string }, command: Command) => {
        const ctx = contextOf(command);
        const token = options.token === '-' ? await readStdin() : options.token;
        if (token === '') throw usageError('The token is empty');
        const url = normaliseUrl(options.url);
        const who = await new ModelKeepClient({ baseUrl: url, token }).whoami();
        const path = configPath(ctx.env);
        await writeLogin(path, { url, token });
        ctx.out.result({ url, principal: who.principal, roles: who.roles, config: path }, (r) => {
          ctx.out.line(`Logged in to ${r.url} as ${r.principal} (${r.roles.join(', ')}).`);
          ctx.out.line(`Saved to ${r.config} (readable only by you).`);
        });
      }),
    'modelkeep login --url http://127.0.0.1:8080 --token mk_...',
    'printenv MODELKEEP_ADMIN_TOKEN | modelkeep login --url http://127.0.0.1:8080 --token -',
  );

  withExamples(
    program
      .command('logout')
      .description('forget the stored server URL and token')
      .action(async (_options: object, command: Command) => {
        const ctx = contextOf(command);
        const path = configPath(ctx.env);
        const removed = await deleteLogin(path);
        ctx.out.result({ config: path, removed }, (r) => ctx.out.line(r.removed ? `Removed ${r.config}.` : 'Not logged in; nothing to remove.'));
      }),
    'modelkeep logout',
  );

  withExamples(
    program
      .command('whoami')
      .description('show which server and identity commands use')
      .action(async (_options: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const who = await client.whoami();
        ctx.out.result({ url: client.baseUrl, ...who }, (r) => {
          ctx.out.line(`${r.principal} on ${r.url} (roles: ${r.roles.join(', ') || 'none'})`);
          for (const g of r.grants) ctx.out.line(`  ${g.role} ${where(g.namespace)}, through ${g.via}`);
          if (r.groups.length > 0) ctx.out.line(`  member of ${r.groups.join(', ')}`);
          if (r.scope.roles !== null || r.scope.namespaces !== null) {
            ctx.out.line(`  this token is scoped to roles: ${scopeText(r.scope.roles, 'all')}; namespaces: ${scopeText(r.scope.namespaces, 'all')}`);
          }
          if (r.grants.length === 0) ctx.out.note('You hold no grants; ask a security admin for one (`modelkeep access grant`).');
        });
      }),
    'modelkeep whoami',
    'modelkeep whoami --json',
  );
}

function normaliseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--url ${JSON.stringify(text)} is not a URL`, 'Give the full URL, e.g. --url http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--url must be http or https, not ${url.protocol}`);
  return url.toString().replace(/\/+$/, '');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the token, then press Enter and Ctrl-D: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
