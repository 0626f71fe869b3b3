import type { ImportCsvResult } from './import-csv.js';

const n = (v: number) => v.toLocaleString('en-US');

/** The one-line summary printed at the end of an import. */
export function formatSummary(entity: string, r: ImportCsvResult): string {
  if (r.rejected) {
    return `${entity}: rejected, ${n(r.invalidRows)} invalid of ${n(r.rows)} rows; nothing imported (fix them or pass --skip-invalid)`;
  }
  const skipped = r.invalidRows > 0 ? `, ${n(r.invalidRows)} invalid skipped` : '';
  return `${entity}: ${n(r.rows)} rows, ${n(r.inserted)} inserted, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged${skipped}`;
}

/** The listed row errors, one per line, with a note when the listing was capped. */
export function formatErrors(r: ImportCsvResult): string {
  if (r.errors.length === 0) return '';
  const lines = r.errors.map((e) => `line ${e.line}: ${e.field ? `${e.field} ` : ''}${e.message}`);
  const listedLines = new Set(r.errors.map((e) => e.line)).size;
  if (r.invalidRows > listedLines) lines.push(`… and ${n(r.invalidRows - listedLines)} more invalid rows`);
  return lines.join('\n');
}
