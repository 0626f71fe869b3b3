#!/usr/bin/env node
// `npm run check:cycles`: no import cycle between files, and none between modules (a top-level folder
// such as `commands/` or `src/digest/`, or a single file directly under `src/`). Type-only imports count:
// a cycle through a type is still a knot for the reader. Exits 1 and names the cycles when there are any.
import madge from 'madge';

const ROOTS = ['src', 'commands', 'bench'];

/** `src/digest/run.ts` → `src/digest`; `src/deps.ts` → `src/deps`; `commands/help.ts` → `commands`. */
function moduleOf(file) {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0];
  return parts.length === 2 ? `src/${parts[1].replace(/\.ts$/, '')}` : `src/${parts[1]}`;
}

/** Strongly connected components with more than one module (Tarjan). */
function moduleCycles(graph) {
  const edges = new Map();
  for (const [file, deps] of Object.entries(graph)) {
    const from = moduleOf(file);
    if (!edges.has(from)) edges.set(from, new Set());
    for (const dep of deps) {
      const to = moduleOf(dep);
      if (to !== from) edges.get(from).add(to);
      if (!edges.has(to)) edges.set(to, new Set());
    }
  }
  let index = 0;
  const stack = [];
  const info = new Map();
  const components = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of edges.get(v)) {
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!info.has(v)) visit(v);
  return components.map((component) => {
    const links = [];
    for (const from of component)
      for (const to of edges.get(from)) if (component.includes(to)) links.push(`${from} → ${to}`);
    return links;
  });
}

const result = await madge(ROOTS, {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const fileCycles = result.circular();
const modules = moduleCycles(result.obj());
for (const cycle of fileCycles) console.error(`file cycle: ${cycle.join(' → ')} → ${cycle[0]}`);
for (const links of modules) console.error(`module cycle: ${links.join(', ')}`);
const files = Object.keys(result.obj()).length;
if (fileCycles.length > 0 || modules.length > 0) {
  console.error(`${fileCycles.length} file cycle(s), ${modules.length} module cycle(s) in ${files} files`);
  process.exit(1);
}
console.log(`No import cycle between ${files} files or between their modules.`);
