import { buildProgram } from './program.js';
import { Output } from './output.js';
import { reportError } from './report-error.js';

// A reader that stops early (`modelkeep ledger tail | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Read from argv because a usage error can stop Commander before it has parsed the options.
const json = process.argv.slice(2).includes('--json');

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, new Output(json));
}
