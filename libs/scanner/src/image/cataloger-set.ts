import type { Cataloger } from '../model';
import { ImageError } from './errors';

/**
 * The catalogers of one scan, in an explicit order (the order results and notes appear in).
 * Built from any list (e.g. `defaultCatalogers()` or the catalog's `CatalogerRegistry.list()`);
 * duplicate ids throw here too, because the set is part of the layer cache key.
 */
export class CatalogerSet {
  private readonly items: readonly Cataloger[];
  private readonly byId = new Map<string, Cataloger>();

  constructor(catalogers: Iterable<Cataloger>) {
    const list: Cataloger[] = [];
    for (const c of catalogers) {
      if (typeof c.id !== 'string' || c.id === '') throw new ImageError('invalid-option', 'cataloger without an id');
      if (this.byId.has(c.id)) throw new ImageError('duplicate-cataloger', `cataloger id "${c.id}" is registered twice`);
      if (!Number.isSafeInteger(c.version) || c.version < 0) {
        throw new ImageError('invalid-option', `cataloger "${c.id}" has an invalid version`);
      }
      if (!(c.maxFileSize >= 0)) throw new ImageError('invalid-option', `cataloger "${c.id}" has an invalid maxFileSize`);
      this.byId.set(c.id, c);
      list.push(c);
    }
    this.items = list;
  }

  get list(): readonly Cataloger[] {
    return this.items;
  }

  get(id: string): Cataloger | undefined {
    return this.byId.get(id);
  }

  /** Position in registration order (for deterministic output). */
  rank(id: string): number {
    const i = this.items.findIndex((c) => c.id === id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  }

  /** Sorted `id@version` list: part of the layer cache key. */
  fingerprint(): string {
    return this.items
      .map((c) => `${c.id}@${c.version}`)
      .sort()
      .join(',');
  }
}
