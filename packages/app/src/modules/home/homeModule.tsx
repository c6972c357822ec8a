import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

// The home page is about the mesh: the search bar (from the search plugin), then these
// widgets; app-config.yaml lays them out (page:home defaultConfig).

const myTeamsProducts = HomePageWidgetBlueprint.make({
  name: 'my-teams-data-products',
  params: {
    name: 'MyTeamsDataProducts',
    title: "Your teams' data products",
    description:
      'The data products your teams own: status, score, level and compliance',
    components: async () => {
      const { MyTeamsDataProducts } = await import(
        '@datamesh-portal/plugin-data-mesh'
      );
      return { Content: MyTeamsDataProducts };
    },
  },
});

const decisions = HomePageWidgetBlueprint.make({
  name: 'decisions-awaiting-me',
  params: {
    name: 'DecisionsAwaitingMe',
    title: 'Awaiting your decision',
    description:
      "Access requests on your teams' products and, for governance, waiver requests",
    components: async () => {
      const { DecisionsAwaitingMe } = await import(
        '@datamesh-portal/plugin-data-mesh'
      );
      return { Content: DecisionsAwaitingMe };
    },
  },
});

const meshHealth = HomePageWidgetBlueprint.make({
  name: 'mesh-health',
  params: {
    name: 'MeshHealth',
    title: 'Mesh health',
    description: 'Products compliant, average score and regressions',
    components: async () => {
      const { MeshHealth } = await import('@datamesh-portal/plugin-data-mesh');
      return { Content: MeshHealth };
    },
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [myTeamsProducts, decisions, meshHealth],
});
