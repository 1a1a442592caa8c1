import { z } from 'zod';
import { NoInput } from '../schemas/common';
import { SecretKey, SecretSetInput, SecretStatus } from '../schemas/secrets';
import { Settings, SettingsPatch } from '../schemas/settings';
import { DoctorReport, SystemInfo } from '../schemas/system';
import { route, type EventMap, type RouteMap } from './route';

export const systemRoutes = {
  'system.info': route(NoInput, SystemInfo, 'Version, host kind, data folder and schema version.'),
  'system.doctor': route(NoInput, DoctorReport, 'Checks the data folder, database, keychain, Ollama and Chromium.'),

  'secrets.list': route(NoInput, z.array(SecretStatus), 'Which secrets are set (never their values).'),
  'secrets.set': route(SecretSetInput, SecretStatus, 'Stores a secret in the OS keychain.'),
  'secrets.delete': route(z.object({ key: SecretKey }).strict(), SecretStatus, 'Removes a secret from the keychain.'),

  'settings.get': route(NoInput, Settings, 'The app settings.'),
  'settings.update': route(SettingsPatch, Settings, 'Changes some settings.'),
} satisfies RouteMap;

export const systemEvents = {
  'settings.changed': Settings,
} satisfies EventMap;
