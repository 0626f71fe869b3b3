import type { Dimension, MetricDefinition } from '../../metrics/types.js';
import type { FiscalCalendar } from '../../time/fiscal.js';
import type { ZonedHint } from './period-words.js';
import type { ScopeWord } from './words.js';

/** What the `/metrics` grammar reads a command as (src/slack/grammar/parse.ts), and the context it reads it in. */

export interface MetricAsk {
  kind: 'ask';
  /** null = the summary scorecard. */
  metric: MetricDefinition | null;
  scope: ScopeWord;
  /** Normalised period spec ("this month", "2026-Q3"); null = the metric's default. */
  period: string | null;
  by: Dimension | null;
  share: boolean;
  /** Readings where month words are part of a name; see MonthNameReading. Absent when there are none. */
  monthNames?: MonthNameReading[];
}

/**
 * Another reading of the same words, where some month words are part of the scope's name (`may fisher`
 * as May Fisher, `team March Madness`) instead of the period. The grammar cannot know the names, so the
 * command layer picks with chooseMonthReading. `team fiscal year` carries one too, the team "fiscal year"
 * (see fiscalAfterTeam), though its words are no month's. `match`: `exact` when the name must spell a team's name or
 * a person's full name exactly; `known` (a month beside another period: `team October this week`) when
 * the name need only find someone the usual way.
 */
export interface MonthNameReading {
  ask: MetricAsk & { scope: { kind: 'named'; name: string; teamOnly: boolean; personOnly?: true } };
  match: 'exact' | 'known';
}

export type ParsedCommand =
  /** `topic`: a subcommand word (`digest`, `target`) when the user asked `help <subcommand>`. */
  | { kind: 'help'; metric: MetricDefinition | null; topic?: string }
  | { kind: 'subcommand'; name: string; tokens: string[] }
  | MetricAsk
  /** `message` is plain text (the Slack layer escapes it); `suggestion` is a command fragment. */
  | {
      kind: 'error';
      message: string;
      suggestion: string | null;
      /** What the error is about, when it stands however the first word reads: a period, a split. */
      about?: 'period' | 'split';
      /** Readings with month words as names that may stand instead of this error; see MonthNameReading. */
      monthNames?: MonthNameReading[];
      /**
       * A period hint with dates (`since oct`, `30 days ago`), worded in the grammar's zone: the command
       * layer words it again in the zone of `scope`, the scope asked about (see ZonedHint).
       */
      zoned?: { hint: ZonedHint; scope: ScopeWord };
    };

export interface GrammarContext {
  now: Date;
  /** Zone used only to validate period words here; the answer recomputes boundaries in the scope's zone. */
  timezone: string;
  /** Subcommand words (and aliases) from the registry: `digest`, `alerts`, `target`, … */
  subcommands: readonly string[];
  /** The org's fiscal calendar, so `q3` and `FY2027` normalise to its quarters; default calendar year. */
  fiscal?: FiscalCalendar;
}
