import type { Logger } from '../logger.js';

/** Row counts per seeded table, as a summary and for the bench runner. */
export interface SeedCounts {
  teams: number;
  reps: number;
  teamMemberships: number;
  leads: number;
  activities: number;
  accounts: number;
  opportunities: number;
  contracts: number;
  targets: number;
}

/** What shapes a generated org. Every field has a default in `DEFAULT_SEED_OPTIONS`. */
export interface SeedOptions {
  /** People in teams (one manager per team included); an admin is added on top. */
  reps: number;
  /** Length of the history, ending at `now`. */
  days: number;
  /** PRNG seed: the same seed, sizes and `now` give the same data. */
  seed: number;
  /** The instant the history ends at. */
  now: Date;
  /** Average new leads per selling rep per working day. */
  leadsPerRepDay: number;
  /** Rows per bulk INSERT statement. */
  chunkSize: number;
  logger?: Logger | undefined;
  /** Progress lines for people (the CLI prints them); silent when absent. */
  progress?: ((line: string) => void) | undefined;
}

export interface SeedSummary {
  counts: SeedCounts;
  ms: number;
}

export interface BenchDataResult {
  /** true when an existing, complete bench data set was found and kept. */
  reused: boolean;
  counts: SeedCounts;
  /** Time spent seeding (0 when reused). */
  ms: number;
}
