import type { Action } from './actions.js';

/** Least privilege: each role is one job. Bindings give a role globally or in one namespace. */
export const roles = ['viewer', 'contributor', 'maintainer', 'approver', 'compliance', 'auditor', 'security-admin', 'admin'] as const;
export type Role = (typeof roles)[number];

export const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

const everyone: readonly Action[] = ['self.read', 'catalog.read', 'ledger.verify', 'elevation.request'];
const contributor: readonly Action[] = [...everyone, 'model.create', 'model.update', 'version.register', 'version.update', 'version.publish', 'evaluation.record', 'blob.read', 'blob.write', 'lineage.record'];

export interface RoleDefinition {
  readonly role: Role;
  readonly description: string;
  readonly actions: readonly Action[] | 'all';
}

/** The permission matrix. The built-in Cedar policies, the SQL list filters and the README are all derived from it. */
export const roleDefinitions: readonly RoleDefinition[] = [
  { role: 'viewer', description: 'reads metadata', actions: everyone },
  { role: 'contributor', description: 'data scientist: registers models and versions and uploads artifacts', actions: contributor },
  {
    role: 'maintainer',
    description: 'ML engineer: configures the namespace, promotes, deploys, rolls back and quarantines',
    actions: [...contributor, 'catalog.read_sensitive', 'namespace.configure', 'version.promote', 'version.deploy', 'version.rollback', 'version.quarantine', 'deployment.report', 'incident.report', 'blob.read_restricted'],
  },
  { role: 'approver', description: 'signs reviews and approves promotions and change requests', actions: [...everyone, 'blob.read', 'review.sign', 'promotion.approve', 'change.approve'] },
  {
    role: 'compliance',
    description: 'reads everything, exports evidence and sets promotion gate policies',
    actions: [...everyone, 'catalog.read_sensitive', 'blob.read', 'blob.read_restricted', 'ledger.read', 'audit.read', 'evidence.export', 'gate.manage', 'risk.manage', 'event.read'],
  },
  {
    role: 'auditor',
    description: 'reads everything, the audit log included; never downloads artifacts',
    actions: [...everyone, 'catalog.read_sensitive', 'ledger.read', 'audit.read', 'security.read', 'access.review', 'evidence.export', 'event.read'],
  },
  {
    role: 'security-admin',
    description: 'grants and revokes access, reviews it, approves elevations, quarantines and investigates quarantined artifacts',
    actions: [...everyone, 'ledger.read', 'audit.read', 'security.read', 'access.review', 'token.manage', 'grant.manage', 'policy.manage', 'elevation.approve', 'version.quarantine', 'quarantine.investigate', 'incident.report', 'vulnerability.manage', 'webhook.manage', 'event.read'],
  },
  { role: 'admin', description: 'everything (separation-of-duties rules still apply)', actions: 'all' },
];

const byRole = new Map(roleDefinitions.map((d) => [d.role, d]));

export function roleAllows(role: Role, action: Action): boolean {
  const granted = byRole.get(role)!.actions;
  return granted === 'all' || granted.includes(action);
}

/** Actions decided against the registry as a whole: only global bindings count for them. */
export const globalActions: ReadonlySet<Action> = new Set<Action>([
  'namespace.create',
  'ledger.read',
  'audit.read',
  'security.read',
  'access.review',
  'policy.manage',
  'evidence.export',
  'environment.manage',
  'vulnerability.manage',
  'risk.manage',
  'webhook.manage',
  'event.read',
]);

/** True when `held` may do everything `wanted` may: a token scoped to `wanted` can be cut from a grant of `held`. */
export function roleCovers(held: Role, wanted: Role): boolean {
  if (held === wanted || held === 'admin') return true;
  const want = byRole.get(wanted)!.actions;
  if (want === 'all') return false;
  return want.every((action) => roleAllows(held, action));
}
