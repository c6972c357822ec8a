export {
  DataMeshHomePage,
  DomainMapContent,
  MeshInsightContent,
  ProductExplorerContent,
} from './DataMeshHomePage';
