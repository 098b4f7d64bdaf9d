/**
 * The architecture's layering, enforced on every `npm test` (npm run lint:deps). Type-only
 * imports count: a type dependency is still a dependency of the design.
 *
 * - the pure core (src/analytics) imports no driver, queue, GraphQL, HTTP, configuration or
 *   other layer of the product; it takes the clock and its settings as arguments;
 * - the store (src/store) imports nothing of the auth, API or HTTP layers;
 * - the queue layer does not import the HTTP edge or the ingest pipeline;
 * - no import cycles anywhere.
 */

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make layers impossible to test or replace one by one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'analytics-is-pure',
      severity: 'error',
      comment: 'src/analytics is the pure core: no driver, queue, GraphQL, HTTP, environment or other layer.',
      // dga/train.ts is an offline script that builds dga-model.json from a word list (run by
      // hand, imported by nothing): it reads and writes files by design.
      from: { path: '^src/analytics/', pathNot: '^src/analytics/indicators/dga/train[.]ts$' },
      to: {
        path: [
          '^src/(store|queue|api|http|ingest|infra|auth|jobs|responses|risk|settings)/',
          // The normalized event's types (events/event.ts) are the core's input; the parsers are not.
          '^src/events/(?!event[.]ts$)',
          '^src/(config|main|cli|demo|eval|logger|metrics)[.]ts$',
          'node_modules/(neo4j-driver[^/]*|bullmq|ioredis|graphql[^/]*|@apollo/[^/]+|ws|pino|prom-client|zod|dataloader)/',
          '^(node:)?(process|child_process|cluster|worker_threads|net|http|https|fs|fs/promises)$',
        ],
      },
    },
    {
      name: 'store-imports-no-auth-or-api',
      severity: 'error',
      comment: 'The store layer is below auth and the API: it sees neither.',
      from: { path: '^src/store/' },
      to: { path: '^src/(auth|api|http)/' },
    },
    {
      name: 'queue-imports-no-http',
      severity: 'error',
      comment: 'Workers run without the HTTP edge (riskgraph worker).',
      from: { path: '^src/queue/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'queue-imports-no-ingest',
      severity: 'error',
      comment: 'The queue carries jobs to a BatchProcessor; the ingest pipeline builds on the queue, never the reverse.',
      from: { path: '^src/queue/' },
      to: { path: '^src/ingest/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a missing file or an undeclared package).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    // The .cypher, .json and .java files are data, read at run time.
    exclude: { path: '[.](cypher|json|java|xml)$' },
  },
};
