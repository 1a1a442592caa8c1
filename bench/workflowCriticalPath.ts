// The critical path of a workflow run as it actually executed, rebuilt from
// its step-attempt paths. Paths nest as the executor writes them: a sequence
// joins with "/", a parallel branch is `step[key]`, a loop iteration `step#n`,
// a router route `step>key`, a condition case `step/key`. Under a parallel
// step the branches run side by side (the longest one counts); everything
// else runs in order (the costs add up). A step's own cost is what its model
// calls cost: their number, or their measured latency.

export interface PathAttempt {
  path: string;
  kind: string;
}

export interface PathCall {
  /** model_calls.workflow_step: the path of the step that made the call. */
  step: string;
  latencyMs: number;
}

export interface CriticalPath {
  /** Model calls along the longest chain of sequential calls. */
  calls: number;
  /** Their measured latency, in ms. */
  latencyMs: number;
  /** The leaf steps on that chain with their model calls, in order. */
  steps: { path: string; calls: number }[];
}

interface Node {
  path: string;
  kind: string;
  children: Node[];
}

const SEPARATORS = new Set(['/', '[', '#', '>']);

/** The attempts as a tree: each path's parent is the longest other path it extends at a separator. */
function tree(attempts: readonly PathAttempt[]): Node {
  const root: Node = { path: '', kind: 'sequence', children: [] };
  const byPath = new Map<string, Node>();
  for (const a of attempts) if (!byPath.has(a.path)) byPath.set(a.path, { path: a.path, kind: a.kind, children: [] });
  // In start order (attempt ids), so each parent's children are listed in the order they ran.
  for (const node of byPath.values()) {
    let parent = root;
    for (let i = node.path.length - 1; i > 0; i -= 1) {
      if (!SEPARATORS.has(node.path[i]!)) continue;
      const candidate = byPath.get(node.path.slice(0, i));
      if (candidate) {
        parent = candidate;
        break;
      }
    }
    parent.children.push(node);
  }
  return root;
}

/** Which branch of parallel step `parent` a child path belongs to. */
function branchKey(parent: string, child: string): string {
  const rest = child.slice(parent.length);
  return rest.startsWith('[') ? rest.slice(1, rest.indexOf(']')) : rest;
}

/**
 * The longest chain of model calls through the run, by `weight` (a call's
 * cost: 1 to count calls, its latency to time them).
 */
export function criticalPath(attempts: readonly PathAttempt[], calls: readonly PathCall[], by: 'calls' | 'latency' = 'calls'): CriticalPath {
  const own = new Map<string, { calls: number; latencyMs: number }>();
  for (const c of calls) {
    const o = own.get(c.step) ?? { calls: 0, latencyMs: 0 };
    o.calls += 1;
    o.latencyMs += c.latencyMs;
    own.set(c.step, o);
  }
  const weight = (o: { calls: number; latencyMs: number }) => (by === 'calls' ? o.calls : o.latencyMs);
  const zero = (): CriticalPath => ({ calls: 0, latencyMs: 0, steps: [] });
  const add = (a: CriticalPath, b: CriticalPath): CriticalPath => ({ calls: a.calls + b.calls, latencyMs: a.latencyMs + b.latencyMs, steps: [...a.steps, ...b.steps] });

  const walk = (node: Node): CriticalPath => {
    const mine = own.get(node.path);
    let path: CriticalPath = mine ? { calls: mine.calls, latencyMs: mine.latencyMs, steps: [{ path: node.path, calls: mine.calls }] } : zero();
    if (node.kind === 'parallel') {
      const branches = new Map<string, CriticalPath>();
      for (const child of node.children) {
        const key = branchKey(node.path, child.path);
        branches.set(key, add(branches.get(key) ?? zero(), walk(child)));
      }
      let longest = zero();
      for (const branch of branches.values()) if (weight(branch) > weight(longest)) longest = branch;
      path = add(path, longest);
    } else {
      for (const child of node.children) path = add(path, walk(child));
    }
    return path;
  };
  return walk(tree(attempts));
}
