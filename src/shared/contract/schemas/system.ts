import { z } from 'zod';

export const HostKind = z.enum(['electron', 'server', 'cli']);

export const SystemInfo = z.object({
  version: z.string(),
  host: HostKind,
  dataDir: z.string(),
  schemaVersion: z.number().int(),
});

export const DoctorCheck = z.object({
  id: z.enum(['dataDir', 'database', 'keychain', 'ollama', 'chromium']),
  ok: z.boolean(),
  /** One sentence a person can act on. */
  detail: z.string(),
});

export const DoctorReport = z.object({ ok: z.boolean(), checks: z.array(DoctorCheck) });

export type SystemInfo = z.infer<typeof SystemInfo>;
export type DoctorReport = z.infer<typeof DoctorReport>;
export type DoctorCheck = z.infer<typeof DoctorCheck>;
export type HostKind = z.infer<typeof HostKind>;
