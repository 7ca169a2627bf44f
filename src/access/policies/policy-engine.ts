import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { RegistryError } from '../../errors/registry-error.js';
import { type Action, actions } from '../actions.js';
import { kindOf, type Principal } from '../principal.js';
import { type AttributeValue, type Resource, resourceKinds } from '../resource.js';
import { builtinPolicies } from './builtin-policies.js';

export interface CustomPolicy {
  readonly id: string;
  readonly text: string;
}

export interface Decision {
  readonly allowed: boolean;
  /** The policies that decided: the permits that allowed, or the forbids that refused (empty: nothing permitted it). */
  readonly policies: readonly string[];
}

type CedarValue = cedar.CedarValueJson;

const entityType = { user: 'User', service: 'Service', group: 'Group' } as const;
const principalUid = (id: string) => ({ type: entityType[kindOf(id)] ?? 'User', id });

/*
 * Plain loops, no Array.prototype.map callbacks, on the decision path: a
 * polymorphic callback deoptimizing inside a builtin hit a V8 fatal on Node
 * 20 (`unreachable code` in Deoptimizer::DoComputeBuiltinContinuation) when
 * the role-matrix suite drove thousands of decisions with mixed attributes.
 */
function entityRef(value: { readonly principal: string }): CedarValue {
  return { __entity: principalUid(value.principal) };
}

function cedarValue(value: AttributeValue): CedarValue {
  if (typeof value !== 'object') return value;
  if (!Array.isArray(value)) return entityRef(value as { principal: string });
  const items: CedarValue[] = [];
  for (const item of value as readonly (string | { principal: string })[]) items.push(typeof item === 'string' ? item : entityRef(item));
  return items;
}

let engines = 0;


/**
 * Cedar, kept parsed: the built-in policies plus the ones admins add. The set
 * is parsed once per change (parsing per call costs several times a decision).
 */
export class PolicyEngine {
  /** `setId`: where cedar-wasm keeps the parsed set (per thread); reuse one for short-lived engines so they do not pile up. */
  constructor(
    custom: readonly CustomPolicy[] = [],
    private readonly setId = `modelkeep-${++engines}`,
  ) {
    this.load(custom);
  }

  /** Replaces the added policies; refuses (and keeps the old set) when one does not parse. */
  load(custom: readonly CustomPolicy[]): void {
    const policies = builtinPolicies();
    for (const policy of custom) policies[policy.id] = policy.text;
    const answer = cedar.preparsePolicySet(this.setId, { staticPolicies: policies });
    if (answer.type === 'failure') throw new RegistryError('internal', `The stored policies do not parse: ${answer.errors.map((e) => e.message).join('; ')}`);
  }

  decide(principal: Principal, action: Action, resource: Resource, roles: ReadonlySet<string>): Decision {
    const resourceUid = { type: resource.kind, id: resource.id };
    const attrs: Record<string, CedarValue> = {};
    if (resource.namespace !== null) attrs.namespace = resource.namespace;
    const attributes = resource.attributes;
    if (attributes !== undefined) for (const name of Object.keys(attributes)) attrs[name] = cedarValue(attributes[name]!);
    const groups: { type: string; id: string }[] = [];
    for (const group of principal.groups) groups.push({ type: 'Group', id: group });
    const context = { roles: Array.from(roles).sort() };
    const answer = cedar.statefulIsAuthorized({
      principal: principalUid(principal.id),
      action: { type: 'Action', id: action },
      resource: resourceUid,
      context,
      preparsedPolicySetId: this.setId,
      // Entities without attributes or parents add nothing to a decision but its cost.
      entities: [
        ...(groups.length === 0 ? [] : [{ uid: principalUid(principal.id), attrs: {}, parents: groups }]),
        { uid: resourceUid, attrs, parents: [] },
      ],
    });
    if (answer.type === 'failure') throw new RegistryError('internal', `Authorization failed to evaluate: ${answer.errors.map((e) => e.message).join('; ')}`);
    const { decision, diagnostics } = answer.response;
    return { allowed: decision === 'allow', policies: diagnostics.reason };
  }
}

const knownTypes = new Set<string>(['Action', 'User', 'Service', 'Group', ...resourceKinds]);
const knownActions = new Set<string>(actions);

/** Every entity type and action a policy names, from Cedar's JSON form of it. */
function namesIn(node: unknown, found: { types: Set<string>; actions: Set<string> }): void {
  if (Array.isArray(node)) for (const item of node) namesIn(item, found);
  else if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    if (typeof record.entity_type === 'string') found.types.add(record.entity_type);
    if (typeof record.type === 'string' && typeof record.id === 'string') {
      found.types.add(record.type);
      if (record.type === 'Action') found.actions.add(record.id);
    }
    for (const value of Object.values(record)) namesIn(value, found);
  }
}

/** A misspelt action or type parses but never matches: refused here, with the names that exist. */
function checkNames(text: string): void {
  const json = cedar.policyToJson(text);
  if (json.type === 'failure') throw new RegistryError('invalid_request', `The policy does not parse: ${json.errors.map((e) => e.message).join('; ')}`);
  const found = { types: new Set<string>(), actions: new Set<string>() };
  namesIn(json.json, found);
  const unknownActions = [...found.actions].filter((a) => !knownActions.has(a));
  if (unknownActions.length > 0) {
    throw new RegistryError('invalid_request', `The policy names actions that do not exist: ${unknownActions.join(', ')}; the actions are listed at GET /api/v1/roles`);
  }
  const unknownTypes = [...found.types].filter((t) => !knownTypes.has(t));
  if (unknownTypes.length > 0) {
    throw new RegistryError('invalid_request', `The policy names entity types that do not exist: ${unknownTypes.join(', ')}; the types are ${[...knownTypes].join(', ')}`);
  }
}

/**
 * Checks a policy an admin wants to add: it must parse (the error names what
 * Cedar could not), and together with the others it must leave a global
 * admin able to manage policies, or no one could ever take it back.
 */
export function checkPolicyText(id: string, text: string, others: readonly CustomPolicy[]): void {
  const answer = cedar.checkParsePolicySet({ staticPolicies: { [id]: text } });
  if (answer.type === 'failure') {
    throw new RegistryError('invalid_request', `The policy does not parse: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  checkNames(text);
  const candidate = new PolicyEngine([...others.filter((p) => p.id !== id), { id, text }], 'modelkeep-candidate');
  const admin: Principal = { id: 'user:policy-check', groups: [], grants: [{ role: 'admin', namespace: null, via: 'check' }], scope: { roles: null, namespaces: null }, authenticatedBy: 'system' };
  if (!candidate.decide(admin, 'policy.manage', { kind: 'Policy', id, namespace: null }, new Set(['admin'])).allowed) {
    throw new RegistryError('invalid_request', 'With this policy no administrator could manage policies any more (it would lock everyone out); narrow it so that policy.manage stays allowed to admin');
  }
}
