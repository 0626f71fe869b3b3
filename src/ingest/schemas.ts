import type { Column } from 'drizzle-orm';
import { z } from 'zod';
import { withoutFormatChars } from '../core/fold.js';
import { integerRange } from '../db/column-range.js';
import {
  ACTIVITY_KINDS,
  activities,
  contracts,
  DIRECTIONS,
  OUTCOMES,
  opportunities,
  REP_ROLES,
  teams,
} from '../db/schema/index.js';
import { suggestWord } from '../edit-distance.js';
import {
  AmountError,
  type AmountReading,
  currenciesNear,
  type Decimal,
  type DecimalMark,
  isCurrencyCode,
  type NumberHint,
  readAmount,
} from '../money/index.js';
import { isTimeZone } from '../time/zone.js';
import type { CloseDateValue } from './close-date.js';
import type { StageRules } from './outcome.js';
import { isPlaceholderName } from './placeholders.js';
import {
  checkText,
  type DateContext,
  parseBoolean,
  parseCalendarDate,
  parseDecimal,
  parseInstant,
  parseInteger,
  ValueError,
} from './values.js';

/**
 * An amount as read from the input. `reading` may be ambiguous ("4.200"); `parseItems` settles it
 * with the file's decimal mark into `value`, which writers turn into minor units of the row's currency.
 */
export interface MoneyValue {
  reading: AmountReading;
  value?: Decimal;
}

/**
 * One zod schema per entity for ONE item, with the canonical snake_case field names used by CSV
 * headers and the ingest API alike. Semantics shared by every field:
 * - key absent → leave the stored value as it is (partial update);
 * - null or "" (an empty CSV cell) → clear it, or back to the column's default (direction → outbound,
 *   currency → USD, outcome → from the stage, role → unchanged); for required fields: an error;
 * - otherwise the value is parsed (dates in `timeZone` unless they carry a zone, amounts exactly).
 * Whether a *new* row has its required fields is checked by the upserts, which know what exists.
 */

export const ENTITIES = [
  'teams',
  'reps',
  'leads',
  'activities',
  'accounts',
  'opportunities',
  'contracts',
] as const;
export type Entity = (typeof ENTITIES)[number];

type Scalar = string | number | boolean;

/** How a field looks in the ingest API's OpenAPI document (`src/http/openapi.ts`): JSON Schema keywords. */
type JsonHint = { type: string[]; description?: string } & Record<string, unknown>;

/** Why one field's value was refused (zod reports `message` as a custom issue). */
class FieldIssue {
  constructor(readonly message: string) {}
}

/** A field's whole reading of one value: the parsed value, null (cleared), or why it is refused. */
type FieldReader = (v: unknown) => unknown;

/** Each `field` schema's reader, so `parseItem` can read a well-formed item without zod's machinery. */
const readers = new WeakMap<z.ZodType, FieldReader>();

/**
 * A field that may be absent (undefined), cleared (null) or set (parsed value). `json` describes the
 * accepted input for the generated OpenAPI document; parsing is `parse`'s alone.
 */
function field<T>(
  parse: (v: Scalar) => T,
  opts: { required?: boolean } = {},
  json: JsonHint = { type: ['string', 'number', 'boolean', 'null'] },
) {
  const read = (v: unknown): T | null | FieldIssue => {
    if (v === null || (typeof v === 'string' && v.trim() === '')) {
      return opts.required ? new FieldIssue('is required') : null;
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      return new FieldIssue('must be a single value, not a list or object');
    }
    try {
      return parse(v);
    } catch (err) {
      const known = err instanceof ValueError || err instanceof AmountError;
      return new FieldIssue(known ? err.message : 'is not valid');
    }
  };
  const schema = z
    .unknown()
    .transform((v, ctx): T | null => {
      const r = read(v);
      if (r instanceof FieldIssue) {
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }
      return r;
    })
    .optional()
    .meta(
      opts.required
        ? { ...json, description: `${json.description ?? ''} Required for a new row.`.trim() }
        : json,
    );
  readers.set(schema, read as FieldReader);
  return schema;
}

