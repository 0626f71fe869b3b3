import type { SQL } from 'drizzle-orm';
import { sql } from '../../db/client.js';
import { calcInput, take } from '../calculation.js';
import { aggregateComputer, type MetricComputer, noData, ratio, toNumber, value } from './aggregate.js';
import { ROLLUP_NEWEST } from './rollup.js';
import type { RowSource } from './rows.js';

/**
 * Whitespace in a template's name, as a Postgres regular expression class: `\s` (which, in the database's
 * locale, leaves out no-break spaces) and the no-break, figure and narrow no-break spaces a copy from a
 * document or a CRM's rich-text editor brings.
 */
const SPACE = '[\\s\\u00a0\\u2007\\u202f]';

/**
 * Characters that show nothing (soft hyphen, zero-width space, non-joiner, joiner, direction marks and
 * controls, word joiner, byte-order mark, Mongolian vowel separator: the set loss reasons leave out,
 * migration `loss_reason_variants`): left out of a template's key, so "Zero\u200bwidth" and "Zerowidth",
 * which read the same, are one template.
 */
const INVISIBLE_SET = '\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff';
const INVISIBLE = `[${INVISIBLE_SET}]`;

/** What a template's name is trimmed of at either end: whitespace and invisible characters. */
const EDGE = `[\\s\\u00a0\\u2007\\u202f${INVISIBLE_SET}]`;

/**
 * An email template's name as recorded, for showing: leading and trailing whitespace (spaces, tabs,
 * line breaks, no-break spaces) and invisible characters dropped, null when nothing is left. "Intro v2", "intro  v2" and "INTRO V2"
 * stay three spellings here; `templateKey` groups them.
 */
export const templateSpelling = (column: SQL): SQL =>
  sql`nullif(regexp_replace(${column}, ${sql.raw(`'^${EDGE}+|${EDGE}+$'`)}, '', 'g'), '')`;

/**
 * The key email templates are grouped by: the spelling (`templateSpelling`) without invisible characters,
 * in lower case, with every run of whitespace (no-break spaces included) as one space; null when there is no
 * template. "Intro v2", "intro  v2", " INTRO V2" and "Intro\u00a0v2" are one template, shown under its
 * most used spelling (`spellingsOf` in rows.ts). Case folding is the database's `lower()`, as for loss
 * reasons (`tally_loss_reason`).
 */
export const templateKey = (column: SQL): SQL =>
  sql`nullif(lower(regexp_replace(regexp_replace(${templateSpelling(column)}, ${sql.raw(`'${INVISIBLE}'`)}, '', 'g'), ${sql.raw(`'${SPACE}+'`)}, ' ', 'g')), '')`;

const outbound = (kind: 'call' | 'email', columns = sql`1 as one`): RowSource => ({
  from: sql`activities x`,
  ts: sql`x.occurred_at`,
  rep: sql`x.rep_id`,
  where: sql`x.kind = ${kind} and x.direction = 'outbound'`,
  columns,
});

/** Outbound calls, connects, talk time and calls per rep per working day. */
export const callsComputer: MetricComputer = aggregateComputer({
  sources: () => [outbound('call', sql`x.connected, x.duration_seconds`)],
  perWorkingDay: true,
  aggregates: sql`count(*)::int as n,
    count(*) filter (where x.connected)::int as connected,
    coalesce(sum(x.duration_seconds) filter (where x.connected), 0)::float8 as talk,
    count(distinct x.rep_id)::int as reps`,
  rollup: {
    aggregates: sql`sum(r.calls)::int as n, sum(r.calls_connected)::int as connected,
      sum(r.talk_seconds)::float8 as talk`,
    // A rep who made a call in the window (rep_id 0, records without an owner, is never one).
    activeReps: sql`r.calls > 0`,
    having: sql`sum(r.calls) > 0`,
    segmentAggregates: sql`sum(r.calls)::int as n`,
    newest: ROLLUP_NEWEST.call,
  },
  finalize({ rows, workingDays }) {
    const r = rows[0] ?? {};
    const n = toNumber(r.n);
    const connected = toNumber(r.connected);
    const reps = toNumber(r.reps);
    const repDays = reps * workingDays;
    return {
      value: value(n),
      n,
      currency: null,
      notes: [],
      calc: {
        formula: 'count of outbound calls in the period',
        inputs: [calcInput('outbound calls', n, 'count')],
        step: take(0),
      },
      figures: [
        { key: 'connected', label: 'Connected', unit: 'count', value: value(connected) },
        {
          key: 'connect_rate',
          label: 'Connect rate',
          unit: 'ratio',
          value: ratio(connected, n, 'no calls in this period'),
        },
        { key: 'talk_time', label: 'Talk time', unit: 'seconds', value: value(toNumber(r.talk)) },
        {
          key: 'per_rep_day',
          label: 'Calls per rep per working day',
          unit: 'per_day',
          value: repDays > 0 ? value(n / repDays) : noData('no working days with calls in this period'),
        },
      ],
    };
  },
});

