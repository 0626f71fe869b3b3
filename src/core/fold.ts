/** Typographic apostrophes (’ ‘ ‛ ʼ, which phone keyboards type by default) read as the ASCII one. */
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC]/g;

/**
 * The one rule for "the same name": lower case, accents stripped (Unicode NFD without combining marks,
 * \p{M}), format characters dropped (Unicode Cf: zero-width spaces and joiners, BOM, bidi controls,
 * which change nothing a reader sees), typographic apostrophes read as `'`, white space collapsed and
 * trimmed: "  Ana  LÓPEZ " → "ana lopez", "Acme\u200B" → "acme", "O’Neill" → "o'neill". Used by the commands (`/metrics calls Ana López`, src/access/people.ts) and
 * by every reference by name in written data (owners, teams, accounts, managers; src/ingest/names.ts),
 * so both sides agree on who is who.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .replace(APOSTROPHES, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const FORMAT_CHAR = /\p{Cf}/u;
const FORMAT_CHARS = /\p{Cf}/gu;
const JOINERS = new Set(['\u200C', '\u200D']);
const shaping = (c: string | undefined) => c !== undefined && c > '\u007F' && !/[\s\p{Cf}]/u.test(c);

/**
 * `name` without its format characters (Unicode Cf: U+200B zero-width space, U+FEFF BOM, U+202E and
 * the other bidi controls, U+2060 word joiner, U+00AD soft hyphen), which let a name read like
 * another one or display reversed. A zero-width (non-)joiner between two non-ASCII characters stays:
 * there it shapes what is seen (emoji sequences such as 👩‍💻, Persian and Indic spellings). Returns
 * `name` itself when it has none.
 */
export function withoutFormatChars(name: string): string {
  if (!FORMAT_CHAR.test(name)) return name;
  return name.replace(FORMAT_CHARS, (c, at: number) =>
    JOINERS.has(c) && shaping(name[at - 1]) && shaping(name[at + 1]) ? c : '',
  );
}
