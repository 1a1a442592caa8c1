import type { Command } from 'commander';
import type { Brand } from '../../../../shared/contract';
import { callAndPrint, common, type CommonOptions } from '../common';
import { table } from '../output';

function brandsTable(brands: Brand[]): string {
  if (brands.length === 0) return 'No brands yet. Create one with: chorus brands create --name "My brand"';
  return table(
    brands.map((b) => [b.name, b.timezone, b.contentPillars.join(', '), b.id]),
    ['NAME', 'TIME ZONE', 'PILLARS', 'ID'],
  );
}

export function registerBrands(program: Command): void {
  const brands = program.command('brands').description('list and create brands');
  common(brands.command('list'))
    .description('list every brand')
    .action(async (options: CommonOptions) => {
      await callAndPrint(options, 'brands.list', {}, brandsTable);
    });
  common(brands.command('create'))
    .description('create a brand')
    .requiredOption('--name <name>', 'brand name')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Paris (default: this machine’s)')
    .option('--description <text>', 'what the brand does')
    .option('--voice <text>', 'voice and tone')
    .option('--audience <text>', 'who the brand speaks to')
    .action(async (options: CommonOptions & Record<string, string | undefined>) => {
      const input = Object.fromEntries(
        (['name', 'timezone', 'description', 'voice', 'audience'] as const)
          .filter((key) => options[key] !== undefined)
          .map((key) => [key, options[key]]),
      );
      await callAndPrint(options, 'brands.create', input, (b: Brand) => `Created brand “${b.name}” (${b.id}).`);
    });
}
