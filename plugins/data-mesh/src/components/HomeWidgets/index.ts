export { DecisionsAwaitingMe } from './DecisionsAwaitingMe';
export { MeshHealth } from './MeshHealth';
export { MyTeamsDataProducts } from './MyTeamsDataProducts';
