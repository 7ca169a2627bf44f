import { RegistryError } from '../errors/registry-error.js';
import type { Action } from './actions.js';
import { type CustomPolicy, type Decision, PolicyEngine } from './policies/policy-engine.js';
import { separationOfDuties } from './policies/builtin-policies.js';
import { type Principal, rolesAnywhere, rolesAt } from './principal.js';
import { registryResource, type Resource } from './resource.js';
import { globalActions, type Role } from './roles.js';

/** Where the added policies live, and a cheap fingerprint that changes whenever they do. */
export interface PolicySource {
  fingerprint(): Promise<string>;
  load(): Promise<readonly CustomPolicy[]>;
}

/** Things that belong to no one namespace: a search (filtered afterwards), an upload not yet in a version, the ledger's proofs, an environment (its aliases filtered afterwards). */
const anywhereKinds: ReadonlySet<Resource['kind']> = new Set(['Registry', 'Blob', 'Ledger', 'Environment']);

/** How long a server trusts its copy of the added policies before asking the database (another server may have changed them). */
const POLICY_RECHECK_MS = 1000;

/**
 * The one place that decides. Every route names an action and a resource;
 * the roles the caller holds there (its bindings, through its groups and
 * elevations, narrowed by its token's scope) go to Cedar with the resource.
 */
export class Authorizer {
  private fingerprint: string | undefined;
  private checkedAt = 0;

  constructor(
    private readonly engine: PolicyEngine = new PolicyEngine(),
    private readonly policies?: PolicySource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Re-parses the policy set only when the added policies changed; at most one database look a second. */
  async refresh(force = false): Promise<void> {
    if (this.policies === undefined) return;
    const now = this.clock();
    if (!force && now - this.checkedAt < POLICY_RECHECK_MS) return;
    this.checkedAt = now;
    const fingerprint = await this.policies.fingerprint();
    if (fingerprint === this.fingerprint) return;
    this.engine.load(await this.policies.load());
    this.fingerprint = fingerprint;
  }

  /** The roles that count for this action on this resource. */
  rolesFor(principal: Principal, action: Action, resource: Resource): Set<Role> {
    if (globalActions.has(action)) return rolesAt(principal, null);
    if (resource.sharedBy !== undefined) {
      const held = rolesAt(principal, null);
      for (const namespace of resource.sharedBy) for (const role of rolesAt(principal, namespace)) held.add(role);
      return held;
    }
    // On the registry as a whole (a search, an upload not yet in a version), any grant is a start; lists are then filtered.
    if (resource.namespace === null && anywhereKinds.has(resource.kind)) return rolesAnywhere(principal);
    return rolesAt(principal, resource.namespace);
  }

  decide(principal: Principal, action: Action, resource: Resource = registryResource): Decision {
    return this.engine.decide(principal, action, resource, this.rolesFor(principal, action, resource));
  }

  /** Refuses with `forbidden` naming the missing permission, or `not_found` when the caller may not even know the resource. */
  authorize(principal: Principal, action: Action, resource: Resource = registryResource): void {
    const decision = this.decide(principal, action, resource);
    if (decision.allowed) return;
    if (resource.hiddenAs !== undefined && (action === 'catalog.read' || !this.decide(principal, 'catalog.read', resource).allowed)) {
      throw new RegistryError('not_found', resource.hiddenAs);
    }
    const rule = decision.policies.find((id) => id in separationOfDuties);
    if (rule !== undefined) {
      throw new RegistryError('forbidden', `Separation of duties: ${separationOfDuties[rule]!.explains} (policy ${rule})`, {
        extensions: { permission: action, policy: rule },
      });
    }
    const forbidding = decision.policies.length > 0 ? ` (refused by policy ${decision.policies.join(', ')})` : '';
    const where = resource.namespace === null ? '' : ` in namespace ${resource.namespace}`;
    throw new RegistryError('forbidden', `${principal.id} lacks permission ${action} on ${resource.kind} ${resource.id}${where}${forbidding}; ask a security admin for a role that grants it, or request an elevation`, {
      extensions: { permission: action, ...(decision.policies.length > 0 ? { policy: decision.policies.join(',') } : {}) },
    });
  }

  /**
   * The namespaces whose catalog the caller may read, for filtering lists in
   * SQL: 'all' when a global grant reads everything; otherwise one decision
   * per namespace the caller holds a role in (never one per row).
   */
  readableNamespaces(principal: Principal, action: Action = 'catalog.read'): 'all' | string[] {
    if (this.engine.decide(principal, action, registryResource, rolesAt(principal, null)).allowed) return 'all';
    const candidates = new Set<string>();
    for (const grant of principal.grants) {
      if (grant.namespace !== null) candidates.add(grant.namespace);
      // A global grant cut down by the token's scope reads the scope's namespaces.
      else for (const namespace of principal.scope.namespaces ?? []) candidates.add(namespace);
    }
    return [...candidates].filter((namespace) => this.decide(principal, action, { kind: 'Namespace', id: namespace, namespace }).allowed).sort();
  }
}
