/** Reads `npm run console -- "<command>" [--as <email>]`: the words are the command, `--as` picks the identity. */
export function parseConsoleArgs(argv: string[]): { command?: string; as?: string } | { error: string } {
  const out: { command?: string; as?: string } = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--as') {
      const email = argv[++i];
      if (!email) return { error: '--as needs an email, e.g. --as ana.lopez@example.com' };
      out.as = email;
    } else if (arg.startsWith('--as=')) out.as = arg.slice(5);
    else words.push(arg);
  }
  if (words.length > 0) out.command = words.join(' ');
  return out;
}
