import type { CalculationInput, CalculationMedian, CalculationStep, Unit } from './types.js';

/**
 * Building blocks for a metric's "How is this calculated?" (`Calculation`): its inputs in their own
 * units, the arithmetic from them to the headline, and what a median is the median of. Pure; the Slack
 * layer renders them (src/slack/blocks/calculation.ts).
 */

/** `inputs[index]`. */
export const take = (index: number): CalculationStep => ({ input: index });
/** left ÷ right. */
export const divide = (left: CalculationStep, right: CalculationStep): CalculationStep => ({
  op: 'divide',
  left,
  right,
});
/** left × right. */
export const multiply = (left: CalculationStep, right: CalculationStep): CalculationStep => ({
  op: 'multiply',
  left,
  right,
});
/** left − right. */
export const subtract = (left: CalculationStep, right: CalculationStep): CalculationStep => ({
  op: 'subtract',
  left,
  right,
});

/** An input: label, value (money in minor units of the answer's currency) and unit. */
export const calcInput = (label: string, value: number, unit: Unit): CalculationInput => ({
  label,
  value,
  unit,
});

/**
 * The value of `step` over the raw input values (in the metric's unit), or null when it divides by zero or
 * names an input that is missing.
 */
export function evaluateStep(step: CalculationStep, inputs: CalculationInput[]): number | null {
  if ('input' in step) return inputs[step.input]?.value ?? null;
  const left = evaluateStep(step.left, inputs);
  const right = evaluateStep(step.right, inputs);
  if (left === null || right === null) return null;
  if (step.op === 'multiply') return left * right;
  if (step.op === 'subtract') return left - right;
  return right === 0 ? null : left / right;
}

/**
 * The median's description from its middle value(s): `lo` and `hi` are the values at 0-based ranks
 * ⌊(n − 1)/2⌋ and ⌊n/2⌋ (equal ranks for odd n). Undefined when there are no values.
 */
export function medianOf(
  of: string,
  unit: Unit,
  n: number,
  lo: number | null,
  hi: number | null,
): CalculationMedian | undefined {
  if (n <= 0 || lo === null || hi === null) return undefined;
  return { of, n, unit, middle: n % 2 === 1 ? [lo] : [lo, hi] };
}
