import { describe, expect, it } from 'vitest';
import { importCli } from '../helpers/import-cli.js';

const { run: runCli, file } = importCli('left-out');

// Tester (HIGH): contracts imported with only their required fields, on accounts with no became_customer_at,
// gave ARR $0 with no word; the import now says how many contracts ARR and ARPU leave out, until they count.
describe('import warning for contracts on accounts with no became_customer_at', () => {
  it('counts them after a contracts import, and says nothing once the accounts are customers', async () => {
    const contracts = file(
      'contracts.csv',
      'external_id,account,starts_at,ends_at,total_value,licenses,revenue_per_license,contract_years\n' +
        'C1,Acme,2026-01-01,2027-01-01,12000,,,\n' +
        'C5,Acme,2026-01-01,2027-01-01,,10,100,\n' +
        'C6,Acme,2026-01-01,2027-01-01,1000,,,0.5\n',
    );
    const r = await runCli(['contracts', contracts]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "warning: 3 contracts are on accounts with no became_customer_at: ARR and ARPU count an account's contracts only once it is a customer; import the accounts with became_customer_at to count them",
    );
    const accounts = await runCli([
      'accounts',
      file('accounts.csv', 'name,became_customer_at\nAcme,2026-01-01\n'),
    ]);
    expect(accounts.code).toBe(0);
    expect(accounts.stderr).not.toContain('became_customer_at');
    const again = await runCli(['contracts', contracts]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('became_customer_at');
  }, 120_000);
});
