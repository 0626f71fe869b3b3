import { badQuote, unquoteName } from '../slack/grammar/words.js';
import { escapeMrkdwn } from '../slack/mrkdwn.js';
import { formatMinuteOfDay } from '../time/format.js';
import { formatTwelveHour, readTypedTime, saysDayPeriod, TYPED_TIME_RULE } from '../time/typed-time.js';
import { canonicalTimeZone } from '../time/zone.js';
import type { AlertSettingsPatch } from './settings.js';

/**
 * The grammar of `/metrics alerts …`, parsed without touching the database:
 *   alerts [show] [team <name>]
 *   alerts set sla 10m | escalation 30m|default | hours mon-fri 09:00-17:30|9am-5:30pm [tz Europe/London] | hours always
 *              | slip on|off | channel #sales-leads|off      [team <name>]
 * A parse never throws; bad input gives a short message saying what was expected.
 */
export type AlertsCommand =
  | { ok: true; action: 'show'; team: string | null }
  | { ok: true; action: 'set'; team: string | null; patch: AlertSettingsPatch }
  | { ok: false; error: string };

/** The response SLA a team may set, in seconds: 30s to 24h. */
const SLA_LIMITS = { min: 30, max: 86_400 } as const;
/** The escalation a team may set, in business seconds: 1m to 7d. */
const ESCALATION_LIMITS = { min: 60, max: 7 * 86_400 } as const;

export const ALERTS_USAGE = [
  '`/metrics alerts` — show your team’s alert settings',
  `\`/metrics alerts set sla 10m [team EMEA]\` — response SLA (${limitText(SLA_LIMITS.min)} to ${limitText(SLA_LIMITS.max)})`,
  '`/metrics alerts set escalation 30m` — when the manager hears about a waiting lead (`default` = 3 × SLA)',
  '`/metrics alerts set hours mon-fri 09:00-17:30 [tz Europe/London]` — business hours, 24-hour or `9am-5:30pm` (`hours always` = no pause)',
  '`/metrics alerts set slip on|off` — daily slip alerts for reps whose response time got worse',
  '`/metrics alerts set channel #sales-leads|off` — post still-waiting leads to a channel with a Claim button',
];

const SETTINGS = ['sla', 'escalation', 'hours', 'slip', 'channel'] as const;

