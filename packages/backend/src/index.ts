/*
 * The example portal's backend: a standard Backstage backend with the data mesh plugins added,
 * one line each, as their READMEs tell a platform admin to do.
 */

import { createBackend } from '@backstage/backend-defaults';
import { catalogModuleFileTextPlaceholder } from './modules/catalogFileTextPlaceholder';
import { searchEngineModule } from './modules/searchEngine';
import { dataMeshPermissionPolicyModule } from './modules/dataMeshPermissionPolicy';
import { catalogModuleFileLocations } from './modules/catalogFileLocations';
import { productionConfigCheckServiceFactory } from './modules/productionConfig';
import { exampleDataModule } from './modules/exampleData';
import { authModuleE2eUserSignIn } from './modules/e2eUserSignIn';

const backend = createBackend();

// Outside development, refuse to start on the development defaults (a public pipeline token,
// guest sign-in, the guest a governance admin), naming each missing setting.
backend.add(productionConfigCheckServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// A second identity for the end-to-end tests (a product owner beside the guest): enabled only by
// app-config.e2e.yaml's auth.providers.e2e-user, never in a real deployment.
backend.add(authModuleE2eUserSignIn);

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// the examples are registered from disk: let their $text placeholders read files beside them
backend.add(catalogModuleFileTextPlaceholder);

// data mesh plugins
backend.add(import('@datamesh-portal/plugin-catalog-backend-module-data-mesh'));
backend.add(import('@datamesh-portal/plugin-data-mesh-backend'));
backend.add(
  import('@datamesh-portal/plugin-scaffolder-backend-module-data-mesh'),
);
// The example portal's data: the tables of every example output port, for contract tests.
backend.add(exampleDataModule);
// New products are published to a local directory (no Git host needed): let the catalog
// register those repositories as file locations, and no other files of this machine.
backend.add(catalogModuleFileLocations);

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Governance admins decide waivers, product owners request them; everything else is allowed.
backend.add(dataMeshPermissionPolicyModule);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine: PostgreSQL's full-text search on PostgreSQL, Lunr otherwise, answering an
// empty result for a type not indexed (yet) instead of a 500.
// See https://backstage.io/docs/features/search/search-engines
backend.add(searchEngineModule);

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
// Data products with their domain, owner and level.
backend.add(import('@datamesh-portal/plugin-search-backend-module-data-mesh'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// A backend that cannot start says why and exits, rather than lingering half started.
backend.start().catch(error => {
  console.error(`Backend start-up failed: ${error?.message ?? error}`);
  process.exit(1);
});
