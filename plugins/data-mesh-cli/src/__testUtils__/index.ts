import path from 'node:path';
import { main } from '../main';

/** The package's directory: fixture paths in tests are relative to it. */
export const PACKAGE_DIR = path.resolve(__dirname, '../..');

/** The repository's root, holding `examples/` and `app-config.yaml`. */
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/** A fixed evaluation time, so results do not depend on the clock. */
export const NOW = new Date('2026-11-02T10:00:00Z');

export const FIXTURES = 'src/__fixtures__';
export const ENTITIES = `${FIXTURES}/entities`;
export const product = (name: string) => `${FIXTURES}/products/${name}.yaml`;

/** Runs the command as the bin does, capturing what it prints. */
export async function run(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    cwd: options.cwd ?? PACKAGE_DIR,
    now: NOW,
  });
  return { code, stdout, stderr };
}
