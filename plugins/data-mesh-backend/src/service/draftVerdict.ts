import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  dataMeshDraftPoliciesReadPermission,
  describeInvalidFactSource,
  EvaluateResponse,
  isValidDataProductEntity,
} from '@datamesh-portal/plugin-data-mesh-common';
import { CallerChecks } from './callerChecks';
import { EvaluationService } from './EvaluationService';

/**
 * The verdict on a draft product (a dry run, nothing stored), as `POST /evaluate` and the
 * `check-data-product` action give it, for the template's live verdict, CI and assistants
 * alike. The catalog and stored facts are read as the caller; draft policies are shown to
 * those who may read them (governance admins) only.
 */
export async function draftVerdict(
  options: { evaluations: EvaluationService; checks: CallerChecks },
  credentials: BackstageCredentials,
  draft: { entity: unknown; facts?: Record<string, unknown> },
): Promise<EvaluateResponse> {
  const { entity, facts = {} } = draft;
  for (const source of Object.keys(facts)) {
    const problem = describeInvalidFactSource(source);
    // A source that is no identifier is quoted: `facts.:: ...` would not name it.
    if (problem) {
      throw new InputError(`facts[${JSON.stringify(source)}]: ${problem}`);
    }
  }
  // Throws an InputError naming every bad field of a DataProduct.
  if (!isValidDataProductEntity(entity)) {
    throw new InputError(
      'entity: must be a DataProduct (apiVersion datamesh-portal.io/v1alpha1)',
    );
  }
  const withDrafts = await options.checks.isAllowed(
    credentials,
    dataMeshDraftPoliciesReadPermission,
  );
  const verdict = await options.evaluations.dryRun(
    entity,
    facts as Record<string, Record<string, unknown>>,
    credentials,
  );
  return {
    scorecard: verdict.scorecard,
    governance: {
      ...verdict.governance,
      results: withDrafts
        ? verdict.governance.results
        : verdict.governance.results.filter(r => r.enforcement !== 'draft'),
    },
  };
}
