import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import path from 'node:path';
import { readStamp } from './build';
import { exampleDataModule } from './module';

jest.setTimeout(120_000);

const EXAMPLES = path.resolve(__dirname, '../../../../../examples');

/** The plugin the module extends, standing in for the data mesh backend. */
const dataMeshPlugin = createBackendPlugin({
  pluginId: 'data-mesh',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});

describe('exampleDataModule', () => {
  const dir = createMockDirectory();

  it('builds the example data before the backend has started', async () => {
    const file = dir.resolve('data/example-data.duckdb');
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        exampleDataModule,
        mockServices.rootConfig.factory({
          data: {
            dataMeshPortal: {
              exampleData: {
                examplesDirectory: EXAMPLES,
                target: { type: 'duckdb', path: file },
              },
            },
          },
        }),
      ],
    });
    try {
      expect(await readStamp({ type: 'duckdb', path: file })).toMatchObject({
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    } finally {
      await backend.stop();
    }
  });

  it('logs a failed build and lets the backend start', async () => {
    const logger = mockServices.logger.mock();
    const backend = await startTestBackend({
      features: [
        dataMeshPlugin,
        exampleDataModule,
        logger.factory,
        mockServices.rootConfig.factory({
          data: {
            dataMeshPortal: {
              exampleData: {
                examplesDirectory: dir.resolve('no-examples-here'),
                target: { type: 'duckdb', path: dir.resolve('other.duckdb') },
              },
            },
          },
        }),
      ],
    });
    try {
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Example data was not built: .*no-examples-here/,
        ),
      );
    } finally {
      await backend.stop();
    }
  });

  it('starts without dataMeshPortal.exampleData, building nothing', async () => {
    const before = Object.keys(dir.content() ?? {});
    const backend = await startTestBackend({
      features: [dataMeshPlugin, exampleDataModule],
    });
    await backend.stop();
    expect(Object.keys(dir.content() ?? {})).toEqual(before);
  });
});
