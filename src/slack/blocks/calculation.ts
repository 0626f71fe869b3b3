import { evaluateStep } from '../../metrics/calculation.js';
import type {
  Calculation,
  CalculationInput,
  CalculationMedian,
  CalculationStep,
  MetricResult,
  Unit,
} from '../../metrics/types.js';
import { formatMoneyExact, moneyDisplayStep } from '../../money/index.js';
import { formatCount } from '../../numbers/count.js';
import { formatDuration, formatValue } from '../format.js';
import { enforceLimits, type SlackMessage } from '../limits.js';
import { escapeMrkdwn, escapeName } from '../mrkdwn.js';
import { definitionLine } from './answer-parts.js';
import { context, fields, header, section } from './pieces.js';

/**
 * "How is this calculated?": the inputs of this very answer in their own units (money through src/money
 * with the currency's digits, counts with separators, shares as percentages, durations in the result's
 * unit), the arithmetic from them to the result, and the result as the answer shows it, saying when it is
 * rounded. A median is shown as what it is: n values and the middle one or two, never as a sum.
 */

/** "1d 2h 03m 05s" / "4m 12s" / "38s": a duration to the second, however long (an input, not a headline). */
function durationToSecond(totalSeconds: number): string {
  if (Math.abs(totalSeconds) < 3600) return formatDuration(totalSeconds);
  const sign = totalSeconds < 0 ? '−' : '';
  const s = Math.round(Math.abs(totalSeconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const [d, h, m, sec] = [
    Math.floor(s / 86400),
    Math.floor((s % 86400) / 3600),
    Math.floor((s % 3600) / 60),
    s % 60,
  ];
  return `${sign}${d > 0 ? `${d}d ` : ''}${h}h ${pad(m)}m ${pad(sec)}s`;
}

/** A figure a reader recomputes from: exact money, full counts, percentages to 4 decimals, days to 0.01. */
export function formatInput(value: number, unit: Unit, currency: string | null): string {
  const upTo = (digits: number) => value.toLocaleString('en-US', { maximumFractionDigits: digits });
  switch (unit) {
    case 'money':
      return formatMoneyExact(value, currency);
    case 'count':
      return Number.isInteger(value) ? formatCount(value) : upTo(2);
    case 'ratio':
      return `${(value * 100).toLocaleString('en-US', { maximumFractionDigits: 4 })}%`;
    case 'seconds':
      return durationToSecond(value);
    case 'days':
      return `${upTo(2)} ${value === 1 ? 'day' : 'days'}`;
    case 'multiple':
      return `${upTo(4)}×`;
    case 'per_day':
      return `${upTo(2)}/day`;
  }
}

/** The step the headline's display rounds to, in the unit, and its words; null when shown exactly. */
function displayRounding(value: number, unit: Unit, currency: string | null): string | null {
  const off = (step: number) => Math.abs(value / step - Math.round(value / step)) > 1e-9;
  switch (unit) {
    case 'money': {
      const step = moneyDisplayStep(value, currency);
      return off(step.minor) ? `rounded to ${step.words}` : null;
    }
    case 'ratio':
      return off(0.001) ? 'rounded to 0.1%' : null;
    case 'seconds': {
      const abs = Math.abs(value);
      if (abs < 3600) return off(1) ? 'rounded to the second' : null;
      if (abs < 86400) return off(60) ? 'rounded to the minute' : null;
      return off(3600) ? 'rounded to the hour' : null;
    }
    case 'days':
      return off(0.1) ? 'rounded to 0.1 day' : null;
    case 'multiple':
    case 'per_day':
      return off(0.1) ? 'rounded to 0.1' : null;
    case 'count':
      return Number.isInteger(value) || !off(0.1) ? null : 'rounded to 0.1';
  }
}

/** "$6,282,705.00 ÷ 276", with brackets around compound parts. */
function stepText(step: CalculationStep, inputs: CalculationInput[], currency: string | null): string {
  if ('input' in step) {
    const input = inputs[step.input];
    return input ? formatInput(input.value, input.unit, currency) : '?';
  }
  const text = (s: CalculationStep, bracket: boolean) =>
    bracket ? `(${stepText(s, inputs, currency)})` : stepText(s, inputs, currency);
  const sign = step.op === 'divide' ? '÷' : step.op === 'multiply' ? '×' : '−';
  // Read left to right: a left part needs brackets only where a reader could group it otherwise
  // ("(E − N) ÷ S", "(revenue ÷ customers) × margin"); a compound right part always gets them.
  const l = step.left;
  const bracketLeft =
    !('input' in l) &&
    (l.op === 'subtract' ? step.op !== 'subtract' : l.op === 'divide' && step.op === 'multiply');
  return `${text(l, bracketLeft)} ${sign} ${text(step.right, !('input' in step.right))}`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${formatCount(n)}${suffix}`;
}

/** "the 21st of 41 values: 4m 12s" / "(4m 10s + 4m 14s) ÷ 2 = 4m 12s, the 20th and 21st of 40 values". */
function medianText(m: CalculationMedian, currency: string | null): string {
  const f = (v: number) => formatInput(v, m.unit, currency);
  if (m.middle.length === 1) {
    return `the middle value, the ${ordinal((m.n + 1) / 2)} of ${formatCount(m.n)} in order: ${f(m.middle[0])}`;
  }
  const [lo, hi] = m.middle;
  return `halfway between the ${ordinal(m.n / 2)} and the ${ordinal(m.n / 2 + 1)} of ${formatCount(m.n)} in order: (${f(lo)} + ${f(hi)}) ÷ 2 = ${f((lo + hi) / 2)}`;
}

/** The lines under the inputs: the arithmetic (or the median), then the result as shown. */
function workingLines(r: MetricResult): string[] {
  const c: Calculation = r.calculation;
  const lines: string[] = [];
  if (r.value.kind === 'no_data') {
    lines.push(`*Result:* no data (${escapeMrkdwn(r.value.reason)})`);
    return lines;
  }
  if (c.median) {
    lines.push(
      `*Median of ${formatCount(c.median.n)} ${escapeMrkdwn(c.median.of)}:* ${medianText(c.median, r.currency)}`,
    );
  } else if (c.step && !('input' in c.step)) {
    const exact = evaluateStep(c.step, c.inputs);
    if (exact !== null)
      lines.push(
        `*Calculation:* ${stepText(c.step, c.inputs, r.currency)} = ${formatInput(exact, r.metric.unit, r.currency)}`,
      );
  }
  const rounded = displayRounding(r.value.value, r.metric.unit, r.currency);
  lines.push(`*Result:* ${formatValue(r.value, r.metric.unit, r.currency)}${rounded ? ` (${rounded})` : ''}`);
  return lines;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "How is this calculated?" for this very answer: formula, inputs, working, result, window and n. */
export function buildCalculationMessage(r: MetricResult): SlackMessage {
  const c = r.calculation;
  const inputs = c.inputs.map((i): [string, string] => [
    escapeMrkdwn(capitalise(i.label)),
    formatInput(i.value, i.unit, r.currency),
  ]);
  const summary = c.inputs.map((i) => `${i.label} ${formatInput(i.value, i.unit, r.currency)}`);
  return enforceLimits({
    text: escapeName(
      `How ${r.metric.label} is calculated for ${r.scope.label}, ${r.period.label}: ${c.formula}; ${[...summary, `result ${formatValue(r.value, r.metric.unit, r.currency)}`].join(' · ')}; n=${formatCount(c.n)}`,
    ),
    blocks: [
      header(`How is this calculated? · ${r.metric.label}`),
      section(`*Formula:* ${escapeMrkdwn(c.formula)}`),
      ...(inputs.length > 0 ? [fields(inputs)] : []),
      section(workingLines(r).join('\n')),
      context(`Window: ${escapeMrkdwn(c.window)} · n = ${formatCount(c.n)}`),
      context(definitionLine(r)),
    ],
  });
}
