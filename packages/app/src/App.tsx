import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { catalogModule, oldCatalogLinksModule } from './modules/catalog';

export default createApp({
  features: [
    catalogPlugin,
    catalogModule,
    oldCatalogLinksModule,
    navModule,
    homeModule,
  ],
});
