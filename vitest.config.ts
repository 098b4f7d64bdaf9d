import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql ships CommonJS (index.js) and ESM (index.mjs) side by side without an exports map.
// Node resolves every import of it, ours and those of Apollo Server, graphql-ws and
// graphql-scalars, to the CommonJS build; Vite would give test-transformed code the ESM build,
// and graphql refuses schemas made by "another module or realm". One instance, as in production.
const graphqlAlias = { alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }] };

// Two projects: pure unit tests run in parallel; integration and end-to-end tests share the one
// real Neo4j and Redis that test/support/global-setup.ts starts, so their files run one at a
// time and each isolates itself (wipes the graph, uses its own Redis key prefix).
export default defineConfig({
  test: {
    projects: [
      {
        resolve: graphqlAlias,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: graphqlAlias,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
