// Inputs and lookups the content workflows share.
import { z } from 'zod';
import { ChorusError, type Brand } from '../../../../shared/contract';
import { Platform as PlatformSchema } from '../../../../shared/contract/schemas/accounts';
import type { Platform } from '../../../../shared/platforms';
import { LocalDate } from '../../../../shared/contract/schemas/posts';
import type { Queryable } from '../../db/Database';
import { readSettings } from '../workflowSettings';
import { localDay } from './postPipeline';

export const PlatformList = z.array(PlatformSchema).min(1).max(9);
export { LocalDate };

/** The brand's connected platforms, in a stable order. */
export async function connectedPlatforms(tx: Queryable, brandId: string): Promise<Platform[]> {
  const { rows } = await tx.query<{ platform: Platform }>(
    `SELECT DISTINCT platform FROM accounts WHERE brand_id = $1 AND status = 'connected' ORDER BY platform`,
    [brandId],
  );
  return rows.map((r) => r.platform);
}

/**
 * Fills what the run needs fixed at its start, so a replay sees the same:
 * the platforms (the connected ones unless given), the day, the voice threshold.
 */
export async function prepareCommon(
  input: { platforms?: Platform[] | undefined; date?: string | undefined },
  brand: Brand,
  tx: Queryable,
): Promise<{ platforms: Platform[]; date: string; minVoiceScore: number }> {
  const platforms = input.platforms ?? (await connectedPlatforms(tx, brand.id));
  if (platforms.length === 0) {
    throw new ChorusError(
      'invalid_input',
      `${brand.name} has no connected accounts, so there is nowhere to post. Connect one (a Sandbox account works for trying things out), or name the platforms to draft for.`,
      [{ path: ['input', 'platforms'], message: 'Connect an account or name the platforms.' }],
    );
  }
  const settings = await readSettings(tx, brand.id);
  return { platforms: [...new Set(platforms)], date: input.date ?? localDay(new Date(), brand.timezone), minVoiceScore: settings.approval.minVoiceScore };
}

/** A short account of the brand's recent posts, for research and strategy. */
export async function recentActivity(query: (sql: string, params: unknown[]) => Promise<{ platform: string; status: string; n: number }[]>, brandId: string): Promise<string> {
  const rows = await query(
    `SELECT platform, status, count(*)::int AS n FROM posts
     WHERE brand_id = $1 AND coalesce(published_at, scheduled_at, created_at) > now() - interval '14 days'
     GROUP BY platform, status ORDER BY platform, status`,
    [brandId],
  );
  if (rows.length === 0) return 'No posts in the last 14 days.';
  return rows.map((r) => `${r.platform}: ${r.n} ${r.status}`).join('; ');
}
