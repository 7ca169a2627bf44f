/** How far one phase of a backup or restore has got. */
export interface PhaseProgress {
  advance(amount: number): void;
  stop(): void;
}

/**
 * The phases, and what their amounts count: `blobs` bytes of blobs copied,
 * `ledger` entries copied, `verify` and `restore` bytes of the archive read
 * by the checking pass and by the importing pass.
 */
export type BackupPhase = 'blobs' | 'ledger' | 'verify' | 'restore';

export type ProgressFactory = (phase: BackupPhase, total: number) => PhaseProgress;

export const noProgress: ProgressFactory = () => ({ advance: () => undefined, stop: () => undefined });
