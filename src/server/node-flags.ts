/**
 * Node 20's V8 (11.3) now and then dies deoptimizing an Array builtin that
 * TurboFan inlined into optimized code (a fatal "unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation), seen in the server under the
 * bench and in a test worker. Not inlining array builtins removes the frames
 * it fails on, at a small cost in speed (measured in the README's figures).
 */
export const v8Workarounds: readonly string[] = ['--no-turbo-inline-array-builtins'];

/**
 * V8 flags the server runs with (bin/modelkeep.js's shebang passes the same).
 * A 2 MiB semi-space keeps the young generation small: request garbage dies
 * young, so scavenges stay cheap and resident memory stays well under 200 MiB.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=2', ...v8Workarounds];