/** An item schema's fields in shape order with their readers, for `parseItem`'s fast path. */
type Plan = { keys: Set<string>; fields: [string, FieldReader][] };
const plans = new WeakMap<z.ZodType, Plan | null>();

/**
 * The schema's plan, built once; null (every item goes through zod) when a field has no reader, or when
 * zod would run more than the fields: checks on the object itself (refine, superRefine, check,
 * overwrite) or a schema that is no plain object (transform makes a pipe). Keys outside the shape
 * (what a catchall reads) already send an item to zod.
 */
function planOf(schema: z.ZodObject): Plan | null {
  let plan = plans.get(schema);
  if (plan === undefined) {
    plan = buildPlan(schema);
    plans.set(schema, plan);
  }
  return plan;
}

function buildPlan(schema: z.ZodObject): Plan | null {
  if (!(schema instanceof z.ZodObject) || (schema._zod.def.checks?.length ?? 0) > 0) return null;
  const fields: [string, FieldReader][] = [];
  for (const [key, s] of Object.entries(schema.shape)) {
    const read = readers.get(s as z.ZodType);
    if (!read) return null;
    fields.push([key, read]);
  }
  return { keys: new Set(fields.map(([k]) => k)), fields };
}

/**
 * `schema.safeParse(value)` for one item schema of `buildItemSchemas`, with the same result: a plain
 * object whose keys are all fields and whose every field reads cleanly is read field by field (shape
 * order, keys present in the input only, as zod outputs them) without zod's per-field objects, which
 * dominate a big import's allocations; anything else, and every refusal, goes through zod, so the
 * issues and their messages are zod's.
 */
export function parseItem(
  schema: z.ZodObject,
  value: unknown,
): { success: true; data: Record<string, unknown> } | ReturnType<z.ZodObject['safeParse']> {
  const plan = planOf(schema);
  if (
    plan &&
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const input = value as Record<string, unknown>;
    let fast = true;
    for (const key in input) {
      if (!Object.hasOwn(input, key) || !plan.keys.has(key)) {
        fast = false;
        break;
      }
    }
    if (fast) {
      const data: Record<string, unknown> = {};
      for (const [key, read] of plan.fields) {
        if (!Object.hasOwn(input, key)) continue;
        const v = input[key];
        const r = v === undefined ? undefined : read(v);
        if (r instanceof FieldIssue) {
          fast = false;
          break;
        }
        data[key] = r;
      }
      if (fast) return { success: true, data };
    }
  }
  return schema.safeParse(value);
}

/**
 * The longest text each kind of field accepts, in characters (Unicode code points, after trimming).
 * Well above any real value (a CRM's names, Salesforce's 18-character ids, RFC 5321's 254-character
 * address path), low enough that one value cannot fill a Slack message or bloat every answer that shows it.
 */
export const TEXT_LIMITS = {
  /** People, teams, accounts, companies, products, sources, stages, templates, and references by name. */
  name: 200,
  /** External ids (and references to them) and Slack ids. */
  id: 200,
  email: 254,
  /** `loss_reason`: free text, shown in `/metrics lost`. */
  note: 500,
  /** `crm_url`: a link to the CRM record. */
  url: 2000,
} as const;
type TextKind = keyof typeof TEXT_LIMITS;

/** Refuses text longer than `TEXT_LIMITS[kind]` characters (code points, so an emoji counts once). */
function withinLimit(value: string, kind: TextKind): string {
  const max = TEXT_LIMITS[kind];
  if (value.length <= max) return value;
  let chars = 0;
  for (const _ of value) chars++;
  if (chars > max)
    throw new ValueError(
      `is ${chars.toLocaleString('en-US')} characters long; at most ${max.toLocaleString('en-US')} are allowed`,
    );
  return value;
}

const toText = (v: Scalar) => checkText(String(v)).trim();

