import {
  coreServices,
  createBackendModule,
  isChildPath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogProcessorParser,
  catalogLocationsExtensionPoint,
  catalogProcessingExtensionPoint,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { LOCAL_PUBLISH_DIRECTORY_CONFIG } from '@datamesh-portal/plugin-scaffolder-backend-module-data-mesh';
import express, { RequestHandler } from 'express';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The directories the catalog may read `file` locations from: the directory of each `file`
 * location of the app config (the example organisations, `examples/`) and the directory
 * `data-mesh:publish:local` writes repositories to. Relative paths are resolved against the
 * working directory, as the catalog does.
 */
export function allowedFileRoots(config: Config): string[] {
  const roots = (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(location => location.getString('type') === 'file')
    .map(location => path.dirname(path.resolve(location.getString('target'))));
  const publishDirectory = config.getOptionalString(
    LOCAL_PUBLISH_DIRECTORY_CONFIG,
  );
  if (publishDirectory) roots.push(path.resolve(publishDirectory));
  return [...new Set(roots)];
}

/**
 * Why the catalog may not read the `file` location `target`, or undefined when it may. A
 * target names one file (patterns could reach anywhere: `/**\/*.yaml`) inside one of `roots`,
 * after resolving `..` and symbolic links (`isChildPath` compares real paths, also of files
 * that do not exist yet).
 */
export function fileLocationRefusal(
  target: string,
  roots: string[],
): string | undefined {
  const where = roots.length
    ? `inside ${roots.join(' or ')}`
    : 'nowhere (no directory is configured)';
  // Every glob pattern needs one of these characters; refusing them all is simpler than
  // knowing every glob syntax the catalog's reader understands.
  if (/[*?[\]{}()]/.test(target)) {
    return `File location ${target} is a pattern: a file location names one file, ${where}`;
  }
  const file = path.resolve(target);
  if (!roots.some(root => isChildPath(root, file))) {
    return `File location ${target} is outside the directories the catalog may read: a file location names one file ${where} (symbolic links are followed)`;
  }
  return undefined;
}

/**
 * Reads `file` locations, only those {@link fileLocationRefusal} lets through. It runs before
 * the catalog's own FileReaderProcessor (priority 20), which reads any file and pattern, so it
 * also confines `Location` entities found in registered files, and files that changed into
 * symbolic links after they were registered.
 */
export class ConfinedFileReaderProcessor implements CatalogProcessor {
  constructor(private readonly roots: string[]) {}

  getProcessorName() {
    return 'ConfinedFileReaderProcessor';
  }

  getPriority() {
    return 10;
  }

  async readLocation(
    location: { type: string; target: string },
    optional: boolean,
    emit: CatalogProcessorEmit,
    parser: CatalogProcessorParser,
  ): Promise<boolean> {
    if (location.type !== 'file') return false;
    const refusal = fileLocationRefusal(location.target, this.roots);
    if (refusal) {
      emit(processingResult.inputError(location, refusal));
      return true;
    }
    const target = path.normalize(location.target);
    let data: Buffer;
    try {
      data = await fs.readFile(path.resolve(target));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        emit(
          processingResult.generalError(
            location,
            `file ${target} could not be read, ${error}`,
          ),
        );
      } else if (!optional) {
        emit(
          processingResult.notFoundError(
            location,
            `file ${target} does not exist`,
          ),
        );
      }
      return true;
    }
    for await (const result of parser({
      data,
      location: { type: 'file', target },
    })) {
      emit(result);
      emit(processingResult.refresh(`file:${target}`));
    }
    return true;
  }
}

/**
 * Refuses, with a 400 naming the allowed directories, a `file` location registered or updated
 * through the catalog's API outside them. The catalog has no hook to check a location before
 * it stores it (only when it reads it), so this runs on the catalog's router, before its own
 * routes.
 */
function refuseFileLocationsOutside(roots: string[]) {
  const check: RequestHandler = (req, _res, next) => {
    const { type, target } = req.body ?? {};
    const refusal =
      type === 'file' && typeof target === 'string'
        ? fileLocationRefusal(target, roots)
        : undefined;
    next(refusal ? new InputError(refusal) : undefined);
  };
  const router = express.Router();
  router.post('/locations', express.json(), check);
  router.put('/locations/:id', express.json(), check);
  return router;
}

/**
 * Lets the catalog register `file` locations through its API (it accepts `url` ones only by
 * default), so that `data-mesh:publish:local` can register the repositories it writes to a
 * local directory; confined to that directory and the example organisations' directory, so
 * that a user allowed to register locations cannot point the catalog at other files of the
 * backend's machine. For this embedded example portal only: a shared portal publishes to a Git
 * host and registers `url` locations.
 */
export const catalogModuleFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-locations',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        locations: catalogLocationsExtensionPoint,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, httpRouter, locations, processing }) {
        const roots = allowedFileRoots(config);
        locations.setAllowedLocationTypes(['url', 'file']);
        processing.addProcessor(new ConfinedFileReaderProcessor(roots));
        // Modules are initialised before their plugin: this runs before the catalog's routes.
        httpRouter.use(refuseFileLocationsOutside(roots));
      },
    });
  },
});
