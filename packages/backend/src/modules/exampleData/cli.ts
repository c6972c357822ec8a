/*
 * `yarn example-data [--config <file>...]`: builds the example data now, whether or not it is
 * current, where the configuration's dataMeshPortal.exampleData says (by default the
 * app-config.yaml of the repository: the DuckDB file of `yarn start`). Run in packages/backend,
 * as the backend is, so relative paths mean the same.
 */
import { ConfigSources } from '@backstage/config-loader';
import { buildExampleData, readExampleDataSettings } from './build';

async function main() {
  const config = await ConfigSources.toConfig(
    ConfigSources.default({ argv: process.argv.slice(2), rootDir: '../..' }),
  );
  const settings = readExampleDataSettings(config);
  config.close();
  if (!settings) {
    throw new Error(
      'No dataMeshPortal.exampleData in the configuration: nothing to build',
    );
  }
  const result = await buildExampleData(settings, {
    now: new Date(),
    force: true,
  });
  const where =
    settings.target.type === 'duckdb'
      ? settings.target.path
      : `PostgreSQL database ${settings.target.database} on ${settings.target.host}`;
  process.stdout.write(
    `Example data: ${result.rows} rows in ${
      result.tables
    } tables written to ${where} in ${Math.round(result.durationMs)} ms\n`,
  );
}

main().catch(error => {
  process.stderr.write(
    `Example data was not built: ${error?.message ?? error}\n`,
  );
  process.exit(1);
});
