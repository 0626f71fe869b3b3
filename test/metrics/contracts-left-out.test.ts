import { expect, it } from 'vitest';
import { getMetric } from '../../src/metrics/index.js';
import { describeDb } from '../helpers/db.js';
import { ingestServer } from '../helpers/ingest-server.js';

const org = { kind: 'org' as const };
const NOW = '2026-06-15T12:00:00Z';

// Tester (HIGH): a contracts-only import (no became_customer_at on the accounts) answered ARR "$0 · Active
// contracts: 0" and ARPU "no per-license contracts in force" with no word on why. The definition stays
// (contracts count once their account is a customer); the gap is now said, at write time and in the answer.
describeDb('contracts on accounts with no became_customer_at', (ctx) => {
  const post = ingestServer(ctx, NOW);
  const contracts = [
    {
      external_id: 'C1',
      account: 'ACME',
      starts_at: '2026-01-01',
      ends_at: '2027-01-01',
      total_value: '12000',
      contract_years: 1,
    },
    {
      external_id: 'C5',
      account: 'ACME',
      starts_at: '2026-01-01',
      ends_at: '2027-01-01',
      licenses: 10,
      revenue_per_license: '100',
    },
    {
      external_id: 'C6',
      account: 'ACME',
      starts_at: '2026-01-01',
      ends_at: '2026-07-01',
      total_value: '1000',
      contract_years: 0.5,
    },
  ];

  it('warns in the ingest response, notes the ARR and ARPU answers, and says nothing once they count', async () => {
    const written = await post({
      batches: [
        { entity: 'accounts', items: [{ external_id: 'ACME', name: 'Acme' }] },
        { entity: 'contracts', items: contracts },
      ],
    });
    expect(written.status).toBe(200);
    expect(written.body.summary_warnings).toEqual([
      {
        kind: 'contracts left out',
        count: 3,
        message:
          "3 contracts are on accounts with no became_customer_at: ARR and ARPU count an account's contracts only once it is a customer; import the accounts with became_customer_at to count them",
      },
    ]);

    const deps = { db: ctx.db(), defaultTimezone: 'UTC', now: new Date(NOW) };
    for (const useRollups of [true, false]) {
      const arr = await getMetric(
        { ...deps, useRollups },
        { metric: 'arr', scope: org, period: 'this month' },
      );
      expect(arr.value).toEqual({ kind: 'value', value: 0 });
      expect(arr.notes).toContain(
        '3 contracts in force are on accounts with no customer-since date (became_customer_at) and are left out.',
      );
      const arpu = await getMetric(
        { ...deps, useRollups },
        { metric: 'arpu', scope: org, period: 'this month' },
      );
      expect(arpu.value).toMatchObject({ kind: 'no_data' });
      expect(arpu.notes).toContain(
        '1 per-license contract in force is on an account with no customer-since date (became_customer_at) and is left out.',
      );
    }

    // The account becomes a customer: every contract counts, and neither the response nor the answers warn.
    const accounts = await post({
      entity: 'accounts',
      items: [{ external_id: 'ACME', name: 'Acme', became_customer_at: '2026-01-01' }],
    });
    expect(accounts.status).toBe(200);
    const again = await post({ entity: 'contracts', items: contracts });
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('summary_warnings');
    for (const useRollups of [true, false]) {
      const arr = await getMetric(
        { ...deps, useRollups },
        { metric: 'arr', scope: org, period: 'this month' },
      );
      // 12,000 + 10 × 100 + 1,000 ÷ 0.5 years, in cents.
      expect(arr.value).toEqual({ kind: 'value', value: 1_500_000 });
      expect(arr.notes.join(' ')).not.toContain('became_customer_at');
      const arpu = await getMetric(
        { ...deps, useRollups },
        { metric: 'arpu', scope: org, period: 'this month' },
      );
      expect(arpu.value).toEqual({ kind: 'value', value: 10_000 });
      expect(arpu.notes.join(' ')).not.toContain('became_customer_at');
    }
  });
});
