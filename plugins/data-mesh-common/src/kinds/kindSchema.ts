import { Entity, entityKindSchemaValidator } from '@backstage/catalog-model';
import { DATA_MESH_API_VERSION } from './constants';

/** JSON schema of a data mesh kind: the catalog's Entity envelope plus the kind's own spec. */
export function dataMeshKindSchema(options: {
  id: string;
  kind: string;
  description: string;
  spec: object;
}) {
  return {
    $schema: 'http://json-schema.org/draft-07/schema',
    $id: options.id,
    description: options.description,
    allOf: [
      { $ref: 'Entity' },
      {
        type: 'object',
        required: ['spec'],
        properties: {
          apiVersion: { enum: [DATA_MESH_API_VERSION] },
          kind: { enum: [options.kind] },
          spec: options.spec,
        },
      },
    ],
  };
}

/**
 * A type guard over a kind schema: false for other kinds and apiVersions, so the entity is left
 * to other validators; throws an error naming the field for an invalid entity of the kind.
 */
export function createKindValidator<T extends Entity>(schema: object) {
  const validate = entityKindSchemaValidator(schema);
  return (entity: unknown): entity is T => validate(entity) !== false;
}
