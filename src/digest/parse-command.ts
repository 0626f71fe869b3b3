import type { DigestCadence } from '../db/schema/digests.js';
import { findMetric } from '../metrics/index.js';
import type { MetricId } from '../metrics/types.js';
import { badQuote, unquoteName } from '../slack/grammar/words.js';
import { formatMinuteOfDay } from '../time/format.js';
import { readTypedTime, TYPED_TIME_RULE } from '../time/typed-time.js';
import { canonicalTimeZone } from '../time/zone.js';

/** `/metrics digest …` parsed into an action. Pure: Slack and database checks happen in the command. */
export type DigestCommand =
  | { action: 'help' }
  | { action: 'list' }
  | { action: 'add'; add: AddArgs }
  | { action: 'remove' | 'pause' | 'resume'; id: number }
  | { action: 'preview'; id: number | null }
  | { action: 'chart'; id: number; chart: boolean };

export interface AddArgs {
  /** A channel id from a Slack channel link, or `dm`. */
  target: { kind: 'channel'; id: string; name: string | null } | { kind: 'dm' };
  /** null = the caller's team (or org for admins without a team). */
  scope: { kind: 'org' } | { kind: 'team'; name: string } | null;
  cadence: DigestCadence;
  weekday: number | null;
  localTime: string;
  /** null = the team's zone, else DEFAULT_TIMEZONE. */
  timezone: string | null;
  metrics: MetricId[];
  /** A trend chart of the headline metric in each digest (`nochart` turns it off). */
  chart: boolean;
}

export type ParseResult = { ok: true; command: DigestCommand } | { ok: false; error: string };

export const DIGEST_USAGE = [
  '`/metrics digest add #channel [team <name>|org] [daily|weekdays|weekly mon] [at 08:30] [tz Europe/Berlin] [metrics winrate,calls] [nochart]`',
  '`/metrics digest add dm team EMEA at 08:30` — each rep of EMEA gets their own numbers by DM, in their own time zone',
  '`/metrics digest list` · `/metrics digest preview [id]` · `/metrics digest pause|resume|remove <id>`',
  '`/metrics digest chart on|off <id>` — a trend chart of the first metric in each digest (on by default)',
];

const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const KEYWORDS = new Set(['team', 'org', 'daily', 'weekdays', 'weekly', 'at', 'tz', 'metrics', 'nochart']);

/** A day period written as its own word after the hour (`at 8 pm`). */
const DAY_PERIOD = /^[ap]\.?m\.?$/i;

/** Slack sends channels as `<#C123|name>` (or `<#C123>`) with escaping on. */
const CHANNEL_LINK = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/;

function parseId(word: string | undefined, action: string): number | { error: string } {
  const m = /^#?(\d{1,9})$/.exec(word ?? '');
  if (!m)
    return {
      error: `Say which digest: \`/metrics digest ${action} <id>\` (the ids are in \`/metrics digest list\`).`,
    };
  return Number(m[1]);
}

/** Parses the words after `digest`. Never throws. */
export function parseDigestCommand(tokens: string[]): ParseResult {
  const [first, ...rest] = tokens;
  const verb = (first ?? 'help').toLowerCase();
  switch (verb) {
    case 'help':
      return { ok: true, command: { action: 'help' } };
    case 'list':
    case 'ls':
      return { ok: true, command: { action: 'list' } };
    case 'remove':
    case 'delete':
    case 'rm':
    case 'pause':
    case 'resume': {
      const action = verb === 'pause' || verb === 'resume' ? verb : 'remove';
      const id = parseId(rest[0], action);
      return typeof id === 'number' ? { ok: true, command: { action, id } } : { ok: false, error: id.error };
    }
    case 'preview': {
      if (rest.length === 0) return { ok: true, command: { action: 'preview', id: null } };
      const id = parseId(rest[0], 'preview');
      return typeof id === 'number'
        ? { ok: true, command: { action: 'preview', id } }
        : { ok: false, error: id.error };
    }
    case 'chart': {
      const mode = (rest[0] ?? '').toLowerCase();
      if (mode !== 'on' && mode !== 'off')
        return { ok: false, error: 'Say `on` or `off`: `/metrics digest chart off <id>`.' };
      const id = parseId(rest[1], `chart ${mode}`);
      return typeof id === 'number'
        ? { ok: true, command: { action: 'chart', id, chart: mode === 'on' } }
        : { ok: false, error: id.error };
    }
    case 'add':
      return parseAdd(rest);
    default:
      return { ok: false, error: `I don't know \`digest ${verb.slice(0, 30)}\`.` };
  }
}

