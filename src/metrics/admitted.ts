import { interactiveDeadline } from './interactive.js';
import type { MetricDeps, Scope } from './types.js';

/**
 * Runs metric-pool work that is not a whole metric (the loss reasons of a win-rate answer, an e-mail
 * template table, a scorecard's target lookup, coaching talking points) under `deps`' limiter exactly as
 * `getMetric` runs a computation: a slot, admission control and, for an interactive ask, its deadline
 * (then "busy", MetricsError('busy'), and the queries cancelled on the server). `scope` org-wide counts as
 * heavy. Without a limiter (`deps.answers` absent: tests, checks) it simply runs `work`. Must not be nested
 * inside other admitted work or a computation (each would hold a slot while waiting for another).
 */
export function runAdmitted<T>(deps: MetricDeps, scope: Scope, work: () => Promise<T>): Promise<T> {
  const { answers } = deps;
  if (!answers) return work();
  const deadline = deps.deadline ?? interactiveDeadline();
  return answers.admit(work, {
    shed: deps.shed ?? deadline !== undefined,
    ...(deadline !== undefined ? { deadline } : {}),
    heavy: scope.kind === 'org',
  });
}
