import {
  Content,
  Header,
  Page,
  TabbedLayout,
} from '@backstage/core-components';
import { MyAccessRequests } from '../Access';
import { DomainMap } from './DomainMap';
import { MeshInsight } from './MeshInsight';
import { ProductExplorer } from './ProductExplorer';

/** The explorer as a tab's content. @public */
export function ProductExplorerContent() {
  return (
    <Content>
      <ProductExplorer />
    </Content>
  );
}

/** The domain map as a tab's content. @public */
export function DomainMapContent() {
  return (
    <Content>
      <DomainMap />
    </Content>
  );
}

/** The insight as a tab's content. @public */
export function MeshInsightContent() {
  return (
    <Content>
      <MeshInsight />
    </Content>
  );
}

/**
 * The data mesh home for the legacy frontend system: a page with a header and the tabs
 * Explorer (at the page's own path), Domain map (`domain-map`), Insight (`insight`) and My access (`my-access`).
 * @public
 */
export function DataMeshHomePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Data mesh"
        subtitle="Find data products, see how domains fit together and how the mesh is doing"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Explorer">
          <ProductExplorer />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/domain-map" title="Domain map">
          <DomainMap />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/insight" title="Insight">
          <MeshInsight />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/my-access" title="My access">
          <MyAccessRequests />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
