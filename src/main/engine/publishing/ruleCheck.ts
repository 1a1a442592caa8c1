// A post's text, title, thread and media against its platform's rules: the
// problems for people, and the contract issues (field by field) for refusals.
import type { ContractIssue } from '../../../shared/contract';
import { validate, type Platform, type Problem } from '../../../shared/platforms';

export interface CheckedPost {
  platform: Platform;
  title: string;
  text: string;
  thread: string[];
  media?: { kind: 'image' | 'video' | 'gif' }[];
}

export function postProblems(post: CheckedPost): Problem[] {
  return validate(post.platform, {
    ...(post.title ? { title: post.title } : {}),
    text: post.text,
    media: (post.media ?? []).map((m) => ({ kind: m.kind })),
    ...(post.thread.length ? { thread: post.thread } : {}),
  }).problems;
}

/** Error-level problems as contract issues; `thread.2` becomes the path ['thread', 2], under `prefix`. */
export function ruleIssues(problems: readonly Problem[], prefix: (string | number)[] = []): ContractIssue[] {
  return problems
    .filter((p) => p.severity === 'error')
    .map((p) => ({ path: [...prefix, ...(p.field ?? 'text').split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))], message: p.message }));
}
