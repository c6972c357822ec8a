export {
  boundProblems,
  formatProblem,
  formatProblems,
  inputErrorWithProblems,
  MAX_PROBLEMS,
  problemsOf,
} from './problems';
export type { Problem } from './problems';
export { schemaProblems } from './schemaProblems';
