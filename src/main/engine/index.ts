export { createEngine, type CreatedEngine, type EngineServices } from './createEngine';
export type { Engine, EngineOptions, EventListener } from './Engine';
export type { SecretStore } from './secrets/SecretStore';
export type { SettingsStore } from './settings/SettingsStore';
export { SETTINGS_FILE_NAME } from './settings/SettingsStore';
export { readSettings } from './settings/readSettings';
export { KeytarSecretStore, KEYCHAIN_SERVICE } from './secrets/KeytarSecretStore';
export { defaultDataDir } from './system/paths';
export { lockHolder, readLock, LOCK_FILE } from './system/DataDirLock';
