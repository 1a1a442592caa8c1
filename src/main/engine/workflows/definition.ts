// What a workflow is made of. A definition is data plus small pure functions
// of the run's scope (the input, the brand and the outputs of earlier steps);
// the executor walks it, and walks it again after a crash, getting the same
// answers from the journal for everything that already happened.
import type { z } from 'zod';
import type { Brand } from '../../../shared/contract';
import type { ApprovalDraft, WorkflowId } from '../../../shared/contract/schemas/workflows';
import type { Problem } from '../../../shared/platforms';
import type { Queryable } from '../db/Database';
import type { WorkflowServices } from './definitions/services';

export type OnError = 'fail' | 'skip' | 'pause';

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Wait before the first retry; doubled for each further one. */
  backoffMs: number;
}

/** What a step can read: the run's input, its brand and what earlier steps produced. */
export interface Scope {
  readonly input: Record<string, unknown>;
  readonly brand: Brand;
  readonly runId: string;
  /** The output of an earlier step, looked up through the enclosing sequences; undefined if it was skipped. */
  get<T = unknown>(stepId: string): T | undefined;
  /** In a parallel branch: the branch's own values (e.g. `platform`). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** In a loop: the 0-based iteration. */
  readonly iteration: number;
}

/** What a function step may do, each journaled so a replay gets the same answer. */
export interface Effects {
  /** The time, read once per call site and replayed after a crash. */
  now(): Promise<Date>;
  /** A new id, made once and replayed. */
  id(): Promise<string>;
  /**
   * A side effect inside one transaction together with its journal row: it
   * happens exactly once, and a replay gets its stored result back.
   */
  effect<T>(name: string, work: (tx: Queryable) => Promise<T>): Promise<T>;
  signal: AbortSignal;
  /** The engine services steps may use (reads, and writes inside `effect`). */
  services: WorkflowServices;
}

interface StepBase {
  /** Unique among its siblings; part of the step's durable path. */
  id: string;
  label: string;
  retry?: RetryPolicy;
  timeoutMs?: number;
  onError?: OnError;
}

export interface AgentStep extends StepBase {
  kind: 'agent';
  agent: string | ((scope: Scope) => string);
  task: (scope: Scope) => string;
}

export interface TeamStep extends StepBase {
  kind: 'team';
  team: 'strategy' | 'creative' | 'community' | 'data' | 'brand';
  task: (scope: Scope) => string;
}

export interface FunctionStep extends StepBase {
  kind: 'function';
  run: (scope: Scope, fx: Effects) => Promise<unknown>;
}

export interface Branch {
  key: string;
  vars?: Record<string, unknown>;
  steps: Step[];
}

export interface ParallelStep extends StepBase {
  kind: 'parallel';
  branches: (scope: Scope) => Branch[];
  /**
   * fail_fast: the first failed branch stops the others and fails the step.
   * wait_all: every branch finishes, then the step fails if one did.
   * ignore: failed branches are left out of the output; the step succeeds.
   */
  failure: 'fail_fast' | 'wait_all' | 'ignore';
}

export interface ConditionStep extends StepBase {
  kind: 'condition';
  /** The first case whose `when` holds runs; otherwise `else` (or nothing). */
  cases: { key: string; when: (scope: Scope) => boolean; steps: Step[] }[];
  else?: Step[];
}

export interface LoopStep extends StepBase {
  kind: 'loop';
  steps: Step[];
  /** Checked after each iteration, with that iteration's outputs in scope. */
  until: (scope: Scope) => boolean;
  max: number;
}

export interface RouterStep extends StepBase {
  kind: 'router';
  /** Picks the route's key (it may read an earlier agent's routing decision). */
  route: (scope: Scope) => string;
  routes: Record<string, Step[]>;
}

export interface ApprovalRequest {
  postId: string | null;
  draft: ApprovalDraft;
  problems: Problem[];
  voiceScore: number | null;
  voiceIssues: { excerpt: string; problem: string; suggestion: string }[];
  reasoning: string;
}

export interface ApprovalStep extends StepBase {
  kind: 'approval';
  /**
   * What the person judges; runs inside the transaction that creates the
   * approval, so the post it is about can be made with it. Whether a person
   * must decide is the brand's policy (workflow settings), not the step's.
   */
  request: (scope: Scope, tx: Queryable, ids: { approvalId: string }) => Promise<ApprovalRequest>;
}

export type Step = AgentStep | TeamStep | FunctionStep | ParallelStep | ConditionStep | LoopStep | RouterStep | ApprovalStep;

/** What an approval step outputs once decided. */
export interface ApprovalOutcome {
  approvalId: string;
  postId: string | null;
  decision: 'approved' | 'rejected';
  comment: string;
  actor: string;
}

export interface WorkflowDefinition<I extends z.ZodType = z.ZodType> {
  id: WorkflowId;
  /**
   * Bumped when the steps change shape. A run started under another version
   * cannot be replayed and is marked interrupted instead of resumed.
   */
  version: number;
  title: string;
  description: string;
  input: I;
  /** Fills input defaults that need the database (e.g. the brand's connected platforms). */
  prepare?: (input: z.output<I>, context: { brand: Brand; tx: Queryable; services: WorkflowServices }) => Promise<Record<string, unknown>>;
  steps: Step[];
  /** The run's output, from the top-level scope. */
  output: (scope: Scope) => unknown;
}

export function defineWorkflow<I extends z.ZodType>(definition: WorkflowDefinition<I>): WorkflowDefinition<I> {
  const check = (steps: Step[], where: string) => {
    const seen = new Set<string>();
    for (const step of steps) {
      if (!/^[a-z][a-z0-9-]*$/.test(step.id)) throw new Error(`${where}: step id "${step.id}" must be lower-case letters, digits and dashes.`);
      if (seen.has(step.id)) throw new Error(`${where}: two steps are called "${step.id}".`);
      seen.add(step.id);
      if (step.kind === 'condition') {
        for (const c of step.cases) check(c.steps, `${where}/${step.id}`);
        if (step.else) check(step.else, `${where}/${step.id}`);
      }
      if (step.kind === 'loop') check(step.steps, `${where}/${step.id}`);
      if (step.kind === 'router') for (const steps of Object.values(step.routes)) check(steps, `${where}/${step.id}`);
    }
  };
  check(definition.steps, definition.id);
  return definition;
}
