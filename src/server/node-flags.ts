/**
 * Node 20's V8 (11.3) now and then dies deoptimizing optimized code (a fatal
 * "unreachable code" in Deoptimizer::DoComputeBuiltinContinuation). It struck
 * only processes that call Cedar's WebAssembly on every request (the server
 * under the bench, a role-matrix test worker), at moments when new request
 * shapes deoptimize hot code, and not with array-builtin inlining turned off.
 * TurboFan inlines JS-to-Wasm calls there; not inlining them leaves no wrapper
 * frame for the deoptimizer to rebuild, for a call or so of overhead.
 */
export const v8Workarounds: readonly string[] = ['--no-turbo-inline-js-wasm-calls'];

/**
 * V8 flags the server runs with (bin/modelkeep.js's shebang passes the same).
 * A 2 MiB semi-space keeps the young generation small: request garbage dies
 * young, so scavenges stay cheap and resident memory stays well under 200 MiB.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=2', ...v8Workarounds];
