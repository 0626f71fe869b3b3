import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { sql } from '../db/client.js';
import { formatCount } from '../numbers/count.js';
import { runAdmitted } from './admitted.js';
import { readAnswerContext } from './answer-context.js';
import { templateKey, templateSpelling } from './compute/activities.js';
import { runMetricQuery } from './compute/query.js';
import { mostUsedFirst, scopedRows } from './compute/rows.js';
import { resolvePeriod } from './get-metric.js';
import type { MetricDeps, Period, Scope } from './types.js';

/** Below this many emails per template the test says "not enough data yet". */
export const MIN_SENT_PER_TEMPLATE = 100;
/** The normal approximation needs at least this many expected replies and non-replies per template. */
const MIN_EXPECTED = 5;
/** Significance level of the two-sided two-proportion z-test. */
export const ALPHA = 0.05;

export interface TemplateRow {
  /**
   * The template's most used spelling as recorded (trimmed), ties in `COLLATE "C"` order; null for emails
   * sent without a template. Spellings that differ only in case or whitespace runs are one template.
   */
  template: string | null;
  /** The template's other spellings seen in the period ("intro  v2", "INTRO V2"), most used first. */
  alsoRecordedAs: string[];
  sent: number;
  opened: number;
  replied: number;
  /** 0..1; null when nothing was sent. */
  openRate: number | null;
  replyRate: number | null;
}

export interface TwoProportionTest {
  /** Reply rates compared: the leader (higher) and the runner-up. */
  a: TemplateRow;
  b: TemplateRow;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

export interface EmailTemplates {
  period: Period;
  rows: TemplateRow[];
  test: TwoProportionTest | null;
  /** The plain-language verdict; null with fewer than two templates. */
  verdict: string | null;
}

/**
 * Two-proportion z-test (pooled, two-sided) of x1/n1 against x2/n2: z = (p1 − p2) ÷ √(p(1 − p)(1/n1 + 1/n2))
 * with p the pooled rate, p-value = 2 × (1 − Φ(|z|)) from @stdlib's normal CDF. Returns null when the
 * normal approximation does not hold (n1 or n2 below MIN_SENT_PER_TEMPLATE, fewer than 5 expected successes
 * or failures) or the pooled rate is 0 or 1 (no variance).
 */
export function twoProportionTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { z: number; p: number } | null {
  if (n1 < MIN_SENT_PER_TEMPLATE || n2 < MIN_SENT_PER_TEMPLATE) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  for (const n of [n1, n2]) if (n * pooled < MIN_EXPECTED || n * (1 - pooled) < MIN_EXPECTED) return null;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return null;
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p: 2 * (1 - normalCdf(Math.abs(z), 0, 1)) };
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
/**
 * "p = 0.032": two significant digits, more when two would land on the other side of ALPHA or on it (a p of
 * 0.054 is "0.054", not "0.05" beside "could well be chance"; 0.0496 is "0.0496").
 */
export function pValueText(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  let digits = 2;
  const misleads = (d: number) => {
    const shown = Number(p.toPrecision(d));
    return shown === ALPHA || shown < ALPHA !== p < ALPHA;
  };
  while (digits < 4 && misleads(digits)) digits++;
  return `p = ${p.toPrecision(digits)}`;
}

/**
 * Outbound emails per template for `scope` in `period`: sent, opened, replied and the rates; and, with two
 * or more named templates, a verdict on the reply rates of the two best (by reply rate among templates
 * with enough sends, else by sends): "Intro B's reply rate is higher than Intro A's (6.3% vs 3.9%), and the
 * gap is unlikely to be chance (p = 0.010, n = 812 / 790)." `show` writes each template name as the rows,
 * the spellings and the verdict carry it (e.g. made safe for a chat's markup; default: as recorded). Throws
 * like `getMetric` for bad periods/scopes.
 */
export function getEmailTemplates(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period; show?: (name: string) => string },
): Promise<EmailTemplates> {
  // Its queries run under the limiter like a metric's (see admitted.ts).
  return runAdmitted(deps, query.scope, () => computeEmailTemplates(deps, query));
}

