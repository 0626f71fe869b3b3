import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { queryRows, sql } from '../../src/db/client.js';
import { importCsv } from '../../src/import/import-csv.js';
import { formatErrors } from '../../src/import/report.js';
import type { Entity } from '../../src/ingest/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';
import { tempCsv } from '../helpers/temp-csv.js';

/** Over-long text fields (a fresh tester sent a 3 MB lead name) are refused per item, naming field and limit. */

// Monday 23 Nov 2026, 09:00 UTC.
const NOW = new Date('2026-11-23T09:00:00Z');
const csv = tempCsv('text-limits').file;

describeDb('text length limits: CSV import and ingest API', (ctx) => {
  const post = ingestServer(ctx, NOW.toISOString());
  const run = (entity: Entity, text: string) =>
    importCsv(ctx.db(), { entity, input: createReadStream(csv(text)), timezone: 'UTC', now: NOW });
  const count = async () =>
    (await queryRows<{ n: number }>(ctx.db(), sql`select count(*)::int as n from leads`))[0]!.n;

  it('refuses a 40,000-character lead name over the API with a 400 naming the field and the limit', async () => {
    const api = await post({
      entity: 'leads',
      items: [
        { external_id: 'L-1', created_at: '2026-11-20', name: 'x'.repeat(40_000) },
        { external_id: 'L-2', created_at: '2026-11-20', email: `${'a'.repeat(250)}@example.com` },
        { external_id: 'L-3'.repeat(100), created_at: '2026-11-20' },
      ],
    });
    expect(api).toEqual({
      status: 400,
      body: {
        ok: false,
        error: 'invalid items; nothing was written',
        errors: [
          { index: 0, field: 'name', message: 'is 40,000 characters long; at most 200 are allowed' },
          { index: 1, field: 'email', message: 'is 262 characters long; at most 254 are allowed' },
          { index: 2, field: 'external_id', message: 'is 300 characters long; at most 200 are allowed' },
        ],
      },
    });
    expect(await count()).toBe(0);
  });

  it('refuses over-long text in a CSV file on its line and keeps names at the limit (emoji count once)', async () => {
    const overLimit = `${'é'.repeat(198)}👩‍💻`; // 198 + 3 code points (👩 ZWJ 💻) = 201: over
    const fine = `${'é'.repeat(199)}👍`; // 200 code points, 201 UTF-16 units: fine
    const r = await run(
      'leads',
      [
        'external_id,created_at,name,company,crm_url',
        `L-1,2026-11-20,${fine},${'c'.repeat(200)},https://crm.example.com/${'p'.repeat(1900)}`,
        `L-2,2026-11-20,${overLimit},Acme,`,
        `L-3,2026-11-20,Ana,${'c'.repeat(201)},https://crm.example.com/${'p'.repeat(2000)}`,
      ].join('\n'),
    );
    expect(r.rejected).toBe(true);
    expect(formatErrors(r)).toBe(
      [
        'line 3: name is 201 characters long; at most 200 are allowed',
        'line 4: company is 201 characters long; at most 200 are allowed',
        'line 4: crm_url is 2,024 characters long; at most 2,000 are allowed',
      ].join('\n'),
    );
    const ok = await run('leads', ['external_id,created_at,name', `L-1,2026-11-20,${fine}`].join('\n'));
    expect(ok.rejected).toBe(false);
    const [lead] = await queryRows<{ name: string }>(ctx.db(), sql`select name from leads`);
    expect(lead?.name).toBe(fine);
  });

  // Fresh tester (LOW): `javascript:alert(1)` and links with a space or `<>|` were stored as given, and the
  // nudge then showed no link for them, without a word to the admin.
  it('refuses a crm_url that is not a web link and stores the others so they can be linked', async () => {
    const r = await run(
      'leads',
      [
        'external_id,created_at,crm_url',
        'L-1,2026-11-20,javascript:alert(1)',
        'L-2,2026-11-20,crm.example.com/leads/2',
        'L-3,2026-11-20,https://crm.example.com/x?a=1&b=<2>|z',
        'L-4,2026-11-20,https://crm.example.com/leads/4?q=a b',
      ].join('\n'),
    );
    expect(formatErrors(r)).toBe(
      [
        'line 2: crm_url "javascript:alert(1)" is not a web link: it must start with https:// or http://',
        'line 3: crm_url "crm.example.com/leads/2" is not a link: write the whole address, starting with https://',
      ].join('\n'),
    );
    const ok = await run(
      'leads',
      [
        'external_id,created_at,crm_url',
        'L-3,2026-11-20,https://crm.example.com/x?a=1&b=<2>|z',
        'L-4,2026-11-20,https://crm.example.com/leads/4?q=a b',
      ].join('\n'),
    );
    expect(ok.rejected).toBe(false);
    const stored = await queryRows<{ crm_url: string }>(
      ctx.db(),
      sql`select crm_url from leads order by external_id`,
    );
    expect(stored.map((l) => l.crm_url)).toEqual([
      'https://crm.example.com/x?a=1&b=%3C2%3E%7Cz',
      'https://crm.example.com/leads/4?q=a%20b',
    ]);
  });
});
