import { describe, expect, it } from 'vitest';
import { FirstLines } from '../../src/ingest/first-lines.js';

describe('FirstLines', () => {
  it('returns the first line of every id seen again, across the table growing, and nothing for new ids', () => {
    const t = new FirstLines();
    for (let i = 0; i < 50_000; i += 1) expect(t.firstOrAdd(`OPP-${i}`, i + 2)).toBeUndefined();
    expect(t.firstOrAdd('OPP-0', 60_000)).toBe(2);
    expect(t.firstOrAdd('OPP-49999', 60_001)).toBe(50_001);
    expect(t.firstOrAdd('OPP-12345', 60_002)).toBe(12_347);
    // A repeat keeps the first line, not the latest.
    expect(t.firstOrAdd('OPP-0', 60_003)).toBe(2);
    expect(t.firstOrAdd('', 7)).toBeUndefined();
    expect(t.firstOrAdd('', 8)).toBe(7);
  });

  it('keeps a second number per recorded id (mark), across the table growing; 0 when none was set', () => {
    const t = new FirstLines();
    t.firstOrAdd('OPP-0', 2);
    expect(t.mark('OPP-0')).toBe(0);
    t.setMark('OPP-0', 41);
    t.setMark('OPP-unseen', 5);
    expect(t.mark('OPP-unseen')).toBe(0);
    for (let i = 1; i < 5_000; i += 1) t.firstOrAdd(`OPP-${i}`, i + 2);
    t.setMark('OPP-4999', 7);
    expect([t.mark('OPP-0'), t.mark('OPP-4999'), t.mark('OPP-17')]).toEqual([41, 7, 0]);
    t.clear();
    t.firstOrAdd('OPP-0', 2);
    expect(t.mark('OPP-0')).toBe(0);
  });

  it('takes another first line for an id (setFirst), and forgets one id (forget) until it is seen again', () => {
    const t = new FirstLines();
    for (let i = 0; i < 3_000; i += 1) t.firstOrAdd(`OPP-${i}`, i + 2);
    t.setFirst('OPP-0', 9);
    t.setFirst('OPP-unseen', 4);
    expect([t.first('OPP-0'), t.first('OPP-unseen')]).toEqual([9, undefined]);
    t.setMark('OPP-1', 5);
    t.forget('OPP-1');
    expect([t.first('OPP-1'), t.mark('OPP-1')]).toEqual([undefined, 0]);
    for (let i = 3_000; i < 6_000; i += 1) t.firstOrAdd(`OPP-${i}`, i + 2);
    expect(t.firstOrAdd('OPP-1', 7_000)).toBeUndefined();
    expect(t.firstOrAdd('OPP-1', 7_001)).toBe(7_000);
    expect(t.first('OPP-2')).toBe(4);
  });

  it('counts the ids recorded, and forgets them all on clear (keeping its grown capacity)', () => {
    const t = new FirstLines();
    for (let i = 0; i < 5_000; i += 1) t.firstOrAdd(`ACT-${i}`, i);
    t.firstOrAdd('ACT-7', 99);
    expect(t.count).toBe(5_000);
    t.clear();
    expect(t.count).toBe(0);
    expect(t.first('ACT-7')).toBeUndefined();
    expect(t.firstOrAdd('ACT-7', 3)).toBeUndefined();
    expect(t.first('ACT-7')).toBe(3);
    expect(t.count).toBe(1);
  });
});
