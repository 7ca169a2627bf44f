import { roleDefinitions } from '../roles.js';

const HIGH_RISK = '["high", "critical"]';

/**
 * Separation of duties, as forbid rules: a forbid beats every permit, so no
 * role (admin included) and no added policy can lift them.
 */
export const separationOfDuties: Readonly<Record<string, { readonly text: string; readonly explains: string }>> = {
  'sod:no-self-approval': {
    text: 'forbid(principal, action in [Action::"promotion.approve", Action::"change.approve", Action::"review.sign"], resource) when { resource has authors && resource.authors.contains(principal) };',
    explains: 'no one approves a promotion or change they asked for, or approves or signs a review of a version they authored or uploaded',
  },
  'sod:approver-is-not-deployer': {
    text: `forbid(principal, action == Action::"version.deploy", resource) when { resource has riskTier && ${HIGH_RISK}.contains(resource.riskTier) && resource has approvers && resource.approvers.contains(principal) };`,
    explains: 'the approver and the deployer of a high-risk model must be different people',
  },
  'sod:deployer-is-not-approver': {
    text: `forbid(principal, action == Action::"promotion.approve", resource) when { resource has riskTier && ${HIGH_RISK}.contains(resource.riskTier) && resource has deployers && resource.deployers.contains(principal) };`,
    explains: 'the approver and the deployer of a high-risk model must be different people',
  },
  'sod:no-self-elevation': {
    text: 'forbid(principal, action == Action::"elevation.approve", resource) when { resource has requester && resource.requester == principal };',
    explains: 'an elevation is approved by someone other than the requester',
  },
  'sod:no-self-grant': {
    text: 'forbid(principal, action == Action::"grant.manage", resource) when { resource has grantee && (resource.grantee == principal || principal in resource.grantee) };',
    explains: 'no one grants or revokes roles of their own, directly or through a group they belong to',
  },
};

/**
 * The role matrix as Cedar: a role permits its actions where the caller
 * holds it (the authorizer puts those roles in `context.roles`). One policy
 * for all roles, one clause each: a decision costs by the number of policies.
 */
export function builtinPolicies(): Record<string, string> {
  const policies: Record<string, string> = {};
  const clauses = roleDefinitions.map(({ role, actions }) =>
    actions === 'all' ? `context.roles.contains("${role}")` : `(context.roles.contains("${role}") && action in [${actions.map((a) => `Action::"${a}"`).join(', ')}])`,
  );
  policies.roles = `permit(principal, action, resource) when {\n  ${clauses.join(' ||\n  ')}\n};`;
  // Anyone authenticated may see who they are and ask for access: a newcomer holds no role yet.
  policies['own:identity'] = 'permit(principal, action in [Action::"self.read", Action::"elevation.request"], resource is Registry);';
  policies['own:tokens'] = 'permit(principal, action == Action::"token.manage", resource is Token) when { resource has holder && resource.holder == principal };';
  for (const [id, { text }] of Object.entries(separationOfDuties)) policies[id] = text;
  return policies;
}
