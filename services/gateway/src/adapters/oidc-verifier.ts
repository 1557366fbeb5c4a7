import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

/** Verifies bearer JWTs against the issuer's JWKS (keys fetched and cached by jose). */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcSettings) {
    this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  }

  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.jwks, {
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
      clockTolerance: 30,
      requiredClaims: ['sub', 'exp'],
    });
    return payload;
  }
}
