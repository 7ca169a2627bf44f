/** Every operation the authorizer rules on. Routes name one each. */
export const actions = [
  'catalog.read',
  'namespace.create',
  'namespace.configure',
  'model.create',
  'model.update',
  'version.register',
  'version.update',
  'version.publish',
  'blob.read',
  'blob.write',
  'ledger.read',
  'audit.read',
  'token.manage',
] as const;
export type Action = (typeof actions)[number];
