import { z } from 'zod';

export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Holds every publishing job while true (tray: "Pause publishing"). */
  publishingPaused: z.boolean().default(false),
  ollamaUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:11434'),
});

export const SettingsPatch = Settings.partial().strict();

export type Settings = z.infer<typeof Settings>;
export type SettingsPatch = z.infer<typeof SettingsPatch>;
