// ChorusTray against stand-in Tray/Menu classes: checks that "Pause publishing"
// follows the engine's setting and asks the engine (not the tray) to change it.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine, EventListener } from '../../../src/main/engine/Engine';
import type { Result } from '../../../src/shared/contract/errors';
import { Settings } from '../../../src/shared/contract/schemas/settings';

interface MenuItem {
  label?: string;
  type?: string;
  checked?: boolean;
  click?: (item: { checked: boolean }) => void;
}

const trays = vi.hoisted(() => [] as FakeTray[]);
class FakeTray {
  menu: MenuItem[] = [];
  tooltip = '';
  title = '';
  destroyed = false;
  handlers = new Map<string, () => void>();
  constructor() {
    trays.push(this);
  }
  on(event: string, handler: () => void) {
    this.handlers.set(event, handler);
  }
  setContextMenu(menu: MenuItem[]) {
    this.menu = menu;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setTitle(text: string) {
    this.title = text;
  }
  destroy() {
    this.destroyed = true;
  }
}

vi.mock('electron', () => ({
  Tray: FakeTray,
  Menu: { buildFromTemplate: (template: MenuItem[]) => template },
  nativeImage: { createFromPath: () => ({ isEmpty: () => false, setTemplateImage: () => {} }) },
}));

const { ChorusTray } = await import('../../../src/main/app/tray');

const SETTINGS = Settings.parse({});
const flush = () => new Promise((done) => setTimeout(done, 0));

function fakeEngine(opts: { refuseUpdates?: boolean } = {}) {
  const listeners = new Set<EventListener>();
  let settings: Record<string, unknown> = { ...SETTINGS };
  const calls: [unknown, unknown][] = [];
  const engine: Engine = {
    dataDir: '/tmp/chorus',
    start: async () => {},
    stop: async () => {},
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    call: async (route, input): Promise<Result<unknown>> => {
      calls.push([route, input]);
      if (route === 'settings.get') return { ok: true, data: settings };
      if (route === 'schedule.pause' || route === 'schedule.resume') {
        if (opts.refuseUpdates) return { ok: false, error: { code: 'unavailable', message: 'stopping' } };
        settings = { ...settings, publishingPaused: route === 'schedule.pause' };
        for (const listener of listeners) listener('settings.changed', settings as never);
        return { ok: true, data: { paused: route === 'schedule.pause', queued: 0, publishing: 0, nextAt: null } };
      }
      return { ok: false, error: { code: 'unknown_route', message: String(route) } };
    },
  };
  const emit = (paused: boolean) => {
    for (const listener of listeners) listener('settings.changed', { ...SETTINGS, publishingPaused: paused });
  };
  return { engine, calls, listeners, emit };
}

const pauseItem = (tray: FakeTray) => tray.menu.find((item) => item.label === 'Pause publishing')!;

describe('ChorusTray', () => {
  beforeEach(() => {
    trays.length = 0;
  });

  it('offers open, pause publishing and quit', async () => {
    const onOpen = vi.fn();
    const onQuit = vi.fn();
    const { engine } = fakeEngine();
    new ChorusTray({ engine, iconPath: '/icons/tray.png', onOpen, onQuit, log: () => {} });
    await flush();
    const [tray] = trays;
    expect(tray!.menu.filter((item) => item.label).map((item) => item.label)).toEqual([
      'Open Chorus',
      'Pause publishing',
      'Quit Chorus',
    ]);
    tray!.menu.find((item) => item.label === 'Open Chorus')!.click!({ checked: false });
    tray!.menu.find((item) => item.label === 'Quit Chorus')!.click!({ checked: false });
    expect(onOpen).toHaveBeenCalledOnce();
    expect(onQuit).toHaveBeenCalledOnce();
  });

  it('starts from the engine setting and follows settings.changed from anywhere', async () => {
    const { engine, emit } = fakeEngine();
    new ChorusTray({ engine, iconPath: '/i.png', onOpen: () => {}, onQuit: () => {}, log: () => {} });
    await flush();
    const tray = trays[0]!;
    expect(pauseItem(tray).checked).toBe(false);
    emit(true);
    expect(pauseItem(tray).checked).toBe(true);
    expect(tray.tooltip).toBe('Chorus — publishing paused');
    emit(false);
    expect(pauseItem(tray).checked).toBe(false);
  });

  it('asks the engine to pause, and shows what the engine then holds', async () => {
    const { engine, calls } = fakeEngine();
    new ChorusTray({ engine, iconPath: '/i.png', onOpen: () => {}, onQuit: () => {}, log: () => {} });
    await flush();
    const tray = trays[0]!;
    pauseItem(tray).click!({ checked: true });
    await flush();
    expect(calls).toContainEqual(['schedule.pause', {}]);
    expect(pauseItem(tray).checked).toBe(true);
  });

  it('puts the checkbox back when the engine refuses', async () => {
    const { engine } = fakeEngine({ refuseUpdates: true });
    const log = vi.fn();
    new ChorusTray({ engine, iconPath: '/i.png', onOpen: () => {}, onQuit: () => {}, log });
    await flush();
    const tray = trays[0]!;
    const before = tray.menu;
    pauseItem(tray).click!({ checked: true });
    await flush();
    expect(tray.menu).not.toBe(before); // rebuilt from the engine's state
    expect(pauseItem(tray).checked).toBe(false);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('could not change publishing'));
  });

  it('shows the crisis alert count and unsubscribes on destroy', async () => {
    const { engine, listeners } = fakeEngine();
    const chorusTray = new ChorusTray({ engine, iconPath: '/i.png', onOpen: () => {}, onQuit: () => {}, log: () => {} });
    await flush();
    chorusTray.setAlertCount(2);
    expect(trays[0]!.tooltip).toBe('Chorus — 2 crisis alerts');
    chorusTray.destroy();
    chorusTray.destroy();
    expect(trays[0]!.destroyed).toBe(true);
    expect(listeners.size).toBe(0);
  });
});