/**
 * An id as text. CRMs often send ids as JSON numbers: a whole number JSON reads exactly (up to
 * ±9007199254740991) is stored as its digits (`123` → "123", the same record as `"123"`); any other number
 * (`0.1`, `1e21`, one JSON.parse has rounded) is no id and is refused, never stored as "1e+21". Throws
 * ValueError.
 */
function idText(v: Scalar): string {
  if (typeof v !== 'number' || Number.isSafeInteger(v)) return toText(v);
  const shown = Number.isInteger(v)
    ? `a number ${v > 0 ? 'beyond ' : 'below -'}${Number.MAX_SAFE_INTEGER}`
    : Number.isFinite(v)
      ? String(v)
      : `a number ${v > 0 ? 'beyond ' : 'below -'}1.79e308`;
  throw new ValueError(
    `${shown} is not an id: send ids as text, or as whole numbers up to ${Number.MAX_SAFE_INTEGER}`,
  );
}

/**
 * A label on one line: line breaks (a quoted cell of a CSV spanning lines, U+2028/2029) and the spaces around
 * them read as one space, so a name or product never breaks a list or table row in Slack.
 */
const oneLine = (s: string) => s.replace(/[^\S\r\n\u2028\u2029]*[\r\n\u2028\u2029]+\s*/g, ' ');
// `placeholder`: "N/A", "-", "none" (isPlaceholderName) read as the empty cell, counted ('placeholder source'),
// never stored as a lead source named "N/A" to rank in `by source` (fresh tester helper-404).
const text = (kind: TextKind, opts?: { required?: boolean; placeholder?: boolean }) =>
  field(
    (v): string | null => {
      const t = withinLimit(
        kind === 'id' ? idText(v) : kind === 'name' ? oneLine(toText(v)) : toText(v),
        kind,
      );
      return opts?.placeholder && isPlaceholderName(t.replace(/\s+/g, ' ')) ? null : t;
    },
    opts,
    {
      type: ['string', 'number', 'null'],
      maxLength: TEXT_LIMITS[kind],
    },
  );
/**
 * Runs of spaces, tabs and no-break spaces (U+00A0, as Excel and web pages paste them) read as one space, so a
 * new record is named as people type it, not `Quinn  Q` (fold() matches either). Other Unicode spaces (U+3000,
 * the ideographic space of CJK names; U+2009 thin space) are kept.
 */
export const oneSpace = (s: string) => s.replace(/[ \t\u00A0]+/g, ' ');
/**
 * A name or a reference by name (NAME_FIELDS): text without format characters (withoutFormatChars:
 * zero-width spaces, BOM, bidi controls), which would make a look-alike of another name, on one line, its
 * runs of white space as one space (oneSpace; silent, as trimming). The warnings count the items that had
 * format characters (src/ingest/checks-names.ts); a name of nothing else is refused. `asId`: the value is also
 * matched to, or stored as, an account's external id (a deal's or contract's `account`, an accounts row's
 * `name` without external_id), which is never folded: its spaces are kept as given, and the writer
 * single-spaces only the name it stores (src/ingest/accounts.ts, findAccounts).
 */
