import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../fakes/cliProcess';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'local/folder-layering').map((m) => m.message);
}

describe('folder layering lint rule', () => {
  it.each([
    ['src/main/engine/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src/main/server/x.ts', "import * as e from 'electron';\nexport const a = e;"],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['src/renderer/x.ts', "import { createEngine } from '../main/engine';\nexport const a = createEngine;"],
    ['src/main/app/x.ts', "import { startHeadlessHost } from '../server/HeadlessHost';\nexport const a = startHeadlessHost;"],
    ['src/main/engine/db/x.ts', "import { x } from '../../app/window';\nexport const a = x;"],
    ['tests/x.test.ts', "const e = require('electron');\nexport const a = e;"],
  ])('reports %s breaking the folder rule', async (file, code) => {
    expect(await layeringErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['src/main/app/x.ts', "import { app } from 'electron';\nimport { createEngine } from '../engine';\nexport const a = [app, createEngine];"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron';\nimport { ROUTE_NAMES } from '../shared/contract/names';\nexport const a = [contextBridge, ROUTE_NAMES];"],
    ['src/main/server/x.ts', "import { createEngine } from '../engine';\nimport { routes } from '../../shared/contract';\nexport const a = [createEngine, routes];"],
    ['src/renderer/x.ts', "import { routes } from '../shared/contract';\nexport const a = routes;"],
  ])('allows %s imports that follow the rule', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
