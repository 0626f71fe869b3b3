import { describe, expect, it } from 'vitest';
import { parseTargetValue } from '../../commands/target.js';

describe('parseTargetValue', () => {
  it('reads rates as percentages or shares', () => {
    expect(parseTargetValue('30%', 'ratio')).toBeCloseTo(0.3);
    expect(parseTargetValue('0.25', 'ratio')).toBeCloseTo(0.25);
    expect(parseTargetValue('45', 'ratio')).toBeCloseTo(0.45);
    expect(parseTargetValue('130%', 'ratio')).toBeNull();
  });

  it('reads durations with units, plain numbers as seconds', () => {
    expect(parseTargetValue('5m', 'seconds')).toBe(300);
    expect(parseTargetValue('1h30m', 'seconds')).toBe(5400);
    expect(parseTargetValue('90s', 'seconds')).toBe(90);
    expect(parseTargetValue('90', 'seconds')).toBe(90);
    expect(parseTargetValue('soon', 'seconds')).toBeNull();
  });

  it('reads money as its major amount (the currency and minor units come from readTypedMoney)', () => {
    expect(parseTargetValue('$12,400', 'money')).toBe(12_400);
    expect(parseTargetValue('12k', 'money')).toBe(12_000);
    expect(parseTargetValue('99.50', 'money')).toBe(99.5);
    // A quarterly revenue target is written in millions: $2m, 1.5M.
    expect(parseTargetValue('$2m', 'money')).toBe(2_000_000);
    expect(parseTargetValue('1.5M', 'money')).toBe(1_500_000);
    expect(parseTargetValue('€2m', 'money')).toBe(2_000_000);
    expect(parseTargetValue('2mm', 'money')).toBeNull();
  });

  it('reads counts and rejects junk', () => {
    expect(parseTargetValue('400', 'count')).toBe(400);
    expect(parseTargetValue('', 'count')).toBeNull();
    expect(parseTargetValue('-3', 'count')).toBeNull();
    expect(parseTargetValue('<!channel>', 'count')).toBeNull();
  });
});

describe('commas in typed targets', () => {
  it('reads a comma only as a thousands separator, never as a decimal mark', () => {
    expect(parseTargetValue('1,200', 'count')).toBe(1200);
    expect(parseTargetValue('$1,234,567', 'money')).toBe(1_234_567);
    // "2,5m" is 2.5 million in half of Europe and 25 million if commas are dropped: refused, not guessed.
    expect(parseTargetValue('2,5m', 'money')).toBeNull();
    expect(parseTargetValue('1,5', 'count')).toBeNull();
    expect(parseTargetValue('12,40', 'money')).toBeNull();
    expect(parseTargetValue('1,2345', 'count')).toBeNull();
  });
});
