import { type Location, type MemberNode, parse, type ValueNode } from '@humanwhocodes/momoa';

/**
 * A JSON text whose objects name a key twice (`{"amount": 5, "amount": 7}`) is valid JSON, but RFC 8259
 * (§4) leaves its meaning to the reader: JSON.parse keeps the last value, other parsers the first or
 * refuse it. The ingest API refuses it, naming the key and where, rather than pick one.
 *
 * Most bodies have no duplicate, so the check is in two steps. First a count: the keys written in the text
 * (every string token followed by a colon) against the keys of what JSON.parse made of it; only a duplicate
 * makes the second smaller. It costs about as much as JSON.parse itself. Only when they differ does a JSON
 * parser that keeps every member (`@humanwhocodes/momoa`, the parser under ESLint's JSON rules, a few times
 * slower) find which key and where.
 */

/** One string token, and the colon after it when it is a key. Valid JSON only: no raw `"` outside strings. */
const STRING_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?/gs;

/**
 * The 400 message for the first key named twice in one object of `text` (already read by JSON.parse into
 * `parsed`), e.g. `items[0] names "amount" twice (line 1, columns 44 and 57): …`; null when none is.
 */
export function duplicateKeyProblem(text: string, parsed: unknown): string | null {
  if (keysWritten(text) === keysRead(parsed)) return null;
  const found = findDuplicate(text);
  if (!found) return null;
  if (found === 'unplaced') return `an object of the request names a field twice: ${REFUSAL}`;
  const where = found.path === '' ? 'the request' : found.path;
  const at =
    found.first.line === found.second.line
      ? `line ${found.first.line}, columns ${found.first.column} and ${found.second.column}`
      : `line ${found.first.line}, column ${found.first.column} and line ${found.second.line}, column ${found.second.column}`;
  return `${where} names ${clip(found.key)} twice (${at}): ${REFUSAL}`;
}

const REFUSAL =
  'JSON that gives a field twice can be read two ways, so nothing was written; send each field once';

function keysWritten(text: string): number {
  let n = 0;
  for (const m of text.matchAll(STRING_TOKEN)) if (m[1] !== undefined) n += 1;
  return n;
}

/** Own keys of every object in a JSON.parse result (a key `__proto__` included: JSON.parse makes it own). */
function keysRead(value: unknown): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const e of v) stack.push(e);
      continue;
    }
    const keys = Object.keys(v);
    n += keys.length;
    for (const k of keys) stack.push((v as Record<string, unknown>)[k]);
  }
  return n;
}

interface Duplicate {
  key: string;
  /** Where the object is, as the envelope's messages name places: `items[0]`, `batches[1].items[3]`. */
  path: string;
  first: Location;
  second: Location;
}

/**
 * A key named twice in one object, the outermost such object first (the request's own fields, then each
 * item in order); null when there is none;
 * 'unplaced' when this parser cannot read what JSON.parse read (nesting too deep for its recursion).
 */
function findDuplicate(text: string): Duplicate | 'unplaced' | null {
  let root: ValueNode;
  try {
    root = parse(text, { mode: 'json' }).body;
  } catch {
    return 'unplaced';
  }
  const stack: { node: ValueNode; path: string }[] = [{ node: root, path: '' }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node.type === 'Array') {
      for (let i = node.elements.length - 1; i >= 0; i -= 1)
        stack.push({ node: node.elements[i]!.value, path: `${path}[${i}]` });
    } else if (node.type === 'Object') {
      const seen = new Map<string, MemberNode>();
      for (const member of node.members) {
        const key = keyOf(member);
        const earlier = seen.get(key);
        if (earlier) return { key, path, first: earlier.name.loc.start, second: member.name.loc.start };
        seen.set(key, member);
      }
      for (let i = node.members.length - 1; i >= 0; i -= 1) {
        const member = node.members[i]!;
        stack.push({ node: member.value, path: `${path}${pathKey(keyOf(member), path === '')}` });
      }
    }
  }
  return null;
}

/** A member's key, unescaped (`"am\u006fount"` is `amount`); JSON mode has no bare identifiers. */
const keyOf = (member: MemberNode) => (member.name.type === 'String' ? member.name.value : member.name.name);

/** A key as the next step of a path: `.items` (`items` first), or quoted when no name (`["a b"]`). */
const pathKey = (key: string, first: boolean) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${first ? '' : '.'}${key}` : `[${clip(key)}]`;

/** A key as shown in a message: quoted, at most 40 characters. */
const clip = (key: string) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
