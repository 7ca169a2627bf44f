/** Which part of the registry a problem was found in. */
export type VerifyCheck = 'ledger' | 'tree' | 'checkpoint' | 'projection' | 'access-log' | 'blob';

/** One inconsistency, named by the resource it concerns. */
export interface VerifyProblem {
  readonly check: VerifyCheck;
  readonly resource: string;
  readonly problem: string;
  /** `warning`: worth knowing, not evidence of tampering (an uploaded blob not yet registered). */
  readonly severity: 'error' | 'warning';
}

/** Keeps the first problems found and counts the rest, so a wrecked registry cannot exhaust memory. */
export class ProblemLog {
  readonly problems: VerifyProblem[] = [];
  errors = 0;
  warnings = 0;

  constructor(private readonly keep = 1000) {}

  error(check: VerifyCheck, resource: string, problem: string): void {
    this.errors += 1;
    this.add({ check, resource, problem, severity: 'error' });
  }

  warning(check: VerifyCheck, resource: string, problem: string): void {
    this.warnings += 1;
    this.add({ check, resource, problem, severity: 'warning' });
  }

  get dropped(): number {
    return this.errors + this.warnings - this.problems.length;
  }

  private add(problem: VerifyProblem): void {
    if (this.problems.length < this.keep) this.problems.push(problem);
  }
}

/** Progress of one phase: `total` known up front, `done` advanced as work completes. */
export interface PhaseProgress {
  start(phase: string, total: number): void;
  advance(amount: number): void;
  stop(): void;
}

export const noProgress: PhaseProgress = { start: () => undefined, advance: () => undefined, stop: () => undefined };
