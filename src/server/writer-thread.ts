import { parentPort, workerData } from 'node:worker_threads';
import { LedgerWriter } from '../store/ledger-writer.js';
import { openSqlite } from '../store/sqlite/sqlite-dialect.js';
import { serveWrites } from '../store/sqlite/thread-writer.js';
import { writeCommands } from './write-commands.js';

/* Entry point of the SQLite writer thread (see ThreadWriter). The main thread has already migrated the database. */

const { location } = workerData as { location: string };
const dialect = openSqlite(location);
const writer = new LedgerWriter(dialect, writeCommands);
serveWrites<typeof writeCommands>(writer, parentPort!, () => dialect.close());
