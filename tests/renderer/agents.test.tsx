import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../src/shared/contract/errors';
import type { AgentRunEvent, AgentRunSummary, AgentSummary, TeamSummary } from '../../src/shared/contract/schemas/agents';
import { makeBrand } from './fakes/brands';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({
  call: vi.fn(),
  subscribe: vi.fn(),
}));
vi.mock('../../src/renderer/lib/api', () => api);

const { AgentsPage } = await import('../../src/renderer/features/agents');
const { useAgentsStore } = await import('../../src/renderer/features/agents/agentsStore');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');

type Handler = (input: never) => Result<unknown> | Promise<Result<unknown>>;
let handlers: Record<string, Handler>;
let calls: { route: string; input: unknown }[];
let eventListeners: Map<string, (payload: unknown) => void>;
let runs: AgentRunSummary[];

const RUN_ID = '11111111-1111-4111-8111-111111111111';
const brand = makeBrand({ name: 'Northwind Coffee' });

function agent(overrides: Partial<AgentSummary> & Pick<AgentSummary, 'id' | 'name' | 'team'>): AgentSummary {
  return { role: 'Does things.', model: 'default', tools: [], output: 'text', source: 'builtin', path: `/app/agents/${overrides.id}.md`, ...overrides };
}

const AGENTS: AgentSummary[] = [
  agent({
    id: 'content-creation',
    name: 'Content Creation',
    team: 'creative',
    role: 'Writes platform-ready post drafts.',
    tools: ['chorus.brand_profile', 'chorus.platform_rules'],
    output: 'draft',
  }),
  agent({
    id: 'night-owl',
    name: 'Night Owl',
    team: 'community',
    model: ['ollama:qwen2.5:7b', 'offline'],
    source: 'user',
    path: '/data/agents/night-owl.md',
  }),
];

const TEAMS: TeamSummary[] = [
  { id: 'creative', name: 'Creative', leader: 'Creative Director', leadAgent: 'content-creation', members: [] },
  { id: 'community', name: 'Community', leader: 'Community Manager', leadAgent: 'night-owl', members: [] },
];

function emit(event: Partial<AgentRunEvent> & { kind: AgentRunEvent['kind'] }) {
  act(() => eventListeners.get('agents.runEvent')!({ runId: RUN_ID, agentId: 'content-creation', parentRunId: null, ...event }));
}

beforeEach(() => {
  calls = [];
  runs = [];
  eventListeners = new Map();
  handlers = {
    'agents.list': () => ({
      ok: true,
      data: { agents: AGENTS, problems: [{ path: '/data/agents/broken.md', line: 3, message: 'The front matter has no "team".' }] },
    }),
    'teams.list': () => ({ ok: true, data: TEAMS }),
    'agents.runs': () => ({ ok: true, data: runs }),
    'brands.list': () => ({ ok: true, data: [brand] }),
  };
  api.call.mockReset();
  api.call.mockImplementation(async (route: string, input: unknown) => {
    calls.push({ route, input });
    const handler = handlers[route];
    if (!handler) throw new Error(`unexpected call ${route}`);
    return handler(input as never);
  });
  api.subscribe.mockReset();
  api.subscribe.mockImplementation((name: string, listener: (payload: unknown) => void) => {
    eventListeners.set(name, listener);
    return () => eventListeners.delete(name);
  });
  useAgentsStore.setState({
    catalog: { status: 'idle' },
    teams: { status: 'idle' },
    runs: { status: 'idle' },
    live: {},
    currentRunId: null,
    cancelling: false,
    selectedAgentId: null,
  });
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
});

afterEach(cleanup);

async function startRun(user: ReturnType<typeof userEvent.setup>, task: string) {
  await user.type(await screen.findByLabelText('Task'), task);
  await waitFor(() => expect((screen.getByLabelText('Brand') as HTMLSelectElement).value).toBe(brand.id));
  await user.click(screen.getByRole('button', { name: 'Run' }));
}

