import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { entityRefKey } from '@datamesh-portal/plugin-data-mesh-common';
import YAML from 'yaml';
import { draftVerdict } from '../service/draftVerdict';
import {
  describeGovernance,
  describeScorecard,
  governanceSchema,
  scorecardSchema,
} from './verdict';
import { DataMeshActionsOptions } from './shared';

/** The descriptor, as an object or as the YAML (or JSON) text of one document. */
function parseDescriptor(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let documents: YAML.Document.Parsed[];
  try {
    documents = YAML.parseAllDocuments(value) as YAML.Document.Parsed[];
  } catch (error) {
    throw new InputError(`descriptor: not YAML: ${(error as Error).message}`);
  }
  if (documents.length !== 1) {
    throw new InputError(
      `descriptor: must be one YAML document, got ${documents.length}`,
    );
  }
  const [document] = documents;
  if (document.errors.length > 0) {
    throw new InputError(`descriptor: not YAML: ${document.errors[0].message}`);
  }
  return document.toJS({ maxAliasCount: 100 });
}

/**
 * `check-data-product`: the verdict on a draft descriptor, nothing stored: the same dry run
 * as the template's live verdict and `data-mesh-check --url` (`POST /evaluate`).
 */
export function registerCheckDataProductAction(
  options: DataMeshActionsOptions,
) {
  const { actionsRegistry, evaluations, checks, catalog } = options;
  actionsRegistry.register({
    name: 'check-data-product',
    title: 'Check a draft data product',
    description: `Gives the quality scorecard and governance verdict a draft DataProduct descriptor would get, without storing or publishing anything: the same check as the portal's create-a-product template and the data-mesh-check CLI in CI.
Pass the descriptor (a catalog entity with apiVersion datamesh-portal.io/v1alpha1, kind DataProduct, metadata and spec) as an object or as YAML text. A descriptor the catalog would refuse gets an error naming each bad field.
The verdict lists each check and policy with its outcome; a failing policy whose enforcement is "enforce" blocks creation (compliant is false): its remediation says how to fix it. Optional facts stand in for measurements, e.g. {"contract_tests": {"passed": 10, "failed": 0}}.`,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          descriptor: z
            .union([z.string().min(1).max(100_000), z.object({}).passthrough()])
            .describe(
              'The DataProduct entity: an object, or its YAML text; at most 100 kB',
            ),
          facts: z
            .record(z.object({}).passthrough())
            .optional()
            .describe(
              'Facts by source, as pipelines would push them: {"<source>": {<values>}}',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          scorecard: scorecardSchema(z),
          governance: governanceSchema(z),
        }),
    },
    action: async ({ input, credentials }) => {
      const entity = parseDescriptor(input.descriptor);
      const verdict = await draftVerdict({ evaluations, checks }, credentials, {
        entity,
        facts: input.facts,
      });
      // The validator has made it a DataProduct: its ref, and the domains of its policies.
      const entityRef = entityRefKey(entity as Entity);
      const domainRefs = [
        ...new Set(
          verdict.governance.results.flatMap(r =>
            r.domainRef ? [r.domainRef] : [],
          ),
        ),
      ];
      const { items: domains } = domainRefs.length
        ? await catalog.getEntitiesByRefs(
            { entityRefs: domainRefs },
            { credentials },
          )
        : { items: [] };
      return {
        output: {
          entityRef,
          scorecard: describeScorecard(
            verdict.scorecard,
            evaluations.config.rules,
          ),
          governance: describeGovernance(
            verdict.governance,
            evaluations.policiesOf(
              domains.filter(<T>(d: T | undefined): d is T => d !== undefined),
            ),
          ),
        },
      };
    },
  });
}