async function computeEmailTemplates(
  deps: MetricDeps,
  query: { scope: Scope; period: string | Period; show?: (name: string) => string },
): Promise<EmailTemplates> {
  const show = query.show ?? ((name: string) => name);
  // The scope and the stored fiscal calendar in one statement, as every metric answer reads them.
  const context = await readAnswerContext(deps, query.scope, 'emails');
  const period = resolvePeriod(query.period, context.scope, deps.now, context.fiscal ?? deps.fiscalDefault);
  const emails = scopedRows(
    {
      from: sql`activities x`,
      ts: sql`x.occurred_at`,
      rep: sql`x.rep_id`,
      where: sql`x.kind = 'email' and x.direction = 'outbound'`,
      columns: sql`x.email_opened_at, x.email_replied_at`,
      dims: { template: templateKey(sql`x.email_template`) },
      dimLabels: { template: templateSpelling(sql`x.email_template`) },
    },
    query.scope,
    period.start,
    period.end,
    'template',
  );
  // Counted per template key and spelling, then per key: the spellings gathered most used first (the
  // first is the label), the counts summed. Emails without a template have neither, and form one group.
  const raw = await runMetricQuery<{
    spellings: string[] | null;
    sent: number;
    opened: number;
    replied: number;
  }>(
    deps.db,
    sql`select t.* from (
        select ${mostUsedFirst(sql`s.spelling`, sql`s.sent`)} as spellings, sum(s.sent)::int as sent,
          sum(s.opened)::int as opened, sum(s.replied)::int as replied
        from (select x.seg as key, x.seg_label as spelling, count(*) as sent,
            count(*) filter (where x.email_opened_at is not null) as opened,
            count(*) filter (where x.email_replied_at is not null) as replied
          from (${emails}) x group by x.seg, x.seg_label) s
        group by s.key) t
      order by t.sent desc, t.spellings[1] collate "C"`,
  );
  const rows: TemplateRow[] = raw.map((r) => ({
    template: r.spellings?.[0] != null ? show(r.spellings[0]) : null,
    alsoRecordedAs: r.spellings?.slice(1).map(show) ?? [],
    sent: Number(r.sent),
    opened: Number(r.opened),
    replied: Number(r.replied),
    openRate: Number(r.sent) > 0 ? Number(r.opened) / Number(r.sent) : null,
    replyRate: Number(r.sent) > 0 ? Number(r.replied) / Number(r.sent) : null,
  }));
  const named = rows.filter((r) => r.template !== null);
  if (named.length < 2) return { period, rows, test: null, verdict: null };
  const enough = named.filter((r) => r.sent >= MIN_SENT_PER_TEMPLATE);
  const pool = enough.length >= 2 ? enough : named;
  const [a, b] = [...pool].sort((x, y) => (y.replyRate ?? 0) - (x.replyRate ?? 0) || y.sent - x.sent);
  const result = twoProportionTest(a!.replied, a!.sent, b!.replied, b!.sent);
  const n = `n = ${formatCount(a!.sent)} / ${formatCount(b!.sent)}`;
  if (!result) {
    return {
      period,
      rows,
      test: null,
      verdict: `Not enough data yet to call it: ${a!.template} replies ${pct(a!.replyRate)}, ${b!.template} ${pct(b!.replyRate)} (${n}); the test needs at least ${MIN_SENT_PER_TEMPLATE} emails per template and at least 5 replies and 5 non-replies expected in each.`,
    };
  }
  const test = { a: a!, b: b!, ...result };
  const rates = `(${pct(a!.replyRate)} vs ${pct(b!.replyRate)})`;
  const verdict =
    result.p < ALPHA
      ? `${a!.template}'s reply rate is higher than ${b!.template}'s ${rates}, and the gap is unlikely to be chance (${pValueText(result.p)}, ${n}).`
      : `${a!.template}'s reply rate is higher than ${b!.template}'s ${rates}, but the gap could well be chance (${pValueText(result.p)}, ${n}): not enough evidence yet to call it.`;
  // A template left out for too few sends that replies better than the leader is named, not passed over.
  const [better] = named
    .filter((r) => r.sent < MIN_SENT_PER_TEMPLATE && (r.replyRate ?? 0) > (a!.replyRate ?? 0))
    .sort((x, y) => (y.replyRate ?? 0) - (x.replyRate ?? 0) || y.sent - x.sent);
  const aside = better
    ? ` ${better.template} replies more (${pct(better.replyRate)}) but on only ${formatCount(better.sent)} email${better.sent === 1 ? '' : 's'}, too few to compare yet (${MIN_SENT_PER_TEMPLATE} needed).`
    : '';
  return { period, rows, test, verdict: `${verdict}${aside}` };
}

/**
 * The caveat that emails sent without a template are not compared: "No template (2,028 emails sent with no
 * template recorded in the CRM) is not part of the comparison." Null when there is no comparison (no verdict) or every email had a template.
 */
export function noTemplateNote(t: EmailTemplates): string | null {
  const none = t.rows.find((r) => r.template === null);
  if (t.verdict === null || !none || none.sent === 0) return null;
  const emails = `${formatCount(none.sent)} email${none.sent === 1 ? '' : 's'}`;
  return `No template (${emails} sent with no template recorded in the CRM) is not part of the comparison.`;
}

/** The most other spellings a note names; the rest are counted ("and 2 other spellings"). */
const SPELLINGS_SHOWN = 3;

/**
 * One note per template recorded under several spellings, for an answer: "Intro v2 also recorded as
 * “intro  v2” and “INTRO V2”" (at most three spellings named, then "and 2 other spellings"). Plain text:
 * `show` prepares each name from data for the sentence (the answer clips it and neutralises mrkdwn markers;
 * the note is escaped as a whole where it is shown). Empty when every template has one spelling.
 */
export function spellingNotes(t: EmailTemplates, show: (name: string) => string = (name) => name): string[] {
  return t.rows.flatMap((r) => {
    if (r.template === null || r.alsoRecordedAs.length === 0) return [];
    const named = r.alsoRecordedAs.slice(0, SPELLINGS_SHOWN).map((s) => `“${show(s)}”`);
    const rest = r.alsoRecordedAs.length - named.length;
    const list =
      rest > 0
        ? `${named.join(', ')} and ${formatCount(rest)} other spelling${rest === 1 ? '' : 's'}`
        : named.length > 1
          ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
          : named[0]!;
    return [`${show(r.template)} also recorded as ${list}`];
  });
}

/** The most template lines an answer shows; the rest are counted in one more line. */
export const TEMPLATE_LINES_SHOWN = 10;

/**
 * One line per template for an answer, most sent first: "Intro B: 812 sent · open 41.2% · reply 6.3%"; past
 * TEMPLATE_LINES_SHOWN, one line counts the rest ("…and 4 more templates"), so the notes and the verdict
 * after them always fit the message.
 */
export function templateLines(t: EmailTemplates): string[] {
  const lines = t.rows
    .slice(0, TEMPLATE_LINES_SHOWN)
    .map(
      (r) =>
        `${r.template ?? 'No template'}: ${formatCount(r.sent)} sent · open ${pct(r.openRate)} · reply ${pct(r.replyRate)}`,
    );
  const rest = t.rows.length - lines.length;
  return rest > 0 ? [...lines, `…and ${formatCount(rest)} more template${rest === 1 ? '' : 's'}`] : lines;
}
