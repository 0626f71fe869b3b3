/**
 * The one rule for "the same name": lower case, accents stripped (Unicode NFD without combining marks,
 * \p{M}), white space collapsed and trimmed: "  Ana  LÓPEZ " → "ana lopez". Used by the commands
 * (`/metrics calls Ana López`, src/access/people.ts) and by every reference by name in written data
 * (owners, teams, accounts, managers; src/ingest/names.ts), so both sides agree on who is who.
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
