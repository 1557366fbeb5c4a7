import type { Cataloger } from '../model';
import { CatalogError } from './catalog.error';

/**
 * An explicit, ordered list of catalogers. Ids must be unique: the id and the version of every
 * cataloger go into the layer cache key, so two catalogers sharing an id would poison the cache.
 */
export class CatalogerRegistry {
  private readonly byId = new Map<string, Cataloger>();

  constructor(catalogers: Iterable<Cataloger> = []) {
    for (const c of catalogers) this.register(c);
  }

  register(cataloger: Cataloger): this {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(cataloger.id)) {
      throw new CatalogError('invalid-cataloger', `cataloger id "${cataloger.id}" must be lower-case kebab-case`);
    }
    if (!Number.isInteger(cataloger.version) || cataloger.version < 1) {
      throw new CatalogError('invalid-cataloger', `cataloger "${cataloger.id}" has an invalid version ${String(cataloger.version)}`);
    }
    if (this.byId.has(cataloger.id)) {
      throw new CatalogError('duplicate-cataloger', `a cataloger with id "${cataloger.id}" is already registered`);
    }
    this.byId.set(cataloger.id, cataloger);
    return this;
  }

  get(id: string): Cataloger | undefined {
    return this.byId.get(id);
  }

  list(): Cataloger[] {
    return [...this.byId.values()];
  }

  /** `id@version` of every cataloger, in registration order: feed this into cache keys. */
  fingerprint(): string {
    return this.list()
      .map((c) => `${c.id}@${c.version}`)
      .join(',');
  }
}
