import type { StageRules } from './outcome.js';
import type { Entity } from './schemas.js';

/** One suspicious item of an ingest request: its position in its batch, the kind and what to do. */
export interface ItemWarning {
  index: number;
  kind: WarningKind;
  message: string;
  /** Set when a multi-entity batch was written. */
  entity?: Entity;
}

/** One kind of suspicious row, counted over the whole file, with the first few line numbers. */
export interface ImportWarning {
  kind: WarningKind;
  count: number;
  /** First line numbers (header = line 1), at most FIRST_LINES. */
  lines: number[];
  /** What the first occurrence looked like, and what to do about it. */
  detail: string;
}

/**
 * Every warning kind, and what it is about. `row`: one row's own values, where only the row that is stored
 * counts: a row whose external id (or, for an account without one, folded name) comes again further down is
 * replaced by that later row, so its warnings of these kinds are dropped (ROW_KINDS). `rows`: two rows at
 * once (a repeated id, a repeated person, a look-alike account name, a touch and its lead).
 */
const KIND_SCOPES = {
  'duplicate id': 'rows',
  'close before create': 'row',
  'won amount not positive': 'row',
  'won amount missing': 'row',
  'amount negative': 'row',
  'closed but stage reads open': 'row',
  'closed but outcome open': 'row',
  'outcome contradicts stage': 'row',
  'adds nothing to ARR': 'row',
  'date in the future': 'row',
  'qualified before create': 'row',
  'invisible characters removed': 'row',
  'name like another account': 'rows',
  'person on several rows': 'rows',
  'touch before lead created': 'rows',
  'churn before customer': 'row',
  'name like a stored account': 'rows',
  'name looks HTML-escaped': 'row',
  'opened before sent': 'row',
  'amount read as decimals': 'row',
  'placeholder team': 'row',
  'placeholder owner': 'row',
  'placeholder manager': 'row',
  'placeholder source': 'row',
  'currency empty': 'row',
  'manager role without is_manager': 'row',
  'is_manager with rep role': 'row',
  'name like another rep': 'rows',
  'name like a stored rep': 'rows',
  'rep renamed like another rep': 'rows',
} as const satisfies Record<string, 'row' | 'rows'>;
export type WarningKind = keyof typeof KIND_SCOPES;
/** Every warning kind, in a fixed order (the API schema's enum; bits of a row's mask). */
export const WARNING_KINDS = Object.keys(KIND_SCOPES) as [WarningKind, ...WarningKind[]];

/** The kinds about one row's own values (see KIND_SCOPES). */
export const ROW_KINDS: ReadonlySet<WarningKind> = new Set(
  WARNING_KINDS.filter((k) => KIND_SCOPES[k] === 'row'),
);

/**
 * A row kind's bit in a row's mask (its place in ROW_KINDS). The masks are a Uint32Array (17 row kinds
 * outgrew 16 bits), so 32 row kinds is the most it holds: one more needs a wider mask (rowMasks), or the
 * bits would be lost silently.
 */
export const KIND_BIT = new Map([...ROW_KINDS].map((k, i) => [k, 1 << i]));
if (ROW_KINDS.size > 32) throw new Error('row warning kinds outgrew the Uint32 row masks (see KIND_BIT)');

/** A warning lists at most this many line numbers (and keeps the details of as many rows). */
export const FIRST_LINES = 5;

/**
 * What a per-row check (checks-*.ts) sees of the WarningLog it reports to: what is being read, how its
 * warnings word things, and where to count a warning.
 */
export interface RowCheckLog {
  readonly entity: Entity;
  readonly stages: StageRules;
  /** 'file' counts lines and names CLI options; 'request' lists items and names the request's fields. */
  readonly audience: 'file' | 'request';
  /** The IANA zone the input's zone-less times were read in; warnings name dates as that zone reads them. */
  readonly zone: string;
  /** The latest instant an event may carry (now plus FUTURE_TOLERANCE_MS), in epoch ms; undefined: not looked at. */
  readonly latest: number | undefined;
  /** A field as a warning names it: `Deal Value (amount)` when read from a column named otherwise. */
  fieldName(field: string): string;
  /** Counts one warning of `kind` at `line` (an item index in a request); `detail` is made only when kept. */
  add(kind: WarningKind, line: number, detail: () => string): void;
  /** Counts a warning of a kind that quotes its values: `sentence` quotes the values rows held, this row's `value`. */
  addQuoted(kind: WarningKind, line: number, value: string, sentence: (values: string[]) => string): void;
  /** Counts a closed deal whose stage reads as open, remembering its stage for the summary. */
  closedButOpen(line: number, stage: string): void;
}
