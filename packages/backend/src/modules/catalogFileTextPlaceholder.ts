import {
  createBackendModule,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  PlaceholderResolver,
} from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * `$text` that also works in descriptors registered as `file` locations. The built-in resolver
 * only resolves relative paths against URLs, but the example portal registers its examples
 * (API entities with `$text: ./contracts/x.odcs.yaml`) from disk. Relative paths stay inside
 * the descriptor's directory; everything else goes the built-in way.
 */
export const resolveText: PlaceholderResolver = async ({
  key,
  value,
  baseUrl,
  read,
  resolveUrl,
}) => {
  if (typeof value !== 'string') {
    throw new Error(`Placeholder $${key} expected a string value parameter`);
  }
  if (path.isAbsolute(baseUrl) && !/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    const file = resolveSafeChildPath(path.dirname(baseUrl), value);
    return fs.readFile(file, 'utf8');
  }
  return (await read(resolveUrl(value, baseUrl))).toString('utf8');
};

export const catalogModuleFileTextPlaceholder = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-text-placeholder',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addPlaceholderResolver('text', resolveText);
      },
    });
  },
});
