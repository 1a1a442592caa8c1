import { ChorusError, type Brand, type Result } from '../../../shared/contract';
import type { CliSession } from './session';

/** A brand by id or by name (any case). */
export async function findBrand(session: CliSession, nameOrId: string): Promise<Brand> {
  const listed = (await session.call('brands.list', {})) as Result<Brand[]>;
  if (!listed.ok) throw new ChorusError(listed.error.code, listed.error.message);
  const wanted = nameOrId.trim();
  const brand = listed.data.find((b) => b.id === wanted || b.name.toLowerCase() === wanted.toLowerCase());
  if (!brand) {
    const names = listed.data.map((b) => `“${b.name}”`).join(', ');
    throw new ChorusError('not_found', `There is no brand “${nameOrId}”.${names ? ` Brands: ${names}.` : ' Create one with: chorus brands create --name "…"'}`);
  }
  return brand;
}
