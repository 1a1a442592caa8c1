import { defineConfig } from 'vitest/config';

// Three projects by where the code runs; end-to-end tests are Playwright's (tests/e2e).
export default defineConfig({
  test: {
    // PGlite instances are heavy; these machines have two cores.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'shared',
          environment: 'node',
          include: ['tests/shared/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'main',
          environment: 'node',
          include: ['tests/main/**/*.test.ts', 'tests/packaging/**/*.test.ts', 'tests/lint/**/*.test.ts'],
          exclude: ['tests/main/workflows/crashInjection.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Kills and restarts `chorus serve` some 65 times; run on its own so it does not starve the rest.
        test: {
          name: 'crash',
          environment: 'node',
          include: ['tests/main/workflows/crashInjection.test.ts'],
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['tests/renderer/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
});