const name = (opts?: {
  required?: boolean;
  asId?: boolean;
  placeholder?: 'team' | 'person';
  /** The record's own name (a team's, a rep's): a placeholder there is refused, never stored. */
  own?: 'team' | 'rep';
}) =>
  field(
    (v): string | null => {
      const read = oneLine(withoutFormatChars(checkText(String(v))).trim());
      const n = opts?.asId ? read : oneSpace(read);
      if (n === '') throw new ValueError('has only invisible characters (such as zero-width spaces)');
      // "N/A" in a rep's team, manager_name or an owner cell names no team or rep: read as the empty cell is
      // (counted: 'placeholder team', 'placeholder manager', 'placeholder owner'), never created as a team or
      // rep named "N/A". A person's cell also reads "NA" so; a team's does not (North America).
      if (opts?.placeholder && isPlaceholderName(n, { person: opts.placeholder === 'person' })) return null;
      // A teams or reps row named "TBD" would be stored as a team or person of that name: refused, so the
      // source is fixed rather than a guess stored. A rep named "NA" too; a team "NA" is North America.
      if (opts?.own && isPlaceholderName(n, { person: opts.own === 'rep' }))
        throw new ValueError(
          opts.own === 'rep'
            ? `"${n}" is a placeholder, not a person's name: give the rep's name`
            : `"${n}" is a placeholder, not a team's name: give the team's name`,
        );
      return withinLimit(n, 'name');
    },
    opts,
    {
      type: ['string', 'number', 'null'],
      maxLength: TEXT_LIMITS.name,
      description: opts?.asId
        ? "Invisible format characters (zero-width spaces, bidi controls) are removed; spaces are kept as given, as in an external id (a new account's name takes one space for each run of spaces, tabs and no-break spaces)."
        : 'Invisible format characters (zero-width spaces, bidi controls) are removed; runs of spaces, tabs and no-break spaces are read as one space.',
    },
  );
const email = () =>
  field(
    (v) => {
      const e = withinLimit(toText(v), 'email').toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new ValueError(`"${v}" is not an email address`);
      return e;
    },
    {},
    { type: ['string', 'null'], format: 'email', maxLength: TEXT_LIMITS.email },
  );
/**
 * `crm_url`: an absolute http(s) link, stored in its canonical form (WHATWG URL `href`, with `|` also
 * percent-encoded) so it can always be shown as a Slack link: a space or `<` is encoded, not dropped.
 * Anything else (`javascript:`, `crm.example.com/x`) is refused: it could never be shown (fresh tester).
 */
const url = () =>
  field(
    (v) => {
      const t = withinLimit(toText(v), 'url').trim();
      let link: URL;
      try {
        link = new URL(t);
      } catch {
        throw new ValueError(
          `"${clipValue(t)}" is not a link: write the whole address, starting with https://`,
        );
      }
      if (link.protocol !== 'https:' && link.protocol !== 'http:')
        throw new ValueError(`"${clipValue(t)}" is not a web link: it must start with https:// or http://`);
      return link.href.replace(/\|/g, '%7C');
    },
    {},
    { type: ['string', 'null'], format: 'uri', maxLength: TEXT_LIMITS.url },
  );
/** A value quoted back in an error, cut to 60 characters. */
const clipValue = (t: string) => (t.length > 60 ? `${t.slice(0, 60)}…` : t);
/** Outcome words CRMs export that Tally does not store, and what to do about them (Pipedrive's Status). */
const OUTCOME_ADVICE: Readonly<Record<string, string>> = {
  deleted:
    'a deleted deal was neither won nor lost, so Tally does not count it: leave deleted deals out of the file (in Pipedrive, filter the export by Status)',
  closedwon:
    'did you mean won? "Closed Won" is a stage name: write won here, or give it in the stage column, which sets the outcome',
  closedlost:
    'did you mean lost? "Closed Lost" is a stage name: write lost here, or give it in the stage column, which sets the outcome',
};
/**
 * Words CRM exports and people write for an activity kind, read one word at a time: `Phone Call`, `call
 * logged`, `Mtg.`, `email sent`. Only suggested ("did you mean call?"), never stored in its stead: `kind`
 * takes call, email and meeting alone.
 */
const KIND_WORDS: Readonly<Record<string, (typeof ACTIVITY_KINDS)[number]>> = {
  call: 'call',
  calls: 'call',
  phone: 'call',
  telephone: 'call',
  email: 'email',
  emails: 'email',
  meeting: 'meeting',
  meetings: 'meeting',
  mtg: 'meeting',
  mtgs: 'meeting',
};
/**
 * The activity kind a refused kind's words name (`phone call` → call, `e-mail sent` → email), when they
 * name exactly one: `phone meeting` or `call or email` reads two ways, so it gets no guess.
 */
