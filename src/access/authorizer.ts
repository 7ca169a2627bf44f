import { RegistryError } from '../errors/registry-error.js';
import type { Action } from './actions.js';
import type { Principal, Role } from './principal.js';

/** The single seam every request passes through; richer policy engines replace the default. */
export interface Authorizer {
  /** Throws `forbidden` naming the missing permission. */
  authorize(principal: Principal, action: Action, resource?: string): void;
}

const readActions: readonly Action[] = ['catalog.read', 'blob.read', 'ledger.read', 'audit.read'];
const contributorActions: readonly Action[] = [
  ...readActions,
  'model.create',
  'model.update',
  'version.register',
  'version.update',
  'version.publish',
  'blob.write',
];

const grants: Record<Role, ReadonlySet<Action> | 'all'> = {
  admin: 'all',
  contributor: new Set(contributorActions),
  viewer: new Set(readActions),
};

/** Role-based, deny by default. */
export class DefaultAuthorizer implements Authorizer {
  authorize(principal: Principal, action: Action, resource?: string): void {
    for (const role of principal.roles) {
      const granted = grants[role];
      if (granted === 'all' || granted.has(action)) return;
    }
    throw new RegistryError('forbidden', `${principal.id} lacks permission ${action}${resource ? ` on ${resource}` : ''}`, {
      extensions: { permission: action },
    });
  }
}