/** Outbound emails with open and reply rates. */
export const emailsComputer: MetricComputer = aggregateComputer({
  sources: () => [
    {
      ...outbound('email', sql`x.email_opened_at, x.email_replied_at`),
      // The template (or sequence/step) an email was sent from, for `by template` (A/B comparisons): grouped
      // by its key, shown under its most used spelling.
      dims: { template: templateKey(sql`x.email_template`) },
      dimLabels: { template: templateSpelling(sql`x.email_template`) },
    },
  ],
  aggregates: sql`count(*)::int as n,
    count(*) filter (where x.email_opened_at is not null)::int as opened,
    count(*) filter (where x.email_replied_at is not null)::int as replied`,
  rollup: {
    aggregates: sql`sum(r.emails)::int as n, sum(r.emails_opened)::int as opened, sum(r.emails_replied)::int as replied`,
    having: sql`sum(r.emails) > 0`,
    segmentAggregates: sql`sum(r.emails)::int as n`,
    newest: ROLLUP_NEWEST.email,
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const n = toNumber(r.n);
    const none = 'no emails sent in this period';
    return {
      value: value(n),
      n,
      currency: null,
      notes: [],
      calc: {
        formula: 'count of outbound emails sent in the period',
        inputs: [calcInput('emails sent', n, 'count')],
        step: take(0),
      },
      figures: [
        { key: 'open_rate', label: 'Open rate', unit: 'ratio', value: ratio(toNumber(r.opened), n, none) },
        { key: 'reply_rate', label: 'Reply rate', unit: 'ratio', value: ratio(toNumber(r.replied), n, none) },
        { key: 'opened', label: 'Opened', unit: 'count', value: value(toNumber(r.opened)) },
        { key: 'replied', label: 'Replied', unit: 'count', value: value(toNumber(r.replied)) },
      ],
    };
  },
});

/** Meetings booked (by booking time) and held (by held time): two timestamps, so two row sources. */
export const meetingsComputer: MetricComputer = aggregateComputer({
  sources: () => [
    {
      from: sql`activities x`,
      ts: sql`coalesce(x.meeting_booked_at, x.occurred_at)`,
      rep: sql`x.rep_id`,
      where: sql`x.kind = 'meeting'`,
      columns: sql`'booked' as part`,
    },
    {
      from: sql`activities x`,
      ts: sql`x.meeting_held_at`,
      rep: sql`x.rep_id`,
      where: sql`x.kind = 'meeting' and x.meeting_held_at is not null`,
      columns: sql`'held' as part`,
    },
  ],
  aggregates: sql`count(*) filter (where x.part = 'booked')::int as booked,
    count(*) filter (where x.part = 'held')::int as held`,
  rollup: {
    aggregates: sql`sum(r.meetings_booked)::int as booked, sum(r.meetings_held)::int as held`,
    having: sql`sum(r.meetings_booked) + sum(r.meetings_held) > 0`,
    segmentAggregates: sql`sum(r.meetings_booked)::int as booked`,
    newest: ROLLUP_NEWEST.meeting,
  },
  finalize({ rows }) {
    const r = rows[0] ?? {};
    const booked = toNumber(r.booked);
    return {
      value: value(booked),
      n: booked,
      currency: null,
      notes: [],
      calc: {
        formula: 'count of meetings booked in the period',
        inputs: [calcInput('meetings booked', booked, 'count')],
        step: take(0),
      },
      figures: [{ key: 'held', label: 'Held', unit: 'count', value: value(toNumber(r.held)) }],
    };
  },
});
