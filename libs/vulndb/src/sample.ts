import { join } from 'node:path';

/**
 * The shipped sample database: genuine advisories (see data/sample/README.md), so a fresh
 * install shows real findings offline. Works from src/ (tests) and dist/ (built) alike.
 */
export const SAMPLE_DATA = {
  osv: join(__dirname, '..', 'data', 'sample', 'osv'),
  kev: join(__dirname, '..', 'data', 'sample', 'enrichment', 'known_exploited_vulnerabilities.json'),
};
