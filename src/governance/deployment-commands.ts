import { type VersionRef, versionLabel as label } from '../catalog/catalog-commands.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { deploymentUrn, environmentUrn, versionUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import type { Db } from '../store/database.js';
import { deploymentHistory, findAlias, findDeployment, findEnvironment } from '../store/queries/find-governance.js';
import { versionOrFail } from './version-or-fail.js';
import type { WriteSteps } from '../store/write-command.js';
import type { AliasRolledBack, AliasRollback, DeploymentReported, EnvironmentCreated, ReportedStatus, VersionDeployed } from './entry-payloads.js';
import { lastHealthy } from './healthy-target.js';
import { derivedId } from './derived-id.js';
import { reachedStage } from './stages.js';
import { type DeploymentView, deploymentView, environmentView } from './views.js';


async function environmentOrFail(tx: Db, name: string) {
  const env = await findEnvironment(tx, name);
  if (env === undefined) throw new RegistryError('not_found', `Environment ${name} does not exist; create it with POST /api/v1/environments (modelkeep env create)`);
  return env;
}

export interface RollbackView {
  readonly environment: string;
  readonly model: string;
  readonly from: string;
  readonly to: string | null;
  readonly deployment: DeploymentView | null;
}

export function rollbackView(rollback: AliasRollback, deployment: DeploymentView | null): RollbackView {
  const model = `${rollback.namespace}/${rollback.model}`;
  return { environment: rollback.environment, model, from: `${model}@${rollback.from}`, to: rollback.to === null ? null : `${model}@${rollback.to}`, deployment };
}

/** Rollbacks for every environment whose alias points at the version: what quarantine does in the same step. */
export async function rollbacksAway(tx: Db, ref: VersionRef, idSeed: string): Promise<AliasRollback[]> {
  const aliases = await tx.selectFrom('aliases').selectAll().where('namespace', '=', ref.namespace).where('model', '=', ref.model).where('number', '=', ref.number).orderBy('environment').execute();
  const rollbacks: AliasRollback[] = [];
  for (const [index, alias] of aliases.entries()) {
    const env = (await findEnvironment(tx, alias.environment))!;
    const to = lastHealthy(await deploymentHistory(tx, alias.environment, ref.namespace, ref.model), ref.number, env.required_stage);
    rollbacks.push({ environment: alias.environment, namespace: ref.namespace, model: ref.model, from: ref.number, to, deploymentId: to === null ? null : derivedId(idSeed, index) });
  }
  return rollbacks;
}

