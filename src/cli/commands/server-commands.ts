import type { Command } from 'commander';
import type { RegistryConfig } from '../../server/registry-config.js';
import { usageError } from '../cli-error.js';
import { contextOf } from '../context.js';
import { withExamples } from '../help-text.js';
import type { Output } from '../output.js';

interface ServerFlags {
  readonly data?: string;
  readonly db?: string;
  readonly port?: string;
  readonly host?: string;
  readonly log?: boolean;
}

export function registerServerCommands(program: Command): void {
  withExamples(
    program
      .command('serve')
      .description('run the registry server (creates the data directory on first start)')
      .option('--data <dir>', 'data directory (env MODELKEEP_DATA, default ./data)')
      .option('--port <n>', 'TCP port, 0 for any free one (env MODELKEEP_PORT, default 8080)')
      .option('--host <host>', 'address to listen on (env MODELKEEP_HOST, default 127.0.0.1)')
      .option('--db <url>', 'a postgres:// URL instead of the SQLite file in the data directory (env MODELKEEP_DB)')
      .option('--log', 'log every request to stderr')
      .action(async (flags: ServerFlags, command: Command) => {
        const ctx = contextOf(command);
        const { readOidcConfig } = await import('../../identity/oidc-config.js');
        const config = { ...(await configFrom(flags, ctx.env)), log: flags.log === true, oidc: await readOidcConfig(ctx.env) };
        const { startServer } = await import('../../server/open-registry.js');
        // Listen for signals before saying where we listen, so whoever reads that line may stop us at once.
        const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const server = await startServer(config);
        const bootstrap = describeBootstrap(server.registry.bootstrap, server.url);
        // One JSON object per line, since a server prints more than one event.
        if (ctx.json) ctx.out.jsonLine({ event: 'listening', url: server.url, dataDir: config.dataDir, ...bootstrap });
        else {
          printBootstrap(ctx.out, bootstrap);
          ctx.out.line(`ModelKeep is listening on ${server.url} (data: ${config.dataDir}). Stop it with Ctrl-C.`);
        }
        const signal = await stopRequested;
        ctx.out.note(`Received ${signal}; shutting down.`);
        await server.close();
        if (ctx.json) ctx.out.jsonLine({ event: 'stopped', signal });
        else ctx.out.line('Stopped.');
      }),
    'modelkeep serve --data ./data --port 8080',
    'MODELKEEP_ADMIN_TOKEN="$(openssl rand -base64 32)" modelkeep serve --host 0.0.0.0',
    'MODELKEEP_TLS_CERT=cert.pem MODELKEEP_TLS_KEY=key.pem modelkeep serve --host 0.0.0.0 --port 8443',
    'MODELKEEP_OIDC_ISSUER=https://login.example.com MODELKEEP_OIDC_AUDIENCE=modelkeep modelkeep serve',
  );

  withExamples(
    program
      .command('init')
      .description('create the data directory, database and admin token without serving')
      .option('--data <dir>', 'data directory (env MODELKEEP_DATA, default ./data)')
      .option('--db <url>', 'a postgres:// URL instead of the SQLite file in the data directory (env MODELKEEP_DB)')
      .action(async (flags: ServerFlags, command: Command) => {
        const ctx = contextOf(command);
        const config = await configFrom(flags, ctx.env);
        const { openRegistry } = await import('../../server/open-registry.js');
        const registry = await openRegistry(config);
        await registry.close();
        const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
        const bootstrap = describeBootstrap(registry.bootstrap, url);
        ctx.out.result({ dataDir: config.dataDir, initialised: registry.bootstrap !== undefined, ...bootstrap }, (r) => {
          printBootstrap(ctx.out, bootstrap);
          ctx.out.line(
            r.initialised
              ? `Initialised ${r.dataDir}. Start the server with \`modelkeep serve --data ${r.dataDir}\`.`
              : `${r.dataDir} is already initialised; its admin token was shown when it was created.`,
          );
        });
      }),
    'modelkeep init --data /var/lib/modelkeep',
  );
}

async function configFrom(flags: ServerFlags, env: NodeJS.ProcessEnv): Promise<RegistryConfig> {
  const { resolveConfig } = await import('../../server/registry-config.js');
  try {
    return resolveConfig(flags, env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

interface BootstrapNotice {
  /** The generated secret, or a note that it came from the environment. */
  readonly adminToken?: string;
  readonly adminTokenSource?: 'generated' | 'MODELKEEP_ADMIN_TOKEN';
  readonly login?: string;
}

/**
 * First start only. A generated token is shown this once (the registry keeps
 * only its hash); one supplied in MODELKEEP_ADMIN_TOKEN is never echoed.
 */
function describeBootstrap(bootstrap: { token: string; generated: boolean } | undefined, url: string): BootstrapNotice {
  if (bootstrap === undefined) return {};
  if (!bootstrap.generated) return { adminTokenSource: 'MODELKEEP_ADMIN_TOKEN', login: `printenv MODELKEEP_ADMIN_TOKEN | modelkeep login --url ${url} --token -` };
  return { adminToken: bootstrap.token, adminTokenSource: 'generated', login: `modelkeep login --url ${url} --token ${bootstrap.token}` };
}

function printBootstrap(out: Output, notice: BootstrapNotice): void {
  if (notice.login === undefined) return;
  if (notice.adminToken === undefined) {
    out.line('The admin token is the one in MODELKEEP_ADMIN_TOKEN (not shown). Log in with:');
  } else {
    out.line('Admin token (shown this once; store it somewhere safe):');
    out.line(`  ${notice.adminToken}`);
    out.line('Log in with:');
  }
  out.line(`  ${notice.login}`);
}
