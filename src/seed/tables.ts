import type { TableSpec } from './bulk.js';

/**
 * Bulk-load layouts for the seeded tables. Ids are assigned by the generator (so rows can reference each
 * other before they are written); external ids are derived from them in SQL to keep the payload small.
 */
export const LEADS: TableSpec = {
  table: 'leads',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'external_id', type: 'int', expr: `'seed-lead-' || t.external_id` },
    { name: 'name', type: 'text' },
    { name: 'company', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'source', type: 'text' },
    { name: 'owner_rep_id', type: 'int' },
    { name: 'created_at', type: 'ms' },
    { name: 'first_touch_at', type: 'ms' },
    { name: 'qualified_at', type: 'ms' },
    { name: 'converted_at', type: 'ms' },
    { name: 'disqualified_at', type: 'ms' },
  ],
};

export const ACCOUNTS: TableSpec = {
  table: 'accounts',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'external_id', type: 'int', expr: `'seed-account-' || t.external_id` },
    { name: 'name', type: 'text' },
    { name: 'became_customer_at', type: 'ms' },
    { name: 'churned_at', type: 'ms' },
  ],
};

export const OPPORTUNITIES: TableSpec = {
  table: 'opportunities',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'external_id', type: 'int', expr: `'seed-opp-' || t.external_id` },
    { name: 'lead_id', type: 'int' },
    { name: 'account_id', type: 'int' },
    { name: 'owner_rep_id', type: 'int' },
    { name: 'product', type: 'text' },
    { name: 'amount_minor', type: 'bigint' },
    { name: 'currency', type: 'text' },
    { name: 'created_at', type: 'ms' },
    { name: 'stage', type: 'text' },
    { name: 'closed_at', type: 'ms' },
    { name: 'outcome', type: 'text' },
    { name: 'loss_reason', type: 'text' },
    // A local calendar date ('2026-12-14'), travelling as text.
    { name: 'expected_close_date', type: 'text', expr: 't.expected_close_date::date' },
  ],
};

export const ACTIVITIES: TableSpec = {
  table: 'activities',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'external_id', type: 'bigint', expr: `'seed-act-' || t.external_id` },
    { name: 'rep_id', type: 'int' },
    { name: 'lead_id', type: 'int' },
    { name: 'opportunity_id', type: 'int' },
    { name: 'kind', type: 'text' },
    { name: 'direction', type: 'text' },
    { name: 'occurred_at', type: 'ms' },
    { name: 'duration_seconds', type: 'int' },
    { name: 'connected', type: 'bool' },
    { name: 'email_opened_at', type: 'ms' },
    { name: 'email_replied_at', type: 'ms' },
    { name: 'meeting_booked_at', type: 'ms' },
    { name: 'meeting_held_at', type: 'ms' },
    { name: 'email_template', type: 'text' },
  ],
};

export const CONTRACTS: TableSpec = {
  table: 'contracts',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'external_id', type: 'int', expr: `'seed-contract-' || t.external_id` },
    { name: 'account_id', type: 'int' },
    { name: 'starts_at', type: 'ms' },
    { name: 'ends_at', type: 'ms' },
    { name: 'total_value_minor', type: 'bigint' },
    { name: 'currency', type: 'text' },
    { name: 'contract_years', type: 'int' },
    { name: 'licenses', type: 'int' },
    { name: 'revenue_per_license_minor', type: 'bigint' },
  ],
};
