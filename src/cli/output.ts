import { formatTable } from './format.js';

/**
 * Where a command's output goes: results to stdout, as JSON with `--json` or
 * as concise lines otherwise; notes and warnings to stderr so they never mix
 * with data a script reads.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** The command's result: `value` as JSON, or what `human` prints. */
  result<T>(value: T, human: (value: T) => void): void {
    if (this.json) this.printJson(value);
    else human(value);
  }

  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One compact JSON object per line, for commands that report several events (`serve`). */
  jsonLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  table(headers: readonly string[], rows: readonly (readonly string[])[], empty = '(none)'): void {
    this.line(rows.length === 0 ? empty : formatTable(headers, rows));
  }

  /** A human note on stderr; silent with --json, where the result carries everything. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  /** A warning on stderr, printed in every mode. */
  warn(text: string): void {
    this.stderr.write(`warning: ${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }
}
