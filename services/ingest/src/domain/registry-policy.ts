/**
 * Which registries users may ask the platform to pull from. The scanning service fetches what
 * it is told to: without a limit, a submission could make it reach internal addresses (SSRF).
 * Patterns are registry hosts with optional port and `*` wildcards, e.g. `ghcr.io`,
 * `*.example.com`, `127.0.0.1:*`. `*` alone allows every registry.
 */
export class RegistryPolicy {
  private readonly patterns: RegExp[];

  constructor(
    allowlist: string,
    private readonly allowInsecure: boolean,
  ) {
    this.patterns = allowlist
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean)
      .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`));
  }

  /** Undefined when allowed; otherwise why not. */
  check(reference: string, insecure: boolean): string | undefined {
    const registry = registryOf(reference);
    if (!this.patterns.some((p) => p.test(registry))) return `registry ${registry} is not in the allowed list (LAZARET_REGISTRY_ALLOWLIST)`;
    if (insecure && !this.allowInsecure) return 'plain-HTTP registries are disabled here (LAZARET_ALLOW_INSECURE_REGISTRIES)';
    return undefined;
  }
}

/** The registry host of a reference, as Docker resolves it (`docker.io` when none is written). */
export function registryOf(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash === -1) return 'docker.io';
  const first = reference.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first.toLowerCase() : 'docker.io';
}
