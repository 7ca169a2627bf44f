/** Settings handed to a bench child process; a missing one is a bug in the parent, so it fails loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set by the bench`);
  return value;
}
