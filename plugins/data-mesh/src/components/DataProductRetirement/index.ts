export {
  DataProductRetirement,
  EntityDataProductRetirement,
} from './DataProductRetirement';
