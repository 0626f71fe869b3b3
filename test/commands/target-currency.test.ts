import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import type { Entity } from '../../src/ingest/index.js';
import { readTypedMoney, typedMoneyToMinor } from '../../src/money/index.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';

// Monday 30 November 2026, 09:00 UTC: Q4 2026 is running.
const NOW = new Date('2026-11-30T09:00:00Z');

describe('readTypedMoney', () => {
  it('reads the amount and the currency written with it', () => {
    expect(readTypedMoney('$12,400')).toMatchObject({ ok: true, amount: 12_400, currency: 'USD' });
    expect(readTypedMoney('€2m')).toMatchObject({ ok: true, amount: 2_000_000, currency: 'EUR' });
    expect(readTypedMoney('¥1.5m')).toMatchObject({ ok: true, amount: 1_500_000, currency: 'JPY' });
    expect(readTypedMoney('12kgbp')).toMatchObject({ ok: true, amount: 12_000, currency: 'GBP' });
    expect(readTypedMoney('EUR12k')).toMatchObject({ ok: true, amount: 12_000, currency: 'EUR' });
    // A symbol after the amount, as European exports write it.
    expect(readTypedMoney('2m€')).toMatchObject({ ok: true, amount: 2_000_000, currency: 'EUR' });
    expect(readTypedMoney('€ 2m')).toMatchObject({ ok: true, amount: 2_000_000, currency: 'EUR' });
    expect(readTypedMoney('12k', 'EUR')).toMatchObject({ ok: true, currency: 'EUR', usedNext: true });
    expect(readTypedMoney('12k')).toMatchObject({ ok: true, amount: 12_000, currency: null });
  });

  it('leaves a lower-case word after the amount alone and refuses two currencies', () => {
    // "top" is also the code of the Tongan paʻanga; a scope or period word must not become a currency.
    expect(readTypedMoney('12k', 'top')).toMatchObject({ ok: true, currency: null, usedNext: false });
    expect(readTypedMoney('€2m', 'USD')).toEqual({ ok: false, reason: 'two_currencies' });
    expect(readTypedMoney('$2mEUR')).toEqual({ ok: false, reason: 'two_currencies' });
    expect(readTypedMoney('2mm')).toEqual({ ok: false, reason: 'not_money' });
    expect(readTypedMoney('-5k')).toEqual({ ok: false, reason: 'not_money' });
    expect(readTypedMoney('12 XYZ')).toEqual({ ok: false, reason: 'not_money' });
  });

  it('scales to the currency’s own minor units and refuses finer amounts', () => {
    expect(typedMoneyToMinor(12.5, 'USD')).toBe(1250);
    expect(typedMoneyToMinor(1_500_000, 'JPY')).toBe(1_500_000);
    expect(typedMoneyToMinor(1.054, 'KWD')).toBe(1054);
    expect(typedMoneyToMinor(99.5, 'JPY')).toBeNull();
    expect(typedMoneyToMinor(0.125, 'EUR')).toBeNull();
  });
});

