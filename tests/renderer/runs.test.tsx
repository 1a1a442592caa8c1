import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunDetail, WorkflowRun, WorkflowSettings } from '../../src/shared/contract/schemas/workflows';
import { makeBrand } from './fakes/brands';
import { fakeApi } from './fakes/publishing';
import { BRAND_ID, makeRun, makeRunDetail, makeRunEvent, makeSettings, makeStep, WORKFLOWS } from './fakes/workflows';

// Components talk to lib/api only; the test plays that module, not the transport.
const api = vi.hoisted(() => ({ call: vi.fn(), subscribe: vi.fn() }));
vi.mock('../../src/renderer/lib/api', () => api);

const { RunsPage } = await import('../../src/renderer/features/runs');
const { useRunsStore, cancelRunRefreshes } = await import('../../src/renderer/features/runs/runsStore');
const { BrandPage } = await import('../../src/renderer/features/brand');
const { useBrandStore } = await import('../../src/renderer/features/brand/brandStore');
const { useNavigation } = await import('../../src/renderer/lib/navigationStore');

const brand = makeBrand({ id: BRAND_ID, name: 'Northwind', timezone: 'America/Chicago' });
const acme = makeBrand({ name: 'Acme' });

let fake: ReturnType<typeof fakeApi>;

const older = makeRun({
  workflowId: 'daily-content',
  status: 'waiting',
  pendingApprovals: 2,
  createdAt: '2025-03-04T08:00:00.000Z',
  usage: { calls: 3, promptTokens: 1200, completionTokens: 340, costUsd: 0.0123 },
});
const newer = makeRun({
  workflowId: 'campaign',
  brandName: 'Acme',
  status: 'failed',
  error: 'The drafting step failed three times.',
  createdAt: '2025-03-04T09:00:00.000Z',
  usage: { calls: 1, promptTokens: 100, completionTokens: 20, costUsd: null },
});

let details: Record<string, RunDetail>;

beforeEach(() => {
  fake = fakeApi(api);
  cancelRunRefreshes();
  useRunsStore.setState({
    workflows: { status: 'idle' },
    runs: { status: 'idle' },
    selectedRunId: null,
    detail: { status: 'idle' },
    actionError: null,
    acting: null,
    notice: null,
  });
  useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'none' }, notice: null });
  useNavigation.setState({ page: 'runs' });
  details = {
    [older.id]: makeRunDetail(older, {
      steps: [
        makeStep({
          path: 'plan',
          label: 'Plans the day',
          kind: 'agent',
          durationMs: 1500,
          usage: { calls: 2, promptTokens: 1000, completionTokens: 300, costUsd: 0.0101 },
        }),
        makeStep({
          path: 'draft',
          label: 'Drafts the posts',
          kind: 'team',
          status: 'failed',
          attempt: 1,
          durationMs: 65_000,
          error: 'The model timed out (reason: timeout after 60 s).',
          usage: { calls: 1, promptTokens: 200, completionTokens: 40, costUsd: 0.0022 },
        }),
        makeStep({ path: 'draft', label: 'Drafts the posts', kind: 'team', status: 'succeeded', attempt: 2, durationMs: 420 }),
        makeStep({ path: 'review', label: 'Waits for a person', kind: 'approval', status: 'waiting', finishedAt: null, durationMs: null }),
      ],
      events: [
        makeRunEvent(older.id, { seq: 0, type: 'run_started' }),
        makeRunEvent(older.id, { seq: 1, type: 'step_retrying', path: 'draft', message: 'timeout after 60 s' }),
        makeRunEvent(older.id, { seq: 2, type: 'waiting', path: 'review', message: '2 drafts wait for a person' }),
      ],
    }),
    [newer.id]: makeRunDetail(newer),
  };
  fake.answer('brands.list', () => ({ ok: true, data: [brand, acme] }));
  fake.answer('workflows.list', () => ({ ok: true, data: WORKFLOWS }));
  fake.answer('runs.list', () => ({ ok: true, data: [older, newer] }));
  fake.answer('runs.get', (input: { id: string }) => ({ ok: true, data: details[input.id]! }));
});
afterEach(() => {
  cleanup();
  cancelRunRefreshes();
});

const rows = () => screen.getAllByTestId('run-row');
const rowFor = (run: WorkflowRun) => rows().find((el) => el.getAttribute('data-run-id') === run.id)!;

async function openRun(user: ReturnType<typeof userEvent.setup>, run: WorkflowRun) {
  await waitFor(() => expect(rows()).toHaveLength(2));
  await user.click(rowFor(run));
  return screen.findByTestId('run-detail');
}

