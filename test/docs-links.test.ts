import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const PAGES = [
  'README.md',
  'docs/slack-setup.md',
  'docs/usage.md',
  'docs/metrics.md',
  'docs/digests.md',
  'docs/alerts.md',
  'docs/data-in.md',
  'docs/architecture.md',
];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] ?? '')));
}

/** Relative links `[text](target)` outside code blocks; external URLs are not fetched. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  it('keeps the README under 15 KB', () => {
    expect(readFileSync(join(ROOT, 'README.md')).byteLength).toBeLessThan(15 * 1024);
  });

  for (const page of PAGES) {
    it(`resolves every relative link in ${page}`, () => {
      const text = readFileSync(join(ROOT, page), 'utf8');
      const broken: string[] = [];
      for (const link of relativeLinks(text)) {
        const [file = '', anchor] = link.split('#');
        const target = file === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), file);
        if (!existsSync(target)) {
          broken.push(link);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchorsIn(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(link);
        }
      }
      expect(broken).toEqual([]);
    });
  }
});
