import type { Command } from 'commander';
import { ModelKeepClient } from '../sdk/modelkeep-client.js';
import { resolveLogin } from './credentials.js';
import { Output } from './output.js';
import { type ByteProgress, byteProgress } from './progress.js';

/** What every command action works with. */
export interface CliContext {
  readonly json: boolean;
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  /** A client for the configured server; fails with `unauthenticated` and a hint when not logged in. */
  client(): Promise<ModelKeepClient>;
  progress(label: string, total: number): ByteProgress;
}

/** The context for a command, from its own and the global options. */
export function contextOf(command: Command, env: NodeJS.ProcessEnv = process.env): CliContext {
  const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
  return {
    json,
    out: new Output(json),
    env,
    async client() {
      const { url, token } = await resolveLogin(env);
      return new ModelKeepClient({ baseUrl: url, token });
    },
    progress: (label, total) => byteProgress(label, total, { json }),
  };
}