/** "30s", "1m", "24h", "7d": a limit as typed in the grammar (whole units; days only past 24h). */
function limitText(seconds: number): string {
  if (seconds > 86_400 && seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** "The SLA must be between 30s and 24h: got `0s`." for a duration out of its range, else null. */
function outOfRange(
  what: string,
  limits: { min: number; max: number },
  seconds: number,
  typed: string,
): string | null {
  if (seconds >= limits.min && seconds <= limits.max) return null;
  return `${what} must be between ${limitText(limits.min)} and ${limitText(limits.max)}: got \`${escapeMrkdwn(typed.slice(0, 40))}\`.`;
}

/** Parses the words after `alerts`. */
export function parseAlertsCommand(tokens: string[]): AlertsCommand {
  const words = [...tokens];
  const teamAt = words.findIndex((w) => w.toLowerCase() === 'team');
  let team: string | null = null;
  if (teamAt >= 0) {
    // The team name runs to the end, or to `tz`, so "team North America" works.
    const tzAt = words.findIndex((w, i) => i > teamAt && w.toLowerCase() === 'tz');
    const end = tzAt > teamAt ? tzAt : words.length;
    const typed = words
      .slice(teamAt + 1, end)
      .join(' ')
      .trim();
    const quoteProblem = badQuote(typed);
    if (quoteProblem) return { ok: false, error: quoteProblem };
    team = unquoteName(typed);
    if (team === '') return { ok: false, error: 'Name the team after `team`, e.g. `team EMEA`.' };
    words.splice(teamAt, end - teamAt);
  }
  const [verb, setting, ...rest] = words;
  if (verb === undefined || verb.toLowerCase() === 'show') return { ok: true, action: 'show', team };
  if (verb.toLowerCase() !== 'set') {
    return {
      ok: false,
      error: `I don't know \`${escapeMrkdwn(verb)}\` here. Try \`/metrics alerts\` or \`/metrics alerts set sla 10m\`.`,
    };
  }
  const name = setting?.toLowerCase();
  if (!name || !(SETTINGS as readonly string[]).includes(name)) {
    return { ok: false, error: `Say what to set: ${SETTINGS.map((s) => `\`${s}\``).join(', ')}.` };
  }
  const patch = parseSetting(name as (typeof SETTINGS)[number], rest);
  return 'error' in patch ? { ok: false, error: patch.error } : { ok: true, action: 'set', team, patch };
}

function parseSetting(
  name: (typeof SETTINGS)[number],
  args: string[],
): AlertSettingsPatch | { error: string } {
  const first = args[0]?.toLowerCase();
  switch (name) {
    case 'sla': {
      const seconds = first === undefined ? null : parseDuration(args.join(' '));
      if (seconds === null)
        return {
          error:
            fractionOfASecond(args.join(' '), SLA_LIMITS) ??
            'Give the SLA as a duration, e.g. `10m`, `90s` or `1h`.',
        };
      const refused = outOfRange('The SLA', SLA_LIMITS, seconds, args.join(' '));
      return refused ? { error: refused } : { slaSeconds: seconds };
    }
    case 'escalation': {
      if (first === 'default' && args.length === 1) return { escalationSeconds: null };
      const seconds = first === undefined ? null : parseDuration(args.join(' '));
      if (seconds === null) {
        return {
          error:
            fractionOfASecond(args.join(' '), ESCALATION_LIMITS) ??
            'Give the escalation as a duration, e.g. `30m` or `2h`, or `default` (3 × SLA).',
        };
      }
      const refused = outOfRange('Escalation', ESCALATION_LIMITS, seconds, args.join(' '));
      return refused ? { error: refused } : { escalationSeconds: seconds };
    }
    case 'slip':
      if (first === 'on' && args.length === 1) return { slipEnabled: true };
      if (first === 'off' && args.length === 1) return { slipEnabled: false };
      return { error: 'Say `on` or `off`, e.g. `/metrics alerts set slip off`.' };
    case 'channel':
      return parseChannel(args);
    case 'hours':
      return parseHours(args);
  }
}

/**
 * Why `text` is refused when it is a duration but for a fraction of a second in its seconds (`29.9s`,
 * `1m 0.5s`): settings are kept in whole seconds, and rounding would store a figure nobody typed. Says the
 * whole seconds either side; null when `text` is not such a duration.
 */
function fractionOfASecond(text: string, limits: { min: number; max: number }): string | null {
  const m = /^(.*?)(\d+)\.(\d+)\s*(?:s|secs?|seconds?)$/i.exec(text.trim());
  if (!m || !/[1-9]/.test(m[3]!)) return null;
  const rest = m[1]!.trim();
  const head = rest === '' ? 0 : parseDuration(rest);
  if (head === null) return null;
  const whole = Number(m[2]);
  const show = (s: number) => `\`${rest === '' ? '' : `${rest} `}${s}s\``;
  // Only whole seconds the setting takes are offered (fresh tester helper-403: `29.9s` offered `29s`, under
  // the SLA's 30 s); when neither is, the range is said.
  const fits = [whole, whole + 1].filter((s) => head + s >= limits.min && head + s <= limits.max);
  const offer =
    fits.length === 0
      ? `It must be between ${limitText(limits.min)} and ${limitText(limits.max)}.`
      : `Write ${fits.map(show).join(' or ')}.`;
  return `\`${escapeMrkdwn(text.trim().slice(0, 40))}\` has a fraction of a second: durations are kept in whole seconds. ${offer}`;
}

/**
 * "10m", "90s", "1h", "1h30m", "2d", "15min", "1.5h", and as said in words, "10 minutes",
 * "1 hour 30 mins", "1.5 hours", "90 seconds", "2 days" → whole seconds; null when not a duration. A zero
 * duration ("0s", "0m") is 0, for the caller's range check to refuse with the range.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const n = '(\\d+(?:\\.\\d+)?)';
  const match = new RegExp(
    `^(?:${n}(?:d|days?))?(?:${n}(?:h|hrs?|hours?))?(?:${n}(?:m|mins?|minutes?))?(?:(\\d+)(?:s|secs?|seconds?))?$`,
  ).exec(t);
  if (!match || t === '') return null;
  const [, d, h, m, s] = match;
  // `1.5h` is 90 minutes; kept in whole seconds.
  const total = Math.round(
    Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0),
  );
  return total;
}

function parseChannel(args: string[]): AlertSettingsPatch | { error: string } {
  const raw = args[0];
  if (raw === undefined || args.length !== 1)
    return { error: 'Pick the channel with #, e.g. `set channel #sales-leads`, or say `off`.' };
  if (raw.toLowerCase() === 'off') return { channelId: null };
  // Slack sends a picked channel as <#C0123|name> (or <#C0123> when escaping is off); a bare id works too.
  const match = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(raw) ?? /^([CG][A-Z0-9]{6,})$/.exec(raw);
  if (!match?.[1]) {
    return {
      error: 'Pick the channel from Slack’s # list so I get its id, e.g. `set channel #sales-leads`.',
    };
  }
  return { channelId: match[1] };
}

const DAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** "mon-fri", "weekdays", "daily", "mon,wed,fri", "sun-thu" → ISO weekdays; null when not days. */
export function parseDays(text: string): number[] | null {
  const t = text.toLowerCase();
  if (t === 'weekdays') return [1, 2, 3, 4, 5];
  if (t === 'daily' || t === 'everyday' || t === 'all') return [1, 2, 3, 4, 5, 6, 7];
  const days = new Set<number>();
  for (const part of t.split(',')) {
    const [a, b, extra] = part.split('-').map((p) => DAYS[p.slice(0, 3)] ?? (p.length >= 3 ? undefined : -1));
    if (a === undefined || a === -1 || extra !== undefined) return null;
    if (part.includes('-')) {
      if (b === undefined || b === -1) return null;
      // Ranges may wrap the week: sun-thu is Sunday through Thursday.
      for (let d = a, i = 0; i < 7; d = (d % 7) + 1, i++) {
        days.add(d);
        if (d === b) break;
      }
    } else {
      days.add(a);
    }
  }
  return days.size > 0 ? [...days].sort((x, y) => x - y) : null;
}

/** The business hours of a day in minutes since midnight, [startMinute, endMinute). */
interface TimeRange {
  startMinute: number;
  endMinute: number;
}

/** Between the two ends of a range: `-`, an en or em dash, or `to`, with or without spaces. */
const RANGE_SEPARATOR = /\s*(?:-|–|—|\bto\b)\s*/i;

/**
 * "09:00-17:30", "9am-5:30pm", "9-17", "9 am to 5 pm" → minutes [540, 1050); null when not a range of one
 * day. Each end is read as digest times are (readTypedTime: 24-hour or am/pm, `12am` midnight, `12pm`
 * noon). An end at midnight (`24:00`, `00:00`, `12am`) is the end of the day.
 */
export function parseTimeRange(text: string): TimeRange | null {
  const read = readTimeRange(text);
  return 'problem' in read ? null : read;
}

/** parseTimeRange, or what is wrong with `text` and how to write it instead. */
function readTimeRange(text: string): TimeRange | { problem: string } {
  const shown = `\`${escapeMrkdwn(text.slice(0, 40))}\``;
  const ends = text.trim().split(RANGE_SEPARATOR);
  const [from, to] = ends;
  const start = from === undefined ? null : readTypedTime(from);
  const endTime =
    to === undefined ? null : /^24(?::00)?$/.test(to) ? { hour: 24, minute: 0 } : readTypedTime(to);
  if (ends.length !== 2 || !from || !to || !start || !endTime) {
    return {
      problem: `${shown} is not a time range like \`09:00-17:30\` or \`9am-5:30pm\` (${TYPED_TIME_RULE}).`,
    };
  }
  const startMinute = start.hour * 60 + start.minute;
  const read = endTime.hour * 60 + endTime.minute;
  const endMinute = read === 0 ? 1440 : read;
  if (endMinute > startMinute) return { startMinute, endMinute };
  // `9-5`: an end without am/pm that would come after the start in the afternoon was meant on the 12-hour clock.
  const afternoon = endMinute + 720;
  if (
    !saysDayPeriod(to) &&
    endMinute < 720 &&
    afternoon > startMinute &&
    (saysDayPeriod(from) || startMinute < 780)
  ) {
    return {
      problem: `${shown} ends before it starts: without am/pm, ${escapeMrkdwn(to)} is read on the 24-hour clock. Write \`${formatTwelveHour(startMinute)}-${formatTwelveHour(afternoon)}\` or \`${formatMinuteOfDay(startMinute)}-${formatMinuteOfDay(afternoon)}\`.`,
    };
  }
  if (endMinute === startMinute)
    return {
      problem: `${shown} starts and ends at the same time: give when the day's business hours start and when they end, e.g. \`9am-5pm\`, or say \`always\` for every hour.`,
    };
  return {
    problem: `${shown} ends before it starts: business hours start and end on the same day (the end may be midnight, \`24:00\`).`,
  };
}

function parseHours(args: string[]): AlertSettingsPatch | { error: string } {
  const usage =
    'Say e.g. `set hours mon-fri 09:00-17:30 tz Europe/London` or `set hours mon-fri 9am-5pm`, or `set hours always`.';
  if (args.length === 1 && args[0]?.toLowerCase() === 'always') return { hours: { kind: 'always' } };
  // The times run to `tz`, so `9 am - 5 pm` is read as one range.
  const tzAt = args.findIndex((w) => w.toLowerCase() === 'tz');
  const [daysText, ...timeWords] = tzAt >= 0 ? args.slice(0, tzAt) : args;
  const [tz, ...extra] = tzAt >= 0 ? args.slice(tzAt + 1) : [];
  if (!daysText || timeWords.length === 0 || extra.length > 0) return { error: usage };
  const days = parseDays(daysText);
  if (!days) return { error: `\`${escapeMrkdwn(daysText)}\` is not a set of days. ${usage}` };
  const range = readTimeRange(timeWords.join(' '));
  // The problem says what to write instead: the usage would only repeat it.
  if ('problem' in range) return { error: range.problem };
  let timezone: string | undefined;
  if (tzAt >= 0) {
    if (!tz) return { error: usage };
    // Stored in its IANA spelling (fresh tester helper-403: `tz europe/london` showed "(europe/london)").
    const canonical = canonicalTimeZone(tz);
    if (canonical === null)
      return { error: `\`${escapeMrkdwn(tz)}\` is not a time zone name; use one like Europe/London.` };
    timezone = canonical;
  }
  return { hours: { kind: 'hours', days, ...range, ...(timezone ? { timezone } : {}) } };
}
