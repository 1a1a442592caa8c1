import type { Brand } from '../../../shared/contract/schemas/brands';
import { joinList, splitList } from '../../lib/listText';
import type { BrandCreate, BrandPatch } from './brandStore';

export const BRAND_FIELDS = [
  'name',
  'description',
  'voice',
  'audience',
  'contentPillars',
  'bannedWords',
  'defaultHashtags',
  'timezone',
] as const;

export type BrandField = (typeof BRAND_FIELDS)[number];

/** The form's text, exactly as typed; lists are one text each. */
export type BrandDraft = Record<BrandField, string>;

const LIST_FIELDS = new Set<BrandField>(['contentPillars', 'bannedWords', 'defaultHashtags']);

export function emptyDraft(timezone: string): BrandDraft {
  return {
    name: '',
    description: '',
    voice: '',
    audience: '',
    contentPillars: '',
    bannedWords: '',
    defaultHashtags: '',
    timezone,
  };
}

export function toDraft(brand: Brand): BrandDraft {
  return {
    name: brand.name,
    description: brand.description,
    voice: brand.voice,
    audience: brand.audience,
    // Pillars read best one per line; words and tags fit on one line.
    contentPillars: joinList(brand.contentPillars, '\n'),
    bannedWords: joinList(brand.bannedWords),
    defaultHashtags: joinList(brand.defaultHashtags.map((tag) => `#${tag}`)),
    timezone: brand.timezone,
  };
}

function value(draft: BrandDraft, field: BrandField): string | string[] {
  return LIST_FIELDS.has(field) ? splitList(draft[field]) : draft[field];
}

export function toCreateInput(draft: BrandDraft): BrandCreate {
  const input: Record<string, string | string[]> = {};
  for (const field of BRAND_FIELDS) input[field] = value(draft, field);
  return input as BrandCreate;
}

/** Fields the person changed since `from`; only these are sent, so edits made elsewhere survive. */
export function editedFields(draft: BrandDraft, from: BrandDraft): BrandField[] {
  return BRAND_FIELDS.filter((field) => draft[field] !== from[field]);
}

export function toPatch(draft: BrandDraft, fields: readonly BrandField[]): BrandPatch {
  const patch: Record<string, string | string[]> = {};
  for (const field of fields) patch[field] = value(draft, field);
  return patch as BrandPatch;
}