function kindNamed(word: string): string | undefined {
  const words = word.replace(/\be[-\s]mail/g, 'email').split(/[^a-z]+/);
  const kinds = new Set(words.filter((w) => Object.hasOwn(KIND_WORDS, w)).map((w) => KIND_WORDS[w]));
  return kinds.size === 1 ? [...kinds][0] : undefined;
}
/**
 * A field that takes one of `values` (any case). A word that is not one is refused with a "did you mean"
 * when `guess` reads it as one (the kind an activity's words name) or it is one slip away, or with
 * `advice[word]` when the word is known to mean something the field cannot hold (a CRM's deleted deal).
 */
const oneOf = <T extends string>(
  values: readonly T[],
  opts?: {
    required?: boolean;
    advice?: Readonly<Record<string, string>>;
    guess?: (word: string) => string | undefined;
  },
) =>
  field(
    (v) => {
      const word = toText(v).toLowerCase();
      if (!(values as readonly string[]).includes(word)) {
        // Advice is looked up by the word's letters alone: `Closed Won`, `closed-won` and `closed_won` alike.
        const letters = word.replace(/[^a-z]/g, '');
        const advice = opts?.advice && Object.hasOwn(opts.advice, letters) ? opts.advice[letters] : undefined;
        const guess = advice ? undefined : (opts?.guess?.(word) ?? suggestWord(word, values));
        throw new ValueError(
          `"${clipValue(toText(v))}" is not one of ${values.join(', ')}${advice ? `: ${advice}` : guess ? `; did you mean ${guess}?` : ''}`,
        );
      }
      return word as T;
    },
    opts,
    { type: ['string', 'null'], enum: [...values, null], description: 'Case-insensitive.' },
  );
const instantField = (tz: string, opts?: { required?: boolean }, dates?: DateContext) =>
  field((v) => parseInstant(String(v), tz, dates), opts, {
    type: ['string', 'null'],
    description: 'ISO 8601 date or date-time; without an offset it is read in DEFAULT_TIMEZONE.',
  });
const moneyField = (decimal: DecimalMark | undefined, hint?: NumberHint) =>
  field(
    (v): MoneyValue => ({ reading: readAmount(typeof v === 'boolean' ? String(v) : v, decimal, hint) }),
    {},
    {
      type: ['string', 'number', 'null'],
      description:
        'An amount in the major unit, e.g. 1234.50, "1.234,50" with locale de-DE, "€ 99", "(500.00)". Minor units follow the currency (JPY 0, KWD 3).',
    },
  );
/**
 * A whole-number field stored in `column`: its bounds are the column type's range (`integerRange`,
 * read from the drizzle schema, so a value the column cannot hold is a row error, never a database
 * error), narrowed by the field's own `bounds` when it has them (seconds are not negative). `unit` names
 * what it counts in the advice for `1,200` ("write whole seconds without a thousands separator: 1200").
 */
const integer = (column: Column, bounds?: { min?: number; max?: number }, unit?: string) => {
  const held = integerRange(column);
  const min = Math.max(held.min, bounds?.min ?? held.min);
  const max = Math.min(held.max, bounds?.max ?? held.max);
  return field(
    (v) =>
      parseInteger(typeof v === 'boolean' ? String(v) : v, { min, max }, bounds ? 'range' : 'limit', unit),
    {},
    { type: ['integer', 'string', 'null'], minimum: min, maximum: max },
  );
};
const bool = () => field(parseBoolean, {}, { type: ['boolean', 'string', 'null'] });
const currency = () =>
  field(
    (v) => {
      const c = toText(v).toUpperCase();
      if (!/^[A-Z]{3}$/.test(c)) throw new ValueError(`"${v}" is not a 3-letter currency code`);
      if (!isCurrencyCode(c)) {
        const near = currenciesNear(c);
        const hint = near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ' (such as USD or EUR)';
        throw new ValueError(`"${v}" is not an ISO 4217 currency code${hint}`);
      }
      return c;
    },
    {},
    {
      type: ['string', 'null'],
      pattern: '^[A-Za-z]{3}$',
      description: 'ISO 4217 code (a current one; case-insensitive); default USD.',
    },
  );
