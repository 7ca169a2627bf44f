/**
 * V8 flags the server runs with (bin/modelkeep.js's shebang passes the same).
 * A 2 MiB semi-space keeps the young generation small: request garbage dies
 * young, so scavenges stay cheap and resident memory stays well under 200 MiB.
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=2'];
