import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Engines must stay usable from the CLI and from any service: no framework, ORM, broker or
// tracing SDK inside them.
const frameworkImports = ['@nestjs/*', 'typeorm', '@nats-io/*', 'nats', 'pg', '@opentelemetry/*', 'fastify'];

const constraints = (forTests) => {
  // Tests of any project may use the test infrastructure library; shipped code may not.
  const testing = forTests ? ['type:testing'] : [];
  return [
    { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [...testing] },
    {
      sourceTag: 'type:engine',
      onlyDependOnLibsWithTags: ['type:engine', 'type:contracts', ...testing],
      bannedExternalImports: frameworkImports,
    },
    { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:engine', ...testing] },
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:engine'] },
    // A service may use libraries, never another service.
    { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:engine', ...testing] },
  ];
};

const testFiles = ['**/*.spec.ts', '**/*.test.ts', '**/test/**/*.ts', 'tests/**/*.ts'];

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', '**/vitest.config.ts', 'tmp/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(false) }],
    },
  },
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(true) }],
    },
  },
];