export const deploymentCommands = {
  createEnvironment: (args: { name: string; requiredStage: string; description: string }): WriteSteps<ReturnType<typeof environmentView>> => ({
    decide: async (tx) => {
      if ((await findEnvironment(tx, args.name)) !== undefined) throw new RegistryError('already_exists', `Environment ${args.name} already exists`);
      const payload: EnvironmentCreated = { ...args };
      return [{ action: 'environment.created', subject: environmentUrn(args.name), payload: asPayload(payload) }];
    },
    respond: async (tx) => environmentView((await findEnvironment(tx, args.name))!),
  }),

  /** Points the environment's alias for the model at the version, keeping the one before in the history. */
  deployVersion: (args: { deploymentId: string; environment: string; ref: VersionRef; reason: string | undefined }): WriteSteps<DeploymentView> => ({
    decide: async (tx) => {
      const { deploymentId, environment, ref } = args;
      const env = await environmentOrFail(tx, environment);
      const version = await versionOrFail(tx, ref);
      if (version.status !== 'published') {
        const why = version.status === 'draft' ? 'publish it and promote it first' : `a ${version.status} version is never deployed`;
        throw new RegistryError('invalid_state', `${label(ref)} is ${version.status}; ${why}`, { extensions: { status: version.status } });
      }
      if (!reachedStage(version.stage, env.required_stage)) {
        throw new RegistryError('invalid_state', `${environment} takes versions that reached ${env.required_stage}; ${label(ref)} is at ${version.stage}. Promote it first (modelkeep promote ${label(ref)} --to ${env.required_stage}).`, {
          extensions: { stage: version.stage, requiredStage: env.required_stage },
        });
      }
      const alias = await findAlias(tx, environment, ref.namespace, ref.model);
      if (alias?.number === ref.number) throw new RegistryError('invalid_state', `${label(ref)} is already what ${environment} points at (deployment ${alias.deployment_id})`);
      const payload: VersionDeployed = { ...ref, deploymentId, environment, artifactDigest: version.artifactDigest, previous: alias?.number ?? null };
      return [{ action: 'version.deployed', subject: deploymentUrn(deploymentId), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async (tx) => deploymentView((await findDeployment(tx, args.deploymentId))!),
  }),

  /** Moves the alias back by hand: to a named earlier version, or to the last one that was healthy there. */
  rollBack: (args: { deploymentId: string; environment: string; namespace: string; model: string; to: number | undefined; reason: string }): WriteSteps<RollbackView> => ({
    decide: async (tx) => {
      const { environment, namespace, model } = args;
      const env = await environmentOrFail(tx, environment);
      const alias = await findAlias(tx, environment, namespace, model);
      if (alias === undefined) throw new RegistryError('invalid_state', `No version of ${namespace}/${model} is deployed to ${environment}; there is nothing to roll back`);
      const history = await deploymentHistory(tx, environment, namespace, model);
      let to: number | null;
      if (args.to === undefined) {
        to = lastHealthy(history, alias.number, env.required_stage);
        if (to === null) throw new RegistryError('invalid_state', `${environment} has no earlier healthy version of ${namespace}/${model} to roll back to; deploy one instead`);
      } else {
        if (args.to === alias.number) throw new RegistryError('invalid_state', `${environment} already points at ${namespace}/${model}@${args.to}`);
        if (lastHealthy(history.filter((h) => h.number === args.to), alias.number, env.required_stage) === null) {
          throw new RegistryError('invalid_state', `${namespace}/${model}@${args.to} was never deployed to ${environment}, or is no longer fit to serve there (quarantined, retired, failed or below ${env.required_stage}); roll back to a version that served there, or deploy it`);
        }
        to = args.to;
      }
      const rollback: AliasRollback = { environment, namespace, model, from: alias.number, to, deploymentId: args.deploymentId };
      const payload: AliasRolledBack = { rollback };
      return [{ action: 'alias.rolled_back', subject: deploymentUrn(args.deploymentId), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async (tx) => {
      const row = (await findDeployment(tx, args.deploymentId))!;
      return rollbackView({ environment: args.environment, namespace: args.namespace, model: args.model, from: row.previous!, to: row.number, deploymentId: row.id }, deploymentView(row));
    },
  }),

  /** A deployment system says what it actually runs; a report that differs from the alias is kept and flagged. */
  reportDeployment: (args: {
    environment: string;
    ref: VersionRef;
    deploymentId: string | undefined;
    status: ReportedStatus;
    artifactDigest: string | undefined;
    externalId: string | undefined;
    detail: string;
  }): WriteSteps<{ seq: number; deploymentId: string | null; matchesAlias: boolean; alias: string | null }> => ({
    decide: async (tx) => {
      const { environment, ref } = args;
      await environmentOrFail(tx, environment);
      const version = await versionOrFail(tx, ref);
      const alias = await findAlias(tx, environment, ref.namespace, ref.model);
      let deploymentId: string | null = null;
      if (args.deploymentId !== undefined) {
        const deployment = await findDeployment(tx, args.deploymentId);
        if (deployment === undefined || deployment.environment !== environment || `${deployment.namespace}/${deployment.model}@${deployment.number}` !== label(ref)) {
          throw new RegistryError('invalid_request', `Deployment ${args.deploymentId} is not a deployment of ${label(ref)} to ${environment}`);
        }
        deploymentId = deployment.id;
      } else {
        const latest = (await deploymentHistory(tx, environment, ref.namespace, ref.model)).find((d) => d.number === ref.number);
        deploymentId = latest?.id ?? null;
      }
      const matchesAlias = alias?.number === ref.number && (args.artifactDigest === undefined || args.artifactDigest === version.artifactDigest);
      const payload: DeploymentReported = {
        ...ref,
        environment,
        deploymentId,
        status: args.status,
        artifactDigest: args.artifactDigest ?? null,
        externalId: args.externalId ?? null,
        detail: args.detail,
        matchesAlias,
      };
      return [{ action: 'deployment.reported', subject: versionUrn(ref.namespace, ref.model, ref.number), payload: asPayload(payload) }];
    },
    respond: async (tx, entries) => {
      const row = (await tx.selectFrom('deployment_reports').selectAll().where('seq', '=', entries[0]!.seq).executeTakeFirst())!;
      const alias = await findAlias(tx, args.environment, args.ref.namespace, args.ref.model);
      return { seq: Number(row.seq), deploymentId: row.deployment_id, matchesAlias: Number(row.matches_alias) === 1, alias: alias === undefined ? null : `${alias.namespace}/${alias.model}@${alias.number}` };
    },
  }),
};
