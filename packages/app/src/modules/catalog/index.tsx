import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import { catalogPageWithColumns } from './catalogPage';
import { OldCatalogLinks } from './OldCatalogLinks';

// A wrapper, not a root element: root elements render beside the sign-in page, and navigating
// while it restores the session makes it forget the provider (the next reload signs out).
const oldCatalogLinks = AppRootWrapperBlueprint.make({
  name: 'old-catalog-links',
  params: {
    component: ({ children }) => (
      <>
        <OldCatalogLinks />
        {children}
      </>
    ),
  },
});

/** The catalog at /catalog with the data product columns. */
export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [catalogPageWithColumns],
});

/** The old root links to the catalog redirected: root wrappers are an input of the app's own. */
export const oldCatalogLinksModule = createFrontendModule({
  pluginId: 'app',
  extensions: [oldCatalogLinks],
});
