// Workflows on a schedule: pg-boss cron, one schedule per brand and workflow,
// read in the brand's time zone. pg-boss 10 keys a schedule by its queue, so
// each (workflow, brand) pair gets its own small queue.
import type PgBoss from 'pg-boss';
import { ChorusError } from '../../../shared/contract';
import { WORKFLOW_IDS, type WorkflowId, type WorkflowSettings } from '../../../shared/contract/schemas/workflows';
import type { EngineContext } from '../EngineContext';
import type { PublishingModule } from '../publishing/publishingModule';

interface CronJobData {
  brandId: string;
  workflowId: WorkflowId;
}

export type StartScheduledRun = (brandId: string, workflowId: WorkflowId, jobId: string) => Promise<unknown>;

export class WorkflowScheduler {
  private readonly working = new Set<string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly publishing: PublishingModule,
    private readonly startRun: StartScheduledRun,
  ) {}

  static queueName(workflowId: WorkflowId, brandId: string): string {
    return `workflow-${workflowId}-${brandId}`;
  }

  private get boss(): PgBoss {
    return this.publishing.scheduler.queue;
  }

  async start(): Promise<void> {
    const rows = await this.ctx.db.query<{ settings: WorkflowSettings }>('SELECT settings FROM workflow_settings');
    for (const { settings } of rows) {
      try {
        await this.apply(settings);
      } catch (error) {
        this.ctx.log(`The workflow schedules of brand ${settings.brandId} could not be set`, error);
      }
    }
  }

  async stop(): Promise<void> {
    for (const name of this.working) await this.boss.offWork(name).catch(() => undefined);
    this.working.clear();
  }

  /** Makes pg-boss's schedules match the brand's settings; throws invalid_input for a cron pg-boss cannot read. */
  async apply(settings: WorkflowSettings): Promise<void> {
    const brand = await this.ctx.repos.brands.get(settings.brandId);
    for (const workflowId of WORKFLOW_IDS) {
      const name = WorkflowScheduler.queueName(workflowId, brand.id);
      const wanted = settings.schedules.find((s) => s.workflowId === workflowId && s.enabled);
      if (!wanted) {
        if (await this.boss.getQueue(name)) await this.boss.unschedule(name);
        if (this.working.delete(name)) await this.boss.offWork(name);
        continue;
      }
      if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, policy: 'standard', retryLimit: 0 });
      try {
        await this.boss.schedule(name, wanted.cron, { brandId: brand.id, workflowId } satisfies CronJobData, { tz: brand.timezone });
      } catch (error) {
        const index = settings.schedules.indexOf(wanted);
        const message = `“${wanted.cron}” is not a cron schedule Chorus can read: ${error instanceof Error ? error.message : String(error)}`;
        throw new ChorusError('invalid_input', message, [{ path: ['schedules', index, 'cron'], message }]);
      }
      if (!this.working.has(name)) {
        this.working.add(name);
        await this.boss.work<CronJobData>(name, { pollingIntervalSeconds: 10 }, async ([job]) => {
          if (job) await this.startRun(job.data.brandId, job.data.workflowId, job.id);
        });
      }
    }
  }
}
