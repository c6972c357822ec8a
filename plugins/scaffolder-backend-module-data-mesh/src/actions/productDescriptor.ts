import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DATA_CLASSIFICATIONS,
  DATA_MESH_API_VERSION,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  DataProductEntityV1alpha1,
  isValidDataProductEntity,
  OUTPUT_PORT_TYPES,
} from '@datamesh-portal/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { examples } from './productDescriptor.examples';

/**
 * Writes the `catalog-info.yaml` of a new data product from the template's form, after checking
 * it against the DataProduct schema so that a bad form never produces a descriptor the catalog
 * would refuse.
 * @public
 */
export function createProductDescriptorAction() {
  return createTemplateAction({
    id: 'data-mesh:product:descriptor',
    description:
      'Writes the catalog-info.yaml of a new DataProduct, validated against the DataProduct schema.',
    examples,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe('Entity name of the product, e.g. customer-orders'),
        title: z => z.string().optional().describe('Human readable name'),
        description: z => z.string().optional(),
        owner: z => z.string().describe('Owning group, e.g. group:sales-data'),
        domain: z => z.string().describe('Domain the product belongs to'),
        status: z => z.enum(DATA_PRODUCT_STATUSES).default('draft'),
        type: z => z.enum(DATA_PRODUCT_TYPES).optional(),
        classification: z => z.enum(DATA_CLASSIFICATIONS).optional(),
        personalData: z => z.boolean().optional(),
        purpose: z => z.string().optional(),
        usage: z => z.string().optional(),
        outputPorts: z =>
          z
            .array(
              z.object({
                name: z.string(),
                type: z.enum(OUTPUT_PORT_TYPES),
                description: z.string().optional(),
                contract: z.string().optional(),
              }),
            )
            .optional(),
        targetPath: z =>
          z
            .string()
            .default('.')
            .describe(
              'Directory of the workspace to write catalog-info.yaml into',
            ),
      },
      output: {
        entityRef: z => z.string().describe('Ref of the DataProduct written'),
        descriptorPath: z =>
          z.string().describe('Workspace-relative path of the file'),
      },
    },
    async handler(ctx) {
      const { targetPath, name, title, description, ...spec } = ctx.input;
      const entity: DataProductEntityV1alpha1 = {
        apiVersion: DATA_MESH_API_VERSION,
        kind: 'DataProduct',
        metadata: dropUndefined({ name, title, description }),
        spec: dropUndefined(spec),
      };
      try {
        isValidDataProductEntity(entity);
      } catch (error) {
        throw new InputError(
          `The data product descriptor is invalid: ${(error as Error).message}`,
        );
      }

      const descriptorPath = path.join(targetPath, 'catalog-info.yaml');
      const file = resolveSafeChildPath(ctx.workspacePath, descriptorPath);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, YAML.stringify(entity), 'utf8');
      ctx.logger.info(
        `Wrote ${descriptorPath} for ${stringifyEntityRef(entity)}`,
      );

      ctx.output('entityRef', stringifyEntityRef(entity));
      ctx.output('descriptorPath', descriptorPath);
    },
  });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}
