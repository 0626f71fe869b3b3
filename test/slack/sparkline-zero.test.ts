import { expect, it } from 'vitest';
import { formatSparkline } from '../../src/slack/format.js';

it('draws a series of zeros flat at the bottom, not as steady activity', () => {
  expect(formatSparkline([0, 0, 0, 0, 0, 0, 0, 0])).toBe('▁▁▁▁▁▁▁▁');
  expect(formatSparkline([0, null, 0])).toBe('▁·▁');
  // A steady non-zero value still sits mid-height.
  expect(formatSparkline([3, 3])).toBe('▄▄');
});
