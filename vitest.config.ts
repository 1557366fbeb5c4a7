import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const libs = ['contracts', 'platform', 'testing', 'crypto', 'versions', 'vulndb', 'scanner', 'rules'];
// Tests run against the TypeScript sources, never a stale dist/.
const alias = Object.fromEntries(
  libs.map((name) => [`@lazaret/${name}`, fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url))]),
);

// SWC (not esbuild) so that Nest's constructor injection sees emitted decorator metadata.
const plugins = [
  swc.vite({
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
  }),
];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'services/*/src/**/*.spec.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          globalSetup: ['tests/setup/global-setup.ts'],
          include: ['libs/*/test/**/*.int.spec.ts', 'services/*/test/**/*.int.spec.ts', 'tests/integration/**/*.test.ts'],
          // Integration suites share one NATS server and one Postgres; each isolates itself by
          // its own schema and stream names, but running the files one at a time keeps the
          // 2-core CI machine from thrashing.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
