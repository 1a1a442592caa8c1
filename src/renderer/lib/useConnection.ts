import { useSyncExternalStore } from 'react';
import { connectionState, onConnectionChange, type ConnectionState } from './api';

/** The live state of the link to Chorus, for banners and sign-in messages. */
export function useConnection(): ConnectionState {
  return useSyncExternalStore(onConnectionChange, connectionState, connectionState);
}
