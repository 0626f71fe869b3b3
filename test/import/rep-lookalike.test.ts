import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { formatDetails } from '../../src/import/report.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { csvImporter, tempCsv } from '../helpers/temp-csv.js';

// Monday 23 November 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('rep-lookalike').lines;

// Tester (MED): a reps row with a stored rep's name (folded) and a new email silently made a second rep of
// that name; owner_name and /metrics by name then matched two people, and the person's history split.
describeDb('a reps row named like another rep under another email', (ctx) => {
  const importFile = csvImporter(() => ctx.db(), NOW);
  const post = ingestServer(ctx, NOW.toISOString());
  const people = async () =>
    (
      await queryRows<{ name: string; email: string | null }>(
        ctx.db(),
        sql`select name, email from reps order by id`,
      )
    ).map((r) => `${r.name} <${r.email}>`);

  it('stores the new rep but counts it, naming the stored rep and both emails', async () => {
    await importFile('reps', csv('name,email,team', 'Amara Okafor,amara@x.com,EMEA', 'Bo Li,bo@x.com,EMEA'));
    const r = await importFile(
      'reps',
      csv(
        'name,email,team',
        'Bo Li,bo@x.com,EMEA',
        'amara okáfor,amara.new@x.com,EMEA',
        'Cy Ng,cy@x.com,EMEA',
      ),
    );
    // Stored (an email is a rep's identity; two people may share a name), and said on its line.
    expect(r).toMatchObject({ inserted: 2, unchanged: 1, invalidRows: 0 });
    expect(await people()).toEqual([
      'Amara Okafor <amara@x.com>',
      'Bo Li <bo@x.com>',
      'amara okáfor <amara.new@x.com>',
      'Cy Ng <cy@x.com>',
    ]);
    const detail =
      "new rep \"amara okáfor\" <amara.new@x.com> has the name of stored rep Amara Okafor <amara@x.com>, ignoring case and accents: both are stored (an email is a rep's identity), and a reference to either by that name (a deal's owner_name, a rep's manager_name) is refused as ambiguous, and /metrics asks which one is meant; if they are one person, correct the email on this row to the stored email amara@x.com, then rename the new rep and set it inactive (a row with email amara.new@x.com, another name and active=no; nothing deletes a rep); if two people share the name, nothing to do: refer to each by email, or by @mention in Slack";
    expect(r.warnings).toEqual([{ kind: 'name like a stored rep', count: 1, lines: [3], detail }]);
    expect(formatDetails(r)).toContain(`warning: 1 new rep named like a stored rep (line 3): ${detail}`);
    // The same rows again: nothing new, nothing to say.
    const again = await importFile('reps', csv('name,email', 'amara okáfor,amara.new@x.com'));
    expect(again).toMatchObject({ unchanged: 1, warnings: [] });
    // A row without an email, or with the stored email, is the stored rep: no look-alike.
    const same = await importFile('reps', csv('name,email', 'Bo Li,bo@x.com', 'BO LI,'));
    expect(same.warnings).toEqual([]);
  });

  // Decided: two rows of one file (or items of one request) with one name and two emails are counted too,
  // on the later row, naming the earlier one: the same two reps with one name as against a stored rep.
  it('counts two rows of one file with one name and two emails once, on the later row', async () => {
    const r = await importFile(
      'reps',
      csv(
        'name,email,team',
        'Li Bo,li1@x.com,APAC',
        'Mo Ray,mo@x.com,APAC',
        'li bo,li2@x.com,APAC',
        'Li Bo,li1@x.com,APAC',
      ),
    );
    expect(r).toMatchObject({ inserted: 3, invalidRows: 0 });
    // Kinds in the order first seen: the writer finds the look-alike after the file's rows are read.
    expect(r.warnings).toEqual([
      expect.objectContaining({ kind: 'person on several rows', lines: [5] }),
      {
        kind: 'name like another rep',
        count: 1,
        lines: [4],
        detail:
          "rep \"li bo\" <li2@x.com> has the name of the rep of line 2, Li Bo <li1@x.com>, ignoring case and accents: both are stored as two reps (an email is a rep's identity), and a reference to either by that name (a deal's owner_name, a rep's manager_name) is refused as ambiguous, and /metrics asks which one is meant; if they are one person, give both rows the same email, then rename the rep of the wrong email and set it inactive (a row with that email, another name and active=no; nothing deletes a rep); if two people share the name, nothing to do: refer to each by email, or by @mention in Slack",
      },
    ]);
    expect(formatDetails(r)).toContain('warning: 1 rep named like another rep in the file (line 4): ');
    // A stored rep the file gives again after the new one is a stored look-alike of the new row: counted
    // once, on the new rep's line; the stored rep's own row is no new rep.
    const mixed = await importFile('reps', csv('name,email', 'Mo  RAY,mo2@x.com', 'Mo Ray,mo@x.com'));
    expect(mixed.warnings).toEqual([
      {
        kind: 'name like a stored rep',
        count: 1,
        lines: [2],
        detail: expect.stringMatching(
          /^new rep "Mo RAY" <mo2@x\.com> has the name of stored rep Mo Ray <mo@x\.com>, /,
        ),
      },
    ]);
    // A row found by its Slack id takes the new email (the person's new address): one rep, nothing to count.
    // A refused row (manager_name without a team) made no rep: nothing to count either.
    const bySlack = await importFile(
      'reps',
      csv(
        'name,email,slack_user_id,manager_name',
        'Zed Ko,zed@x.com,U1,',
        'zed ko,zed2@x.com,U1,',
        'ZED KO,zed3@x.com,,Pat',
      ),
      { skipInvalid: true },
    );
    expect(bySlack).toMatchObject({ inserted: 1, updated: 1, invalidRows: 1, warnings: [] });
  });

  it('warns by item through the API, naming the stored reps', async () => {
    await post({ entity: 'reps', items: [{ name: 'Amara Okafor', email: 'amara@x.com' }] });
    const r = await post({
      entity: 'reps',
      items: [
        { name: 'Bo Li', email: 'bo@x.com' },
        { name: 'AMARA OKAFOR', email: 'a.okafor@x.com' },
        { name: 'bo li', email: 'bo2@x.com' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, inserted: 3 });
    expect(r.body.warnings).toEqual([
      {
        index: 1,
        kind: 'name like a stored rep',
        message: expect.stringMatching(
          /^new rep "AMARA OKAFOR" <a\.okafor@x\.com> has the name of stored rep Amara Okafor <amara@x\.com>, .*; if they are one person, correct the email on this item to the stored email amara@x\.com, /,
        ),
      },
      {
        index: 2,
        kind: 'name like another rep',
        message: expect.stringMatching(
          /^rep "bo li" <bo2@x\.com> has the name of the rep of item 0, Bo Li <bo@x\.com>, /,
        ),
      },
    ]);
  });
});
