import type { Actor } from '@lazaret/contracts';
import { DomainError } from '@lazaret/platform';
import type { OidcVerifier } from '../adapters/oidc-verifier';
import type { PrincipalRepository } from '../adapters/principal.repository';
import { apiKeyMatches, parseApiKey } from '../domain/api-key';
import { isRole, type Role } from '../domain/roles';

/** Who is calling, as established by authentication. */
export interface Caller {
  id: string;
  name: string;
  roles: Role[];
  /** Repository globs the caller is limited to; empty: no repository limit. */
  scopes: string[];
  method: 'api-key' | 'oidc';
  keyId?: string;
}

export function actorOf(caller: Caller): Actor {
  return { type: 'principal', id: caller.id, name: caller.name, roles: caller.roles };
}

/**
 * Authenticates API keys (`X-API-Key: lzk_…` or `Authorization: Bearer lzk_…`) and OIDC bearer
 * JWTs. Every failure is the same `unauthenticated` error to the caller; the reason is kept for
 * the audit record only.
 */
export class AuthService {
  constructor(
    private readonly principals: PrincipalRepository,
    private readonly oidc: OidcVerifier | undefined,
    private readonly rolesClaim: string,
  ) {}

  async authenticate(headers: { authorization?: string; apiKey?: string }): Promise<Caller> {
    const bearer = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (headers.authorization && !bearer) throw unauthenticated('malformed Authorization header');
    const credential = headers.apiKey ?? bearer;
    if (!credential) throw unauthenticated('no credentials');
    if (credential.startsWith('lzk_')) return this.byApiKey(credential);
    if (credential.split('.').length === 3) return this.byJwt(credential);
    throw unauthenticated('unrecognised credential format');
  }

  private async byApiKey(key: string): Promise<Caller> {
    const parsed = parseApiKey(key);
    if (!parsed) throw unauthenticated('malformed API key');
    const found = await this.principals.keyForAuth(parsed.keyId);
    if (!found || !apiKeyMatches(key, found.hash)) throw unauthenticated('unknown API key', parsed.keyId);
    if (found.key.revokedAt) throw unauthenticated('revoked API key', parsed.keyId);
    if (found.key.expiresAt && Date.parse(found.key.expiresAt) <= Date.now()) throw unauthenticated('expired API key', parsed.keyId);
    if (found.principal.disabledAt) throw unauthenticated('disabled principal', parsed.keyId);
    void this.principals.touchKey(parsed.keyId).catch(() => undefined);
    return { id: found.principal.id, name: found.principal.name, roles: found.principal.roles, scopes: found.principal.scopes, method: 'api-key', keyId: parsed.keyId };
  }

  private async byJwt(token: string): Promise<Caller> {
    if (!this.oidc) throw unauthenticated('OIDC is not configured');
    let claims: Record<string, unknown>;
    try {
      claims = await this.oidc.verify(token);
    } catch (err) {
      throw unauthenticated(`invalid token: ${err instanceof Error ? err.message : String(err)}`);
    }
    const raw = claims[this.rolesClaim];
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
    const roles = [...new Set(list.filter((r): r is string => typeof r === 'string').filter(isRole))];
    const sub = String(claims.sub);
    const name = typeof claims.preferred_username === 'string' ? claims.preferred_username : typeof claims.email === 'string' ? claims.email : sub;
    const scopeClaim = claims['lazaret_scopes'];
    const scopes = Array.isArray(scopeClaim) ? scopeClaim.filter((x): x is string => typeof x === 'string') : [];
    return { id: `oidc:${sub}`, name, roles, scopes, method: 'oidc' };
  }
}

/** The reason is for the audit log; callers only ever see "authentication required". */
export class AuthenticationFailed extends DomainError {
  constructor(
    readonly reason: string,
    readonly keyId?: string,
  ) {
    super('unauthenticated', 'valid credentials are required');
  }
}

function unauthenticated(reason: string, keyId?: string): AuthenticationFailed {
  return new AuthenticationFailed(reason, keyId);
}
