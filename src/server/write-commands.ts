import { tokenCommands } from '../access/token-commands.js';
import { accessCommands as accessLogCommands } from '../audit/access-commands.js';
import { accessCommands } from '../access/access-commands.js';
import { catalogCommands } from '../catalog/catalog-commands.js';
import { ledgerCommands } from '../ledger/ledger-commands.js';
import { governanceCommands } from '../governance/governance-commands.js';
import { lineageCommands } from '../lineage/lineage-commands.js';
import { advisoryCommands } from '../vulnerabilities/advisory-commands.js';
import { riskCommands } from '../risk/risk-commands.js';
import { webhookCommands } from '../alerts/webhook-commands.js';

/** Every write the registry knows, by name: the table a writer, in-process or on its own thread, runs from. */
export const writeCommands = { ...catalogCommands, ...tokenCommands, ...ledgerCommands, ...accessLogCommands, ...accessCommands, ...governanceCommands, ...lineageCommands, ...advisoryCommands, ...riskCommands, ...webhookCommands };
export type WriteCommands = typeof writeCommands;