const timeZoneName = () =>
  field(
    (v) => {
      const tz = toText(v);
      if (!isTimeZone(tz)) throw new ValueError(`"${v}" is not an IANA time zone such as Europe/Berlin`);
      return tz;
    },
    {},
    { type: ['string', 'null'], description: 'IANA time zone, e.g. Europe/Berlin.' },
  );

/**
 * How one file or request is read beyond the time zone: its slash dates (`dates`), the wording of
 * amount errors (`numberHint`: CLI options or request fields) and its stage names (`stages`).
 */
export interface ReadingContext {
  dates?: DateContext | undefined;
  numberHint?: NumberHint | undefined;
  /** The input's won and lost stage names, which say what an opportunity's close_date is (close-date.ts). */
  stages?: StageRules | undefined;
  /** Filled while reading: the stages read as open whose rows' close_date became the expected close. */
  openCloseStages?: Set<string> | undefined;
}

/** Builds the item schemas for one deployment time zone (dates without a zone are read in it). */
export function buildItemSchemas(tz: string, decimal?: DecimalMark, reading: ReadingContext = {}) {
  const d = reading.dates;
  const instant = (zone: string, opts?: { required?: boolean }) => instantField(zone, opts, d);
  const money = (mark: DecimalMark | undefined) => moneyField(mark, reading.numberHint);
  return {
    teams: z.strictObject({
      name: name({ required: true, own: 'team' }),
      timezone: timeZoneName(),
      week_starts_on: integer(teams.weekStartsOn, { min: 0, max: 6 }),
      slack_channel_id: text('id'),
      response_sla_seconds: integer(teams.responseSlaSeconds, { min: 1 }, 'seconds'),
    }),
    reps: z.strictObject({
      name: name({ required: true, own: 'rep' }),
      email: email(),
      slack_user_id: text('id'),
      role: oneOf(REP_ROLES),
      active: bool(),
      timezone: timeZoneName(),
      team: name({ placeholder: 'team' }),
      team_since: instant(tz),
      is_manager: bool(),
      manager_name: name({ placeholder: 'person' }),
    }),
    leads: z.strictObject({
      external_id: text('id', { required: true }),
      // Shown in nudge DMs: without invisible characters, like every name (a U+202E would show it reversed).
      name: name(),
      company: name(),
      email: email(),
      source: text('name', { placeholder: true }),
      owner_email: email(),
      owner_name: name({ placeholder: 'person' }),
      created_at: instant(tz, { required: true }),
      qualified_at: instant(tz),
      converted_at: instant(tz),
      disqualified_at: instant(tz),
      crm_url: url(),
    }),
    activities: z.strictObject({
      external_id: text('id', { required: true }),
      rep_email: email(),
      rep_name: name({ placeholder: 'person' }),
      lead_external_id: text('id'),
      opportunity_external_id: text('id'),
      kind: oneOf(ACTIVITY_KINDS, { required: true, guess: kindNamed }),
      direction: oneOf(DIRECTIONS),
      occurred_at: instant(tz, { required: true }),
      duration_seconds: integer(activities.durationSeconds, { min: 0 }, 'seconds'),
      connected: bool(),
      email_opened_at: instant(tz),
      email_replied_at: instant(tz),
      email_template: text('name'),
      meeting_booked_at: instant(tz),
      meeting_held_at: instant(tz),
    }),
    accounts: z.strictObject({
      external_id: text('id'),
      name: name({ asId: true }),
      became_customer_at: instant(tz),
      churned_at: instant(tz),
    }),
    opportunities: z.strictObject({
      external_id: text('id', { required: true }),
      lead_external_id: text('id'),
      account: name({ asId: true }),
      owner_email: email(),
      owner_name: name({ placeholder: 'person' }),
      product: text('name'),
      amount: money(decimal),
      amount_minor: integer(opportunities.amountMinor),
      currency: currency(),
      created_at: instant(tz, { required: true }),
      stage: text('name'),
      closed_at: instant(tz),
      outcome: oneOf(OUTCOMES, { advice: OUTCOME_ADVICE }),
      loss_reason: text('note'),
      expected_close_date: field((v) => parseCalendarDate(String(v), d)),
      close_date: field(
        (v): CloseDateValue => {
          const at = parseInstant(String(v), tz, d);
          return { at, day: parseCalendarDate(String(v), d) };
        },
        {},
        {
          type: ['string', 'null'],
          description:
            "A CRM's Close Date (Salesforce, HubSpot): closed_at for a won or lost deal, expected_close_date for an open one; needs the stage or outcome.",
        },
      ),
    }),
    contracts: z.strictObject({
      external_id: text('id', { required: true }),
      account: name({ required: true, asId: true }),
      starts_at: instant(tz, { required: true }),
      ends_at: instant(tz, { required: true }),
      total_value: money(decimal),
      currency: currency(),
      contract_years: field((v) => {
        const n = parseDecimal(typeof v === 'boolean' ? String(v) : v);
        if (n <= 0 || n >= 10_000) throw new ValueError(`${n} is not a plausible number of years`);
        return n;
      }),
      licenses: integer(contracts.licenses, { min: 0 }),
      revenue_per_license: money(decimal),
      product: text('name'),
    }),
  };
}

