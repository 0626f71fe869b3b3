import { describe, expect, it } from 'vitest';
import { buildSlipAlert, buildSlipRollup } from '../../src/alerts/slack/slip-blocks.js';
import { scopeContextFrom } from '../../src/metrics/scope.js';
import { clipName, NAME_DISPLAY_MAX } from '../../src/names.js';
import { showName } from '../../src/slack/mrkdwn.js';

/** A name stored before the ingest limits (a tester sent 40,000 characters) is cut before it is escaped. */
const HUGE = 'Ana *'.repeat(8_000);

describe('long names in Slack text', () => {
  it('cuts a name to NAME_DISPLAY_MAX graphemes with "…", never splitting an emoji or an escape', () => {
    expect(clipName('Ana López')).toBe('Ana López');
    const cut = clipName(HUGE);
    expect([...new Intl.Segmenter().segment(cut)]).toHaveLength(NAME_DISPLAY_MAX);
    expect(cut.endsWith('…')).toBe(true);
    expect(clipName('👩‍💻'.repeat(100), 5)).toBe('👩‍💻👩‍💻👩‍💻👩‍💻…');
    // Escaping after the cut: every `&` stays a whole `&amp;`.
    const escaped = showName('&'.repeat(1_000), 10);
    expect(escaped).toBe(`${'&amp;'.repeat(9)}…`);
  });

  it('labels a team or rep with a huge stored name by its first 80 characters in every answer', () => {
    const team = scopeContextFrom(
      { defaultTimezone: 'UTC' },
      { kind: 'team', teamId: 1 },
      { name: HUGE, timezone: null, week_starts_on: null },
    );
    expect(team.scope.label).toBe(clipName(HUGE));
    expect(team.scope.label.length).toBeLessThanOrEqual(NAME_DISPLAY_MAX);
  });

  it('keeps slip alerts and the roll-up whole around a huge rep or team name', () => {
    const alert = buildSlipAlert({
      repName: 'x'.repeat(40_000),
      reason: 'over_sla',
      medianSeconds: 1_800,
      previousMedianSeconds: null,
      teamMedianSeconds: 600,
      teamName: HUGE,
      slaSeconds: 300,
      tipIndex: 0,
    });
    const body = (alert.blocks[0] as { text: { text: string } }).text.text;
    expect(body).toContain('target (SLA): *5m 00s*.');
    expect(body.length).toBeLessThan(1_500);
    const rollup = buildSlipRollup(HUGE, [{ name: HUGE, days: 3, latestMedianSeconds: 900 }]);
    const lines = (rollup.blocks[1] as { text: { text: string } }).text.text;
    expect(lines).toMatch(/… — 15m 00s median, alerted on 3 days$/);
    expect(rollup.text.length).toBeLessThan(400);
  });
});
