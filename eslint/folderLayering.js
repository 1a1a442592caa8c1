// @ts-check
// local/folder-layering: where code runs decides what it may import
// (ARCHITECTURE.md). Relative imports are resolved against the importing file,
// so `../server/x` from src/main/app is caught as well as package names.
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Layers, most specific first; `may` lists the layers a file may import. */
export const LAYERS = [
  { name: 'shared', dir: 'src/shared', may: ['shared'], node: false, electron: false },
  { name: 'engine', dir: 'src/main/engine', may: ['shared', 'engine'], node: true, electron: false },
  { name: 'server', dir: 'src/main/server', may: ['shared', 'engine', 'server'], node: true, electron: false },
  { name: 'app', dir: 'src/main/app', may: ['shared', 'engine', 'app'], node: true, electron: true },
  { name: 'preload', dir: 'src/preload', may: ['shared', 'preload'], node: false, electron: true },
  { name: 'renderer', dir: 'src/renderer', may: ['shared', 'renderer'], node: false, electron: false },
];

/** @param {string} rel a path relative to the repository root, with forward slashes */
function layerOf(rel) {
  return LAYERS.find((layer) => rel === layer.dir || rel.startsWith(`${layer.dir}/`)) ?? null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const folderLayering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the folder rule: what each runtime folder may import.' },
    schema: [],
    messages: {
      electron: "Only src/main/app and src/preload may import 'electron' (importing it from plain Node tries to download Electron).",
      node: '{{layer}} runs in a browser or anywhere: no Node built-in modules ({{source}}).',
      layer: '{{layer}} may not import from {{target}} ({{source}}); see the folder table in ARCHITECTURE.md.',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const here = layerOf(file);

    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return;
      const source = value;
      if (source === 'electron' || source.startsWith('electron/')) {
        if (!here?.electron) context.report({ node, messageId: 'electron' });
        return;
      }
      if (!here) return;
      if (NODE_BUILTINS.has(source) && !here.node) {
        context.report({ node, messageId: 'node', data: { layer: here.dir, source } });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), source))
        .split(path.sep)
        .join('/');
      const there = layerOf(target);
      if (there && !here.may.includes(there.name)) {
        context.report({ node, messageId: 'layer', data: { layer: here.dir, target: there.dir, source } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};