describe('Agents page', { timeout: 20_000 }, () => {
  it('lists agents by team with model, tools and source, and the files that failed to load', async () => {
    render(<AgentsPage />);
    const items = await screen.findAllByTestId('agent-item');
    expect(items.map((i) => i.getAttribute('data-agent'))).toEqual(['content-creation', 'night-owl']);
    expect(items[0]!.textContent).toContain('Built-in');
    expect(items[0]!.textContent).toContain('Default (the order in Settings)');
    expect(items[0]!.textContent).toContain('chorus.brand_profile');
    expect(items[1]!.textContent).toContain('Your file');
    expect(items[1]!.textContent).toContain('ollama:qwen2.5:7b → offline');
    expect(items[1]!.textContent).toContain('/data/agents/night-owl.md');
    expect(screen.getAllByTestId('team').map((t) => within(t).getByRole('heading').textContent)).toEqual(['Creative', 'Community']);
    expect(screen.getByTestId('agent-problem').textContent).toBe('/data/agents/broken.md:3 The front matter has no "team".');
  });

  it('streams a run’s deltas in order with its tool calls, then shows the answer and the template-made badge', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['agents.run'] = () => {
      // The host can stream before agents.run has answered: this first event must not be lost.
      eventListeners.get('agents.runEvent')!({ runId: RUN_ID, agentId: 'content-creation', parentRunId: null, kind: 'step', step: 1, phase: 'tools' });
      return { ok: true, data: { runId: RUN_ID } };
    };
    render(<AgentsPage />);
    await startRun(user, 'Draft an X post about our autumn blend');

    await waitFor(() => expect(calls.find((c) => c.route === 'agents.run')).toBeDefined());
    expect(calls.find((c) => c.route === 'agents.run')!.input).toEqual({
      agentId: 'content-creation',
      brandId: brand.id,
      task: 'Draft an X post about our autumn blend',
    });
    expect((await screen.findByTestId('run-status')).textContent).toBe('Running…');
    expect(screen.getByTestId('run-timeline').textContent).toContain('Step 1: gathering what it needs');

    emit({ kind: 'delta', text: 'Let me read ' });
    emit({ kind: 'delta', text: 'the brand.' });
    expect(screen.getAllByTestId('run-stream').map((s) => s.textContent)).toEqual(['Let me read the brand.']);
    emit({ kind: 'tool_call', callId: 'c1', tool: 'chorus.brand_profile', arguments: { brandId: brand.id } });
    expect(screen.getByTestId('run-tool').textContent).toContain('Waiting for the tool');
    emit({ kind: 'tool_result', callId: 'c1', tool: 'chorus.brand_profile', content: 'Voice: warm and plain.', isError: false });
    expect(screen.getByTestId('run-tool-result').textContent).toBe('Voice: warm and plain.');
    emit({ kind: 'step', step: 2, phase: 'final' });
    emit({ kind: 'delta', text: '{"platform":' });
    emit({ kind: 'delta', text: '"x"}' });
    expect(screen.getAllByTestId('run-stream').map((s) => s.textContent)).toEqual(['Let me read the brand.', '{"platform":"x"}']);
    expect(screen.queryByTestId('template-made')).toBeNull();

    runs = [
      {
        id: RUN_ID,
        agentId: 'content-creation',
        parentRunId: null,
        brandId: brand.id,
        task: 'Draft an X post about our autumn blend',
        status: 'succeeded',
        output: null,
        templateMade: true,
        error: null,
        startedAt: '2025-01-01T10:00:00.000Z',
        finishedAt: '2025-01-01T10:00:01.500Z',
        usage: { calls: 2, promptTokens: 1200, completionTokens: 340, costUsd: null },
      },
    ];
    emit({
      kind: 'done',
      status: 'succeeded',
      templateMade: true,
      output: { platform: 'x', text: 'Autumn blend is back.\nCome taste it.', hashtags: ['coffee', 'autumn'], callToAction: 'Drop by', notes: 'Check the date.' },
    });

    expect(screen.getByTestId('run-status').textContent).toBe('Finished');
    expect(within(screen.getByTestId('live-run')).getByTestId('template-made').textContent).toBe('Template-made (no model was used)');
    const output = screen.getByTestId('run-output');
    expect(output.querySelector('[data-field="platform"] dd')!.textContent).toBe('X');
    expect(output.querySelector('[data-field="text"] dd')!.textContent).toBe('Autumn blend is back.\nCome taste it.');
    expect(output.querySelector('[data-field="hashtags"] dd')!.textContent).toBe('#coffee#autumn');
    expect(output.querySelector('[data-field="callToAction"] dt')!.textContent).toBe('Call to action');
    // The run is listed with its usage once it is over.
    await waitFor(() => expect(screen.getByTestId('run-usage').textContent).toBe('2 model calls · 1,200 in + 340 out tokens · cost unknown'));
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('cancels the running run', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['agents.run'] = () => ({ ok: true, data: { runId: RUN_ID } });
    handlers['agents.cancel'] = () => {
      eventListeners.get('agents.runEvent')!({
        runId: RUN_ID,
        agentId: 'content-creation',
        parentRunId: null,
        kind: 'error',
        status: 'cancelled',
        message: 'The run was cancelled.',
      });
      return { ok: true, data: { cancelled: true } };
    };
    render(<AgentsPage />);
    await startRun(user, 'Plan next week');
    emit({ kind: 'step', step: 1, phase: 'tools' });
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(true);

    await user.click(await screen.findByRole('button', { name: 'Cancel run' }));
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('Cancelled'));
    expect(calls.filter((c) => c.route === 'agents.cancel').map((c) => c.input)).toEqual([{ runId: RUN_ID }]);
    expect(screen.getByTestId('run-failure').textContent).toBe('The run was cancelled.');
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('puts a task the engine refuses beside the Task field', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['agents.run'] = () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'task: Say what the agent should do.', issues: [{ path: ['task'], message: 'Say what the agent should do.' }] },
    });
    render(<AgentsPage />);
    await startRun(user, '   ');
    expect((await screen.findByTestId('error-task')).textContent).toBe('Say what the agent should do.');
    expect(screen.queryByTestId('live-run')).toBeNull();
  });

  it('runs the agent chosen in the team list', async () => {
    const user = userEvent.setup({ delay: null });
    handlers['agents.run'] = () => ({ ok: true, data: { runId: RUN_ID } });
    render(<AgentsPage />);
    await user.click(await screen.findByRole('button', { name: 'Give Night Owl a task' }));
    expect((screen.getByLabelText('Agent') as HTMLSelectElement).value).toBe('night-owl');
    await startRun(user, 'Answer the replies');
    await waitFor(() => expect(calls.find((c) => c.route === 'agents.run')).toBeDefined());
    expect(calls.find((c) => c.route === 'agents.run')!.input).toMatchObject({ agentId: 'night-owl' });
  });
});
