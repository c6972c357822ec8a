import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { MAX_SCORECARD_REFS } from '../api';

// The generator is a plain Node script, run by `yarn generate:openapi` as well.
const {
  generateOpenApiFiles,
  GENERATED_DIRS,
  ROOT,
  SPEC_PATH,
  COMMAND,
} = require('../../scripts/generate-openapi');

jest.setTimeout(60_000);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(ROOT, dir), {
    withFileTypes: true,
  });
  const nested = await Promise.all(
    entries.map(entry =>
      entry.isDirectory()
        ? filesUnder(`${dir}/${entry.name}`)
        : [`${dir}/${entry.name}`],
    ),
  );
  return nested.flat();
}

describe('the OpenAPI spec of /api/data-mesh', () => {
  it('is what the committed types, client and endpoint map were generated from', async () => {
    const generated: Array<{ path: string; content: string }> =
      await generateOpenApiFiles();
    for (const file of generated) {
      const committed = await fs
        .readFile(path.join(ROOT, file.path), 'utf8')
        .catch(() => undefined);
      if (committed !== file.content) {
        throw new Error(
          `${file.path} is not generated from ${SPEC_PATH}: run \`${COMMAND}\``,
        );
      }
    }
    const committed = (
      await Promise.all(GENERATED_DIRS.map(filesUnder))
    ).flat();
    expect(committed.sort()).toEqual(generated.map(f => f.path).sort());
  });

  it('limits a batch of scorecards as the exported constant says', async () => {
    const spec = YAML.parse(
      await fs.readFile(path.join(ROOT, SPEC_PATH), 'utf8'),
    );
    expect(
      spec.components.schemas.ScorecardSummariesRequest.properties.entityRefs
        .maxItems,
    ).toBe(MAX_SCORECARD_REFS);
  });
});
