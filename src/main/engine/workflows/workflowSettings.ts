// A brand's approval policy and workflow schedules, one JSON row per brand,
// read with defaults so a brand nobody configured waits for a person on everything.
import { WorkflowSettings, type WorkflowSettings as Settings } from '../../../shared/contract/schemas/workflows';
import type { Queryable } from '../db/Database';

export function defaultSettings(brandId: string): Settings {
  return {
    brandId,
    approval: { mode: 'all', minVoiceScore: 70, timeoutHours: null, onTimeout: 'reject' },
    schedules: [],
  };
}

type Reader = { query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> };

export async function readSettings(db: Reader, brandId: string): Promise<Settings> {
  const { rows } = await db.query<{ settings: unknown }>('SELECT settings FROM workflow_settings WHERE brand_id = $1', [brandId]);
  const fallback = defaultSettings(brandId);
  if (!rows[0]) return fallback;
  // A row written by an older version may lack newer fields: fill them from the defaults.
  const stored = rows[0].settings as Partial<Settings>;
  const parsed = WorkflowSettings.safeParse({ ...fallback, ...stored, brandId, approval: { ...fallback.approval, ...(stored.approval ?? {}) } });
  return parsed.success ? parsed.data : fallback;
}

export async function writeSettings(tx: Queryable, settings: Settings): Promise<void> {
  await tx.query(
    `INSERT INTO workflow_settings (brand_id, settings) VALUES ($1, $2)
     ON CONFLICT (brand_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [settings.brandId, JSON.stringify(settings)],
  );
}