export type ItemSchemas = ReturnType<typeof buildItemSchemas>;
export type ItemOf<E extends Entity> = z.output<ItemSchemas[E]>;

const cache = new Map<string, ItemSchemas>();
/** Schemas of one file or request (its slash-date state lives in its ReadingContext). */
const contextCache = new WeakMap<ReadingContext, Map<string, ItemSchemas>>();

/**
 * The schemas for `tz` (and a forced decimal mark), built once per combination; with a `reading`
 * context, once per context (one file or request).
 */
export function itemSchemas(tz: string, decimal?: DecimalMark, reading?: ReadingContext): ItemSchemas {
  const key = `${tz}|${decimal ?? ''}`;
  let byKey = cache;
  if (reading) {
    byKey = contextCache.get(reading) ?? new Map();
    contextCache.set(reading, byKey);
  }
  let s = byKey.get(key);
  if (!s) {
    s = buildItemSchemas(tz, decimal, reading);
    byKey.set(key, s);
  }
  return s;
}

/** Names and references by name (read by `name()`: format characters removed), per entity. */
export const NAME_FIELDS: Partial<Record<Entity, string[]>> = {
  teams: ['name'],
  reps: ['name', 'team', 'manager_name'],
  leads: ['owner_name', 'name', 'company'],
  activities: ['rep_name'],
  accounts: ['name'],
  opportunities: ['account', 'owner_name'],
  contracts: ['account'],
};

/** The name of a record's owner (a rep, made when unknown), per entity: a placeholder there names no rep. */
export const OWNER_NAME_FIELDS: Partial<Record<Entity, 'owner_name' | 'rep_name'>> = {
  leads: 'owner_name',
  activities: 'rep_name',
  opportunities: 'owner_name',
};

/** Fields that carry amounts in major units, per entity. */
export const MONEY_FIELDS: Partial<Record<Entity, string[]>> = {
  opportunities: ['amount'],
  contracts: ['total_value', 'revenue_per_license'],
};

/**
 * The field that identifies a record (upsert key), which every item must carry, even a partial
 * update: an item without it cannot be matched to anything. Accounts take external_id or name.
 */
export const KEY_FIELDS: Record<Entity, string[]> = {
  teams: ['name'],
  reps: [],
  leads: ['external_id'],
  activities: ['external_id'],
  accounts: ['external_id', 'name'],
  opportunities: ['external_id'],
  contracts: ['external_id'],
};

/** Canonical field names per entity, in documentation order (CSV headers and JSON keys). */
export function canonicalFields(entity: Entity): string[] {
  return Object.keys(itemSchemas('UTC')[entity].shape);
}
