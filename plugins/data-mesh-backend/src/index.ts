/**
 * The data mesh backend: facts, scorecards, governance and the `/api/data-mesh` REST API.
 *
 * @packageDocumentation
 */
export { dataMeshPlugin as default } from './plugin';
