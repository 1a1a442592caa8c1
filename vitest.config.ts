import { defineConfig } from 'vitest/config';

// Three projects by where the code runs; end-to-end tests are Playwright's (tests/e2e).
export default defineConfig({
  test: {
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
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // PGlite instances are heavy; two cores, two workers.
          maxWorkers: 2,
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
