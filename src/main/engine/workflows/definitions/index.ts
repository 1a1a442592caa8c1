import type { WorkflowDefinition } from '../definition';
import { campaign } from './campaign';
import { contentSeries } from './contentSeries';
import { dailyContent } from './dailyContent';

export const WORKFLOWS: readonly WorkflowDefinition[] = [dailyContent, contentSeries, campaign] as unknown as WorkflowDefinition[];

export function workflowById(id: string): WorkflowDefinition | undefined {
  return WORKFLOWS.find((w) => w.id === id);
}
