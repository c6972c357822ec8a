import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessorParser,
  parseEntityYaml,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  importOdpsDocument,
  inputErrorWithProblems,
  problemsOf,
} from '@datamesh-portal/plugin-data-mesh-common';

/** What a product imported from ODPS gets where the document names no owner or domain. */
export interface OdpsImportDefaults {
  defaultOwner: string;
  defaultDomain: string;
}

// ODPS documents say `apiVersion: v1.0.0`, where catalog entities have a group/version.
function isOdpsDocument(entity: Entity): boolean {
  return (
    entity.kind === 'DataProduct' &&
    typeof entity.apiVersion === 'string' &&
    /^v\d+\.\d+\.\d+$/.test(entity.apiVersion)
  );
}

/**
 * The catalog's YAML parser, plus: a document in the Bitol ODPS format becomes a DataProduct
 * entity, so any `url` or `file` location may point at a plain `.odps.yaml`. Everything else is
 * parsed exactly as the catalog's own parser does.
 */
export function createOdpsEntityDataParser(
  defaults: OdpsImportDefaults,
): CatalogProcessorParser {
  return async function* parseWithOdps({ data, location }) {
    for (const result of parseEntityYaml(data, location)) {
      if (result.type !== 'entity' || !isOdpsDocument(result.entity)) {
        yield result;
        continue;
      }
      try {
        yield processingResult.entity(
          result.location,
          importOdpsDocument(result.entity, defaults),
        );
      } catch (error) {
        yield {
          type: 'error',
          location: result.location,
          error: inputErrorWithProblems(
            `ODPS document ${location.target} is invalid: ${
              (error as Error).message
            }`,
            problemsOf(error) ?? [],
          ),
        };
      }
    }
  };
}
