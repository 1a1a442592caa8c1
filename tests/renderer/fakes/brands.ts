import type { Brand } from '../../../src/shared/contract/schemas/brands';

let counter = 0;

export function makeBrand(overrides: Partial<Brand> = {}): Brand {
  counter += 1;
  const n = counter.toString(16).padStart(12, '0');
  return {
    id: `00000000-0000-4000-8000-${n}`,
    name: `Brand ${counter}`,
    description: '',
    voice: '',
    audience: '',
    contentPillars: [],
    bannedWords: [],
    defaultHashtags: [],
    timezone: 'Europe/Paris',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}
