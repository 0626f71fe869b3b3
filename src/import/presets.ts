import type { Entity } from '../ingest/index.js';

/**
 * Default column names of the standard exports of common CRMs, per Tally entity, so such a file
 * imports with no --map. Header → canonical field; matched without regard to case. When an export
 * carries two columns for one field (a label and an API name), the first one in the file is read.
 * Sources: HubSpot "Export view" CSVs (property labels), Salesforce report exports and Data Loader
 * (API names), Pipedrive's "Export data" CSVs ("Deal - Title" style). See docs/data-in.md.
 */
export type PresetName = 'hubspot' | 'salesforce' | 'pipedrive';
export const PRESETS: readonly PresetName[] = ['hubspot', 'salesforce', 'pipedrive'];

type Table = Partial<Record<Entity, Record<string, string>>>;

const HUBSPOT: Table = {
  opportunities: {
    'Record ID': 'external_id',
    'Deal Stage': 'stage',
    Amount: 'amount',
    Currency: 'currency',
    'Create Date': 'created_at',
    'Close Date': 'close_date',
    'Deal owner': 'owner_name',
    'Associated Company': 'account',
    'Associated Company (Primary)': 'account',
    'Deal Name': 'product',
    'Closed Lost Reason': 'loss_reason',
  },
  leads: {
    'Record ID': 'external_id',
    Email: 'email',
    'Company Name': 'company',
    'Create Date': 'created_at',
    'Contact owner': 'owner_name',
    'Original Source': 'source',
    'Original Traffic Source': 'source',
    'Became a Sales Qualified Lead Date': 'qualified_at',
    'Became a Customer Date': 'converted_at',
  },
  accounts: {
    'Record ID': 'external_id',
    'Company name': 'name',
    'Became a Customer Date': 'became_customer_at',
  },
  activities: {
    'Record ID': 'external_id',
    'Activity date': 'occurred_at',
    'Activity assigned to': 'rep_name',
  },
};

const SALESFORCE: Table = {
  opportunities: {
    'Opportunity ID': 'external_id',
    Id: 'external_id',
    'Account Name': 'account',
    'Opportunity Owner': 'owner_name',
    Amount: 'amount',
    'Opportunity Currency': 'currency',
    CurrencyIsoCode: 'currency',
    'Created Date': 'created_at',
    CreatedDate: 'created_at',
    'Close Date': 'close_date',
    CloseDate: 'close_date',
    Stage: 'stage',
    StageName: 'stage',
    'Opportunity Name': 'product',
    'Loss Reason': 'loss_reason',
  },
  leads: {
    'Lead ID': 'external_id',
    Id: 'external_id',
    'Company / Account': 'company',
    Company: 'company',
    Email: 'email',
    'Lead Source': 'source',
    LeadSource: 'source',
    'Lead Owner': 'owner_name',
    'Create Date': 'created_at',
    CreatedDate: 'created_at',
    'Converted Date': 'converted_at',
    ConvertedDate: 'converted_at',
  },
  accounts: { 'Account ID': 'external_id', Id: 'external_id', 'Account Name': 'name', Name: 'name' },
  activities: {
    'Activity ID': 'external_id',
    Id: 'external_id',
    'Assigned To': 'rep_name',
    ActivityDate: 'occurred_at',
    Date: 'occurred_at',
    CallDurationInSeconds: 'duration_seconds',
  },
};

const PIPEDRIVE: Table = {
  opportunities: {
    'Deal - ID': 'external_id',
    'Deal - Title': 'product',
    'Deal - Value': 'amount',
    'Deal - Currency': 'currency',
    'Deal - Owner': 'owner_name',
    'Deal - Organization': 'account',
    'Deal - Stage': 'stage',
    'Deal - Status': 'outcome',
    'Deal - Deal created': 'created_at',
    'Deal - Deal closed on': 'closed_at',
    // Read only on a row of that status (helper-185: a lost deal took a stale Won time from an earlier win).
    'Deal - Won time': 'closed_at when outcome=won',
    'Deal - Lost time': 'closed_at when outcome=lost',
    'Deal - Lost reason': 'loss_reason',
    'Deal - Expected close date': 'expected_close_date',
  },
  leads: {
    'Person - ID': 'external_id',
    'Person - Email': 'email',
    'Person - Organization': 'company',
    'Person - Owner': 'owner_name',
    'Person - Person created': 'created_at',
  },
  accounts: {
    'Organization - ID': 'external_id',
    'Organization - Name': 'name',
  },
  activities: {
    'Activity - ID': 'external_id',
    'Activity - Type': 'kind',
    'Activity - Due date': 'occurred_at',
    'Activity - Assigned to user': 'rep_name',
    'Activity - Deal ID': 'opportunity_external_id',
  },
};

const TABLES: Record<PresetName, Table> = { hubspot: HUBSPOT, salesforce: SALESFORCE, pipedrive: PIPEDRIVE };

/** Header → canonical field for one CRM's export of one entity ({} when the CRM has none for it). */
export function presetColumns(preset: PresetName, entity: Entity): Record<string, string> {
  return TABLES[preset][entity] ?? {};
}
