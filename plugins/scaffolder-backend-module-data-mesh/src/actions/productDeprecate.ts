import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DataProductEntityV1alpha1,
  isDataProductEntity,
  formatProblems,
  inputErrorWithProblems,
  isValidDataProductEntity,
  problemsOf,
  compactEntityRef,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { examples } from './productDeprecate.examples';
import { dropUndefined, initiatorOrOwnCredentials } from './util';

/** Annotations the catalog sets when it reads an entity; they are not part of its descriptor. */
const CATALOG_ANNOTATIONS = [
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
  ANNOTATION_EDIT_URL,
  'backstage.io/managed-by-location-ref',
];

/**
 * Deprecates a data product of the catalog: reads it, and writes its descriptor with
 * `spec.status: deprecated` and `spec.deprecation` (sunset date, replacement) to the
 * workspace, checked against the DataProduct schema. The change is the step's output too, so a
 * template can show it, check it with `data-mesh:governance:check` and publish it (a pull
 * request where a Git host is configured).
 * @public
 */
export function createProductDeprecateAction(options: {
  catalog: CatalogService;
  auth: AuthService;
  /** The clock; tests set it. */
  now?: () => Date;
}) {
  const { catalog, auth, now = () => new Date() } = options;
  return createTemplateAction({
    id: 'data-mesh:product:deprecate',
    description:
      'Writes the descriptor of a catalog DataProduct marked deprecated, with its sunset date and replacement.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The DataProduct to deprecate, e.g. dataproduct:default/customer-orders',
            ),
        sunset: z =>
          z
            .string()
            .describe(
              'Date the product stops being served, YYYY-MM-DD (today or later)',
            ),
        replacedBy: z =>
          z
            .string()
            .optional()
            .describe('The DataProduct that replaces it, if any'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Directory of the workspace to write catalog-info.yaml into; default the workspace root',
            ),
      },
      output: {
        entityRef: z => z.string().describe('Ref of the deprecated product'),
        descriptorPath: z =>
          z.string().describe('Workspace-relative path of the file'),
        descriptor: z =>
          z.string().describe('The changed descriptor, as YAML text'),
        entity: z =>
          z
            .record(z.any())
            .describe(
              'The changed DataProduct, e.g. for data-mesh:governance:check',
            ),
        sourceLocation: z =>
          z
            .string()
            .optional()
            .describe(
              'Where the catalog read the product from: the file to change',
            ),
      },
    },
    async handler(ctx) {
      const { entityRef, sunset, targetPath = '.' } = ctx.input;
      let ref;
      try {
        ref = parseEntityRef(entityRef, { defaultKind: 'DataProduct' });
      } catch (error) {
        throw new InputError(`entityRef: ${(error as Error).message}`);
      }
      const credentials = await initiatorOrOwnCredentials(ctx, auth);
      const found = await catalog.getEntityByRef(ref, { credentials });
      if (!found) {
        throw new NotFoundError(
          `entityRef: no entity ${stringifyEntityRef(ref)} in the catalog`,
        );
      }
      // A copy of our own: the change is made on it, and it is plain JSON like a descriptor.
      const stored = JSON.parse(JSON.stringify(found)) as Entity;
      if (!isDataProductEntity(stored)) {
        throw new InputError(
          `entityRef: ${stringifyEntityRef(stored)} is not a DataProduct`,
        );
      }
      if (stored.spec.status === 'retired') {
        throw new InputError(
          `${stringifyEntityRef(
            stored,
          )} is retired already; a retired product is not deprecated again`,
        );
      }
      if (/^\d{4}-\d{2}-\d{2}$/.test(sunset)) {
        const today = now().toISOString().slice(0, 10);
        if (sunset < today) {
          throw new InputError(
            `sunset: ${sunset} is in the past; choose today (${today}) or a later date`,
          );
        }
      }

      const namespace = stored.metadata.namespace ?? 'default';
      const replacedBy = ctx.input.replacedBy
        ? compactEntityRef(ctx.input.replacedBy, {
            defaultKind: 'DataProduct',
            namespace,
          })
        : undefined;
      if (
        replacedBy &&
        compactEntityRef(stringifyEntityRef(stored), {
          defaultKind: 'DataProduct',
          namespace,
        }) === replacedBy
      ) {
        throw new InputError(
          'replacedBy: a product cannot be replaced by itself',
        );
      }

      const entity: DataProductEntityV1alpha1 = {
        apiVersion: stored.apiVersion,
        kind: stored.kind,
        metadata: descriptorMetadata(stored),
        spec: {
          ...stored.spec,
          status: 'deprecated',
          deprecation: dropUndefined({ sunset, replacedBy }),
        },
      };
      try {
        isValidDataProductEntity(entity);
      } catch (error) {
        const problems = problemsOf(error) ?? [];
        throw inputErrorWithProblems(
          `The deprecated descriptor is invalid: ${formatProblems(problems)}`,
          problems,
        );
      }

      const descriptor = YAML.stringify(entity);
      const descriptorPath = path.join(targetPath, 'catalog-info.yaml');
      const file = resolveSafeChildPath(ctx.workspacePath, descriptorPath);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, descriptor, 'utf8');
      const sourceLocation =
        stored.metadata.annotations?.[ANNOTATION_SOURCE_LOCATION] ??
        stored.metadata.annotations?.[ANNOTATION_LOCATION];
      ctx.logger.info(
        `Wrote ${descriptorPath}: ${stringifyEntityRef(
          entity,
        )} deprecated, sunset ${sunset}${
          replacedBy ? `, replaced by ${replacedBy}` : ''
        }`,
      );

      ctx.output('entityRef', stringifyEntityRef(entity));
      ctx.output('descriptorPath', descriptorPath);
      ctx.output('descriptor', descriptor);
      ctx.output('entity', entity as unknown as Record<string, unknown>);
      if (sourceLocation) ctx.output('sourceLocation', sourceLocation);
    },
  });
}

/** The metadata as its author wrote it: without what the catalog adds when it stores it. */
function descriptorMetadata(stored: Entity): Entity['metadata'] {
  const {
    uid: _uid,
    etag: _etag,
    generation: _generation,
    annotations,
    ...metadata
  } = stored.metadata as Entity['metadata'] & { generation?: number };
  const kept = Object.fromEntries(
    Object.entries(annotations ?? {}).filter(
      ([key]) => !CATALOG_ANNOTATIONS.includes(key),
    ),
  );
  if (metadata.namespace === 'default') delete metadata.namespace;
  return {
    ...metadata,
    ...(Object.keys(kept).length ? { annotations: kept } : {}),
  };
}
