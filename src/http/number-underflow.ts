import { parse, type ValueNode } from '@humanwhocodes/momoa';

/**
 * JSON.parse reads a number too close to zero for a double (`1e-400`, or `0.` with 330 zeros and then a
 * 1) as 0, and after that nothing can tell it from a 0 that was sent: an amount of 1e-400 was stored as
 * $0. The ingest API refuses such a number instead, naming where it is, and asks for it as a string (the
 * field's own reading then takes or refuses the text by its rules). A number too large for a double
 * (`1e400`, read as ±Infinity) or past the exact range is refused later by the field's own checks, which
 * name its bound; only a non-zero number read as 0 looks like a valid value there.
 *
 * Only a number with a negative exponent (`1e-400`) or 300 zeros after its point can read as 0, so a body
 * with neither (one regular expression, cheaper than JSON.parse) passes at once. Otherwise a JSON parser
 * that keeps each number's text (`@humanwhocodes/momoa`, as for duplicate keys) finds every number written
 * with a non-zero digit that reads as 0, and where it is.
 */

/** A number written with a non-zero digit that reads as 0: where (`['items', 0, 'amount']`) and as written. */
export interface UnderflowedNumber {
  path: (string | number)[];
  written: string;
}

/** What may read as 0 though not all zeros: a digit, an exponent sign `-` and a digit, or 300 zeros after a point. */
const MAYBE_UNDERFLOW = /\d[eE]-\d|\.0{300}/;

/**
 * The numbers of `text` (valid JSON: JSON.parse has read it) written with a non-zero digit that read as 0,
 * in the order written; [] when none. Also [] when this parser cannot read the text (nesting too deep for
 * its recursion): no ingest field takes nested values, so such a body is refused as the wrong shape anyway.
 */
export function underflowedNumbers(text: string): UnderflowedNumber[] {
  if (!MAYBE_UNDERFLOW.test(text)) return [];
  let root: ValueNode;
  try {
    root = parse(text, { mode: 'json' }).body;
  } catch {
    return [];
  }
  const found: UnderflowedNumber[] = [];
  const stack: { node: ValueNode; path: (string | number)[] }[] = [{ node: root, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (node.type === 'Number') {
      const written = text.slice(node.loc.start.offset, node.loc.end.offset);
      // The same reading as JSON.parse's; the digits before the exponent say whether it was meant as 0.
      if (Number(written) === 0 && /[1-9]/.test(written.split(/[eE]/)[0]!)) found.push({ path, written });
    } else if (node.type === 'Array') {
      for (let i = node.elements.length - 1; i >= 0; i -= 1)
        stack.push({ node: node.elements[i]!.value, path: [...path, i] });
    } else if (node.type === 'Object') {
      for (let i = node.members.length - 1; i >= 0; i -= 1) {
        const member = node.members[i]!;
        const key = member.name.type === 'String' ? member.name.value : member.name.name;
        stack.push({ node: member.value, path: [...path, key] });
      }
    }
  }
  return found;
}

/** What to do instead, the end of every refusal of an underflowed number. */
export const SEND_AS_STRING = 'send the number as a string (in quotes)';

/** A number as a message shows it: at most 40 characters (`0.000…` can run to hundreds). */
export function shownNumber(written: string): string {
  return written.length > 40 ? `${written.slice(0, 40)}…` : written;
}

/** A path as the envelope's messages name places: `items[0].amount`, `batches[1].items[3].amount`. */
export function pathText(path: (string | number)[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) out += out === '' ? step : `.${step}`;
    else out += `[${JSON.stringify(step.length > 40 ? `${step.slice(0, 40)}…` : step)}]`;
  }
  return out === '' ? 'the request' : out;
}
