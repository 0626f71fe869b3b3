import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { runConsole } from '../../src/app/console.js';
import type { Deps } from '../../src/deps.js';
import { importCsv } from '../../src/import/import-csv.js';
import { presetColumns } from '../../src/import/presets.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { consoleDeps } from '../helpers/deps.js';

// Monday 30 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-30T09:00:00Z');

// A European team selling in EUR and a Japanese deal in JPY: a split must use the headline's currency.
describeDb('a money split in a mixed-currency team', (ctx) => {
  const load = async (entity: Entity, text: string) => {
    const r = await importCsv(ctx.db(), {
      entity,
      input: Readable.from([`\ufeff${text.replaceAll('\n', '\r\n')}`]),
      timezone: 'UTC',
      now: NOW,
      ...(entity === 'opportunities' ? { preset: presetColumns('hubspot', entity) } : {}),
    });
    expect(r.errors).toEqual([]);
  };
  const ask = async (command: string) => {
    const deps: Deps = consoleDeps(ctx.database(), NOW);
    const out: string[] = [];
    await runConsole(deps, { command, as: 'ana@acme.eu', write: (t) => out.push(t) });
    return out.join('\n');
  };

  it('shows each rep and team in the headline currency, never yen as euros', async () => {
    await load('teams', 'name;timezone\nSales & Success;Europe/Berlin\nNordics;Europe/Stockholm\n');
    await load(
      'reps',
      'name;email;team;role\n*Ana_Lopez*;ana@acme.eu;Sales & Success;admin\nBen Müller;ben@acme.eu;Sales & Success;rep\nChloé Dubois;chloe@acme.eu;Nordics;rep\n',
    );
    await load(
      'opportunities',
      [
        'Record ID;Deal Stage;Amount;Currency;Create Date;Close Date;Deal owner',
        'D-1;closedwon;4.300,50;EUR;2026-10-05;2026-10-21;*Ana_Lopez*',
        'D-3;closedwon;1.200.000;JPY;2026-10-07;2026-10-28;*Ana_Lopez*',
        'D-4;closedwon;999,99;EUR;2026-10-10;2026-11-01;Ben Müller',
        'D-8;closedwon;350.000;JPY;2026-10-09;2026-10-30;Chloé Dubois',
        '',
      ].join('\n'),
    );
    // Team: EUR leads (2 deals, €5,300.49 in all; the ¥1,200,000 deal is left out): Ana €4,300.50 (shown €4,301), Ben €999.99, shown €1,000: one precision per column (formatMoneyColumn).
    const team = await ask('/metrics revenue team this quarter by rep');
    expect(team).toContain('*€5,300*  revenue won');
    expect(team).toMatch(/1\. \*Ana_Lopez\* — €4,301/);
    expect(team).toMatch(/2\. Ben Müller — €1,000 /);
    expect(team).not.toContain('€12,000');
    // Org: 2 EUR and 2 JPY deals, a tie in records with no other month to break it: amounts in different
    // currencies are not compared (¥1,550,000 is not "more" than €5,300), so the first code leads: EUR.
    const org = await ask('/metrics revenue org this quarter by team');
    expect(org).toContain('*€5,300*  revenue won');
    expect(org).toMatch(/1\. Sales & Success — €5,300/);
    expect(org).toMatch(/Nordics — no data in EUR/);
    expect(org).not.toContain('¥');
  });
});
