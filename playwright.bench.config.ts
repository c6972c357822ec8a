import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config';

/**
 * The explorer benchmark (`yarn bench:explorer`, part of `yarn bench`): the production build
 * with 10,000 synthetic data products, in the system's Chromium. It starts its own backend.
 */
export default defineConfig({
  ...baseConfig,
  testDir: 'bench',
  testMatch: '**/*.bench.ts',
  timeout: 30 * 60_000,
  retries: 0,
  webServer: [],
  reporter: [['list']],
  projects: [{ name: 'bench' }],
  outputDir: 'e2e-test-results/bench',
});