function parseAdd(words: string[]): ParseResult {
  const [where, ...rest] = words;
  if (!where) return { ok: false, error: 'Say where the digest goes: a channel (`#sales-emea`) or `dm`.' };
  let target: AddArgs['target'];
  const link = CHANNEL_LINK.exec(where);
  if (link) target = { kind: 'channel', id: link[1]!, name: link[2] || null };
  else if (where.toLowerCase() === 'dm') target = { kind: 'dm' };
  else if (where.startsWith('#'))
    return {
      ok: false,
      error: `I can't tell which channel “${where.slice(0, 80)}” is. Pick it from Slack's suggestions as you type \`#\`, so it arrives as a channel link.`,
    };
  else return { ok: false, error: 'The first word after `add` must be a channel (`#sales-emea`) or `dm`.' };

  const args: AddArgs = {
    target,
    scope: null,
    cadence: 'weekdays',
    weekday: null,
    localTime: '08:30',
    timezone: null,
    metrics: [],
    chart: true,
  };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!.toLowerCase();
    const next = rest[i + 1];
    switch (word) {
      case 'org':
        args.scope = { kind: 'org' };
        break;
      case 'team': {
        const name: string[] = [];
        while (i + 1 < rest.length && !KEYWORDS.has(rest[i + 1]!.toLowerCase())) name.push(rest[++i]!);
        // A bare `team` is the caller's own, as in questions (`/metrics calls team`): the default scope.
        const quoteProblem = badQuote(name.join(' '));
        if (quoteProblem) return { ok: false, error: quoteProblem };
        args.scope = name.length === 0 ? null : { kind: 'team', name: unquoteName(name.join(' ')) };
        break;
      }
      case 'nochart':
        args.chart = false;
        break;
      case 'daily':
      case 'weekdays':
        args.cadence = word;
        break;
      case 'weekly': {
        args.cadence = 'weekly';
        const day = next ? DAYS[next.toLowerCase().slice(0, 3)] : undefined;
        if (day !== undefined && next && /^[a-z]+$/i.test(next)) {
          args.weekday = day;
          i++;
        } else {
          args.weekday = 1;
        }
        break;
      }
      case 'at': {
        // `at 8 am`: the day period as its own word is read with the hour.
        const period = rest[i + 2];
        const twoWords = next !== undefined && period !== undefined && DAY_PERIOD.test(period);
        const typed = twoWords ? `${next} ${period}` : (next ?? '');
        const t = readTypedTime(typed);
        if (!t)
          return {
            ok: false,
            error: `“${typed.slice(0, 20)}” is not a time of day (${TYPED_TIME_RULE}). Write it as \`at 08:00\`, \`at 8:30am\` or \`at 20:00\`.`,
          };
        args.localTime = formatMinuteOfDay(t.hour * 60 + t.minute);
        i += twoWords ? 2 : 1;
        break;
      }
      case 'tz': {
        const zone = next ? canonicalTimeZone(next) : null;
        if (!zone) {
          return {
            ok: false,
            error: `“${(next ?? '').slice(0, 40)}” is not a time zone I know. Use an IANA name such as \`Europe/Berlin\` or \`America/New_York\`.`,
          };
        }
        args.timezone = zone;
        i++;
        break;
      }
      case 'metrics': {
        const names = (next ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (names.length === 0)
          return { ok: false, error: 'List the metrics after `metrics`, e.g. `metrics winrate,calls`.' };
        for (const n of names) {
          const def = findMetric(n);
          if (!def)
            return {
              ok: false,
              error: `I don't know the metric “${n.slice(0, 30)}”. See \`/metrics help\`.`,
            };
          if (!args.metrics.includes(def.id)) args.metrics.push(def.id);
        }
        i++;
        break;
      }
      default:
        return { ok: false, error: `I don't understand “${rest[i]!.slice(0, 40)}” here.` };
    }
  }
  return { ok: true, command: { action: 'add', add: args } };
}