// A yen team and a team with no deals yet: money targets keep their currency and are never compared across.
describeDb('money targets in the figures’ currency', (ctx) => {
  const load = async (entity: Entity, text: string) => {
    const r = await importCsv(ctx.db(), { entity, input: Readable.from([text]), timezone: 'UTC', now: NOW });
    expect(r.errors).toEqual([]);
  };
  const ask = async (command: string) => {
    const out: string[] = [];
    await runConsole(consoleDeps(ctx.database(), NOW), {
      command,
      as: 'aiko@acme.jp',
      write: (t) => out.push(t),
    });
    return out.join('\n');
  };
  const stored = () =>
    queryRows<{ scope: string; value: number; currency: string }>(
      ctx.db(),
      sql`select tm.name as scope, t.value::float8 as value, t.currency from targets t
          join teams tm on tm.id = t.scope_id where t.metric = 'revenue' order by tm.name`,
    );

  it('asks for the currency of an amount when no one currency holds most of the figures', async () => {
    // Helper-174: one USD and one EUR win this year; "100k" was saved as €100,000, EUR winning the tie by its code.
    await load('teams', 'name,timezone\nAlpha,UTC\n');
    await load('reps', 'name,email,team,role\nAiko Sato,aiko@acme.jp,Alpha,admin\n');
    await load(
      'opportunities',
      [
        'external_id,stage,amount,currency,created_at,closed_at,owner_email',
        'D-1,Closed Won,10000,USD,2026-10-01,2026-10-15,aiko@acme.jp',
        'D-2,Closed Won,5000,EUR,2026-10-02,2026-11-02,aiko@acme.jp',
        '',
      ].join('\n'),
    );
    expect(await ask('/metrics target set revenue 100k team Alpha quarter')).toContain(
      'Which currency is "100k" in? Team Alpha\'s revenue won figures this year are in EUR and other currencies, no one of them holding most of the records.',
    );
    expect(await stored()).toEqual([]);
    expect(await ask('/metrics target set revenue $100k team Alpha quarter')).toContain(
      'Target set: Revenue won $100,000 per quarter for team Alpha.',
    );
    // A second dollar win: dollars hold most of the figures, so an amount without a currency is in dollars.
    await load(
      'opportunities',
      'external_id,stage,amount,currency,created_at,closed_at,owner_email\nD-3,Closed Won,2000,USD,2026-10-03,2026-11-05,aiko@acme.jp\n',
    );
    expect(await ask('/metrics target set revenue 120k team Alpha quarter')).toContain(
      'Target set: Revenue won $120,000 per quarter for team Alpha. It replaces $100,000.',
    );
  });

  it('takes the yen of a yen team, keeps a written currency, and never compares dollars with yen', async () => {
    await load('teams', 'name,timezone\nTokyo,Asia/Tokyo\nBerlin,Europe/Berlin\n');
    await load(
      'reps',
      'name,email,team,role\nAiko Sato,aiko@acme.jp,Tokyo,admin\nBen Kraus,ben@acme.eu,Berlin,rep\n',
    );
    await load(
      'opportunities',
      [
        'external_id,stage,amount,currency,created_at,closed_at,owner_email',
        'D-1,Closed Won,1200000,JPY,2026-10-01,2026-10-20,aiko@acme.jp',
        'D-2,Closed Won,300000,JPY,2026-10-02,2026-11-10,aiko@acme.jp',
        '',
      ].join('\n'),
    );

    // No currency written: the Tokyo team's revenue is in yen, so "2m" is ¥2,000,000 (not $2,000,000).
    expect(await ask('/metrics target set revenue 2m team Tokyo quarter')).toContain(
      'Target set: Revenue won ¥2,000,000 per quarter for team Tokyo.',
    );
    // A yen amount finer than a yen is refused; nothing is stored for Berlin without a currency or figures.
    expect(await ask('/metrics target set revenue ¥99.5 team Tokyo quarter')).toContain(
      'JPY has no amounts smaller than ¥1: "¥99.5".',
    );
    expect(await ask('/metrics target set revenue 5k team Berlin')).toContain(
      'Which currency is "5k" in? There are no figures to take it from yet.',
    );
    expect(await ask('/metrics target set revenue 5k EUR team Berlin')).toContain(
      'Target set: Revenue won €5,000 per month for team Berlin.',
    );
    expect(await ask('/metrics target set revenue €5k USD team Berlin')).toContain('names two currencies');
    // A decimal comma is refused (it is 2.5 million or 25 million depending on who wrote it), and so is a
    // target too large for the column.
    expect(await ask('/metrics target set revenue 2,5m team Tokyo')).toContain(
      '"2,5m": write decimals with a point (2.5m); a comma only separates thousands (12,400).',
    );
    expect(await ask('/metrics target set revenue 99999999999999 team Tokyo')).toContain(
      'That revenue won target is too large to be a target (at most 1,000,000,000,000 JPY).',
    );
    // Odd but readable spellings, and clear refusals for the rest.
    expect(await ask('/metrics target set revenue EUR 6k team Berlin')).toContain(
      'Target set: Revenue won €6,000 per month for team Berlin.',
    );
    expect(await ask('/metrics target set revenue 5k eur team Berlin')).toContain(
      'Is "eur" the currency? Write it in capitals (5k EUR) or attached (5kEUR).',
    );
    expect(await ask('/metrics target set revenue $-5 team Berlin')).toContain(
      'A target cannot be negative: "$-5".',
    );
    expect(await ask('/metrics target set revenue -$5 team Berlin')).toContain(
      'A target cannot be negative: "-$5".',
    );
    expect(await ask('/metrics target set winrate 150% team Berlin')).toContain(
      'A win rate target is between 0% and 100%: "150%" is not.',
    );
    expect(await ask('/metrics target set revenue 5k€ team Berlin')).toContain(
      'Target set: Revenue won €5,000 per month for team Berlin.',
    );
    expect(await stored()).toEqual([
      { scope: 'Berlin', value: 500_000, currency: 'EUR' },
      { scope: 'Tokyo', value: 2_000_000, currency: 'JPY' },
    ]);

    // ¥1,500,000 won of ¥2,000,000: 75 % attained.
    const yen = await ask('/metrics revenue team Tokyo this quarter');
    expect(yen).toContain('*¥1,500,000*');
    expect(yen).toContain('Target ¥2,000,000');
    expect(yen).toContain('75% attained');

    // Setting the value it already has says so; a particular period is not a target's period kind.
    expect(await ask('/metrics target set revenue ¥2m team Tokyo quarter')).toContain(
      'Target set: Revenue won ¥2,000,000 per quarter for team Tokyo. It was already that.',
    );
    expect(await ask('/metrics target set revenue ¥3m team Tokyo 2027-Q1')).toContain(
      'A target is per day, week, month or quarter, not for one particular period ("2027-Q1"): write "month" or "quarter".',
    );

    // A dollar target on yen figures: shown in dollars, not compared, and said so, when it is set too
    // (helper-173: nothing said so until every answer did).
    const dollars = await ask('/metrics target set revenue $1m team Tokyo quarter');
    expect(dollars).toContain(
      'Target set: Revenue won $1,000,000 per quarter for team Tokyo. It replaces ¥2,000,000.',
    );
    expect(dollars).toContain(
      "Note: team Tokyo's revenue won figures this year are in JPY, so answers will show this USD target without comparing to it (Tally does not convert currencies).",
    );
    expect(await ask('/metrics target set revenue 5k€ team Berlin')).not.toContain('Note:');
    const mixed = await ask('/metrics revenue team Tokyo this quarter');
    expect(mixed).toContain('Target $1,000,000');
    expect(mixed).not.toContain('attained');
    expect(mixed).toContain('no status');
    expect(mixed).toContain(
      'The revenue won target is in USD and these figures are in JPY, so they are not compared',
    );
    expect(await ask('/metrics target list')).toContain('*Revenue won* $1,000,000 per quarter · Team Tokyo');
    expect(await ask('/metrics coverage team Tokyo')).toContain(
      'the revenue target is in USD and the deals are in JPY',
    );

    // A wrong target can be removed, with the same rights as setting one.
    expect(await ask('/metrics target remove revenue team Tokyo')).toContain(
      'Removed: Revenue won $1,000,000 per quarter for team Tokyo.',
    );
    expect(await ask('/metrics target remove revenue team Tokyo')).toContain(
      'No revenue won target is set for team Tokyo.',
    );
    await ask('/metrics target set calls 50 team Berlin week');
    await ask('/metrics target set calls 200 team Berlin month');
    expect(await ask('/metrics target remove calls team Berlin')).toContain(
      'Team Berlin has 2 calls targets: Calls 200 per month; Calls 50 per week. Say which with day, week, month or quarter.',
    );
    expect(await ask('/metrics target remove calls team Berlin week')).toContain(
      'Removed: Calls 50 per week for team Berlin.',
    );
    expect(await ask('/metrics target list')).not.toContain('*Calls* 50');
  });

  it('shows a money target with the cents it was set with, and a whole one without', async () => {
    // Helper-236: $1,200.50 was stored but confirmed as "$1,201", and replacing it said "It replaces $1,201".
    await load('teams', 'name,timezone\nAlpha,UTC\n');
    await load('reps', 'name,email,team,role\nAiko Sato,aiko@acme.jp,Alpha,admin\n');
    expect(await ask('/metrics target set revenue $1,200.50 team Alpha quarter')).toContain(
      'Target set: Revenue won $1,200.50 per quarter for team Alpha.',
    );
    expect(await stored()).toEqual([{ scope: 'Alpha', value: 120_050, currency: 'USD' }]);
    expect(await ask('/metrics target set revenue $1,300 team Alpha month')).toContain(
      'Target set: Revenue won $1,300 per month for team Alpha. The other revenue won target for team Alpha stays: $1,200.50 per quarter.',
    );
    expect(await ask('/metrics target set revenue $1,250.75 team Alpha quarter')).toContain(
      'Target set: Revenue won $1,250.75 per quarter for team Alpha. It replaces $1,200.50.',
    );
    expect(await ask('/metrics target list')).toContain('*Revenue won* $1,250.75 per quarter · Team Alpha');
    expect(await ask('/metrics target remove revenue team Alpha quarter')).toContain(
      'Removed: Revenue won $1,250.75 per quarter for team Alpha.',
    );
  });
});