describe('Runs page', { timeout: 20_000 }, () => {
  it('lists runs newest first with status, brand, workflow, pending approvals and usage', async () => {
    render(<RunsPage />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows().map((r) => r.getAttribute('data-run-id'))).toEqual([newer.id, older.id]);

    const failed = rowFor(newer);
    expect(within(failed).getByTestId('run-status').textContent).toBe('failed');
    expect(within(failed).getByText('Campaign')).toBeTruthy();
    expect(within(failed).getByTestId('run-brand').textContent).toBe('Acme');
    expect(within(failed).getByTestId('run-usage').textContent).toBe('120 tokens · cost unknown');
    expect(within(failed).queryByTestId('run-pending')).toBeNull();

    const waiting = rowFor(older);
    expect(within(waiting).getByTestId('run-status').textContent).toBe('waiting');
    expect(within(waiting).getByText('Daily content')).toBeTruthy();
    expect(within(waiting).getByTestId('run-pending').textContent).toBe('2 waiting for approval');
    expect(within(waiting).getByTestId('run-usage').textContent).toBe('1,540 tokens · $0.0123');
  });

  it('shows a run’s timeline with durations, tokens, cost, attempts and errors, and its event log', async () => {
    const user = userEvent.setup({ delay: null });
    render(<RunsPage />);
    const detail = await openRun(user, older);
    expect(fake.calls('runs.get')).toEqual([{ id: older.id }]);
    expect(within(detail).getByTestId('detail-status').textContent).toBe('waiting');

    const steps = within(detail).getAllByTestId('timeline-step');
    expect(steps.map((s) => s.getAttribute('data-path'))).toEqual(['plan', 'draft', 'draft', 'review']);
    expect(within(steps[0]!).getByTestId('step-duration').textContent).toBe('1.5 s');
    expect(within(steps[0]!).getByTestId('step-usage').textContent).toBe('1,300 tokens · $0.0101');
    expect(steps[0]!.textContent).toContain('agent');
    expect(within(steps[1]!).getByTestId('step-status').textContent).toBe('failed');
    expect(within(steps[1]!).getByTestId('step-duration').textContent).toBe('1 min 5 s');
    expect(within(steps[1]!).getByTestId('step-error').textContent).toBe('The model timed out (reason: timeout after 60 s).');
    expect(within(steps[1]!).getByTestId('step-attempt').textContent).toBe('attempt 1');
    expect(within(steps[2]!).getByTestId('step-attempt').textContent).toBe('attempt 2');
    expect(within(steps[2]!).getByTestId('step-duration').textContent).toBe('420 ms');
    expect(within(steps[2]!).queryByTestId('step-usage')).toBeNull();
    expect(within(steps[3]!).getByTestId('step-status').textContent).toBe('waiting');
    expect(within(steps[3]!).getByTestId('step-duration').textContent).toBe('not finished');

    const events = within(detail).getAllByTestId('run-event');
    expect(events).toHaveLength(3);
    expect(events[1]!.textContent).toContain('step_retrying draft — timeout after 60 s');
    expect(within(detail).getByTestId('run-events').hasAttribute('open')).toBe(false);

    // Waiting runs can be cancelled, not retried.
    expect(within(detail).getByTestId('cancel-run')).toBeTruthy();
    expect(within(detail).queryByTestId('retry-run')).toBeNull();

    // The pending drafts are one click away.
    await user.click(within(detail).getByTestId('run-approvals-link'));
    expect(within(detail).getByTestId('run-approvals-link').textContent).toBe('2 drafts wait for approval');
    expect(useNavigation.getState().page).toBe('approvals');
  });

  it('cancels a waiting run and retries a failed one through their routes', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('runs.cancel', (input: { id: string }) => {
      details[older.id] = { ...details[older.id]!, status: 'cancelled', pendingApprovals: 0 };
      return { ok: true, data: { ...older, id: input.id, status: 'cancelled' } };
    });
    fake.answer('runs.retry', () => ({ ok: false, error: { code: 'conflict', message: 'The run is already running again.' } }));
    render(<RunsPage />);

    let detail = await openRun(user, older);
    await user.click(within(detail).getByTestId('cancel-run'));
    expect(fake.calls('runs.cancel')).toEqual([{ id: older.id }]);
    await waitFor(() => expect(screen.getByTestId('detail-status').textContent).toBe('cancelled'));
    expect(within(rowFor(older)).getByTestId('run-status').textContent).toBe('cancelled');
    expect(screen.queryByTestId('cancel-run')).toBeNull();

    await user.click(rowFor(newer));
    await waitFor(() => expect(screen.getByTestId('run-detail').getAttribute('data-run-id')).toBe(newer.id));
    detail = screen.getByTestId('run-detail');
    expect(within(detail).getByTestId('detail-error').textContent).toBe('The drafting step failed three times.');
    expect(within(detail).queryByTestId('cancel-run')).toBeNull();
    await user.click(within(detail).getByTestId('retry-run'));
    expect(fake.calls('runs.retry')).toEqual([{ id: newer.id }]);
    expect((await screen.findByTestId('run-action-error')).textContent).toBe('The run is already running again.');
  });

  it('refetches the open run once per burst of runs.event, and ignores other runs’ events', async () => {
    const user = userEvent.setup({ delay: null });
    render(<RunsPage />);
    await openRun(user, older);
    expect(fake.calls('runs.get')).toHaveLength(1);

    details[older.id] = {
      ...details[older.id]!,
      steps: [...details[older.id]!.steps, makeStep({ path: 'schedule', label: 'Schedules the posts', status: 'running', finishedAt: null, durationMs: null })],
    };
    act(() => {
      fake.emit('runs.event', makeRunEvent(newer.id, { seq: 9, type: 'step_started', path: 'x' }));
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(fake.calls('runs.get')).toHaveLength(1);

    act(() => {
      fake.emit('runs.event', makeRunEvent(older.id, { seq: 3, type: 'step_started', path: 'schedule' }));
      fake.emit('runs.event', makeRunEvent(older.id, { seq: 4, type: 'step_started', path: 'schedule' }));
    });
    await waitFor(() => expect(fake.calls('runs.get')).toEqual([{ id: older.id }, { id: older.id }]));
    await waitFor(() => expect(screen.getAllByTestId('timeline-step')).toHaveLength(5));
    expect(screen.getAllByTestId('timeline-step')[4]!.textContent).toContain('Schedules the posts');
  });

  it('refreshes the list on runs.changed', async () => {
    render(<RunsPage />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    const started = makeRun({ workflowId: 'content-series', status: 'running', createdAt: '2025-03-04T12:00:00.000Z' });
    fake.answer('runs.list', () => ({ ok: true, data: [older, newer, started] }));
    act(() => fake.emit('runs.changed', { id: started.id, status: 'running', brandId: BRAND_ID, workflowId: 'content-series' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(within(rows()[0]!).getByTestId('run-status').textContent).toBe('running');
  });

  it('starts a workflow with trigger "ui", sending only the options that were filled', async () => {
    const user = userEvent.setup({ delay: null });
    const started = makeRun({ workflowId: 'content-series', status: 'running' });
    details[started.id] = makeRunDetail(started);
    fake.answer('workflows.start', () => ({ ok: true, data: { runId: started.id } }));
    render(<RunsPage />);
    await waitFor(() => expect(screen.getByTestId('brand-select').querySelectorAll('option')).toHaveLength(2));

    // The first brand (by name) and the first workflow are the defaults.
    await user.click(screen.getByTestId('start-workflow'));
    expect(fake.calls('workflows.start')).toEqual([{ workflowId: 'daily-content', brandId: acme.id, input: {}, trigger: 'ui' }]);

    await user.selectOptions(screen.getByTestId('brand-select'), 'Northwind');
    await user.selectOptions(screen.getByTestId('workflow-select'), 'content-series');
    await user.type(screen.getByLabelText('Parts'), '3');
    await user.type(screen.getByLabelText('Topic'), 'Brewing at home');
    await user.click(screen.getByTestId('start-workflow'));
    expect(fake.calls('workflows.start')[1]).toEqual({
      workflowId: 'content-series',
      brandId: BRAND_ID,
      input: { parts: 3, topic: 'Brewing at home' },
      trigger: 'ui',
    });

    await user.selectOptions(screen.getByTestId('workflow-select'), 'campaign');
    await user.type(screen.getByLabelText('Goal'), 'Launch the spring blend');
    await user.click(screen.getByTestId('start-workflow'));
    expect(fake.calls('workflows.start')[2]).toEqual({
      workflowId: 'campaign',
      brandId: BRAND_ID,
      input: { goal: 'Launch the spring blend' },
      trigger: 'ui',
    });
    // The new run opens.
    await waitFor(() => expect(screen.getByTestId('run-detail').getAttribute('data-run-id')).toBe(started.id));
    expect(screen.getByTestId('runs-notice').textContent).toBe('Started the workflow. Its steps appear as they run.');
  });

  it('shows the engine’s refusal of an option beside its field', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('workflows.start', () => ({
      ok: false,
      error: { code: 'invalid_input', message: 'input.days: Too big', issues: [{ path: ['input', 'days'], message: 'A campaign runs at most 30 days.' }] },
    }));
    render(<RunsPage />);
    await waitFor(() => expect(screen.getByTestId('brand-select').querySelectorAll('option')).toHaveLength(2));
    await user.selectOptions(screen.getByTestId('workflow-select'), 'campaign');
    await user.type(screen.getByLabelText('Days'), '90');
    await user.click(screen.getByTestId('start-workflow'));
    expect(fake.calls('workflows.start')[0]).toMatchObject({ input: { days: 90 } });
    expect((await screen.findByTestId('error-days')).textContent).toBe('A campaign runs at most 30 days.');
  });
});

describe('Brand page: approvals and automation', { timeout: 20_000 }, () => {
  let saved: unknown[];

  beforeEach(() => {
    saved = [];
    useBrandStore.setState({ brands: [], loadStatus: 'idle', loadError: null, selection: { kind: 'edit', id: brand.id }, notice: null });
    fake.answer('brands.list', () => ({ ok: true, data: [brand] }));
  });

  it('loads the brand’s settings and saves the approval policy and the daily schedule', async () => {
    const user = userEvent.setup({ delay: null });
    const campaignSchedule = { workflowId: 'campaign' as const, cron: '0 9 * * 1', enabled: true };
    fake.answer('workflows.settings', () => ({ ok: true, data: makeSettings({ schedules: [campaignSchedule] }) }));
    fake.answer('workflows.updateSettings', (input: Partial<WorkflowSettings>) => {
      saved.push(input);
      return { ok: true, data: makeSettings({ approval: input.approval as WorkflowSettings['approval'], schedules: input.schedules ?? [] }) };
    });
    render(<BrandPage />);
    const section = await screen.findByTestId('workflow-settings');
    await waitFor(() => expect(within(section).getByLabelText('Minimum voice score')).toBeTruthy());
    expect(fake.calls('workflows.settings')).toEqual([{ brandId: brand.id }]);
    expect((within(section).getByTestId('daily-cron') as HTMLInputElement).value).toBe('0 7 * * *');

    await user.click(within(section).getByLabelText(/Only flagged drafts/));
    await user.clear(within(section).getByLabelText('Minimum voice score'));
    await user.type(within(section).getByLabelText('Minimum voice score'), '80');
    await user.type(within(section).getByLabelText('Decide within (hours)'), '24');
    await user.selectOptions(within(section).getByLabelText('When the time runs out'), 'fail');
    await user.click(within(section).getByTestId('daily-enabled'));
    await user.click(within(section).getByRole('button', { name: 'Save approval settings' }));

    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toEqual({
      brandId: brand.id,
      approval: { mode: 'flagged', minVoiceScore: 80, timeoutHours: 24, onTimeout: 'fail' },
      schedules: [campaignSchedule, { workflowId: 'daily-content', cron: '0 7 * * *', enabled: true }],
    });
    expect((await within(section).findByRole('status')).textContent).toBe('Saved the approval and automation settings.');
  });

  it('sends an empty timeout as "wait for ever" and shows a field error beside the cron field', async () => {
    const user = userEvent.setup({ delay: null });
    fake.answer('workflows.settings', () => ({
      ok: true,
      data: makeSettings({
        approval: { mode: 'all', minVoiceScore: 70, timeoutHours: 12, onTimeout: 'reject' },
        schedules: [{ workflowId: 'daily-content', cron: '0 7 * * *', enabled: true }],
      }),
    }));
    fake.answer('workflows.updateSettings', (input: unknown) => {
      saved.push(input);
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: 'schedules.0.cron: A cron expression has five fields, e.g. "0 7 * * 1-5".',
          issues: [{ path: ['schedules', 0, 'cron'], message: 'A cron expression has five fields, e.g. "0 7 * * 1-5".' }],
        },
      };
    });
    render(<BrandPage />);
    const section = await screen.findByTestId('workflow-settings');
    const cron = await within(section).findByTestId('daily-cron');
    await user.clear(within(section).getByLabelText('Decide within (hours)'));
    await user.clear(cron);
    await user.type(cron, 'every morning');
    await user.click(within(section).getByRole('button', { name: 'Save approval settings' }));

    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]).toMatchObject({
      approval: { timeoutHours: null },
      schedules: [{ workflowId: 'daily-content', cron: 'every morning', enabled: true }],
    });
    expect((await within(section).findByTestId('error-cron')).textContent).toBe('A cron expression has five fields, e.g. "0 7 * * 1-5".');
    expect(within(section).getByTestId('daily-cron').getAttribute('aria-invalid')).toBe('true');
    expect(within(section).queryByTestId('workflow-settings-error')).toBeNull();
  });
});
