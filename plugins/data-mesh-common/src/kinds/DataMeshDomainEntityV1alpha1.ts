import { Entity } from '@backstage/catalog-model';
import { createKindValidator, dataMeshKindSchema } from './kindSchema';
import { DATA_MESH_API_VERSION } from './constants';

/** A domain's own governance policy, applied to its products and its subdomains' products. @public */
export type DomainPolicy = {
  id: string;
  title?: string;
  description?: string;
  severity?: 'error' | 'warning';
  enforcement?: 'draft' | 'warn' | 'enforce' | 'retired';
  appliesTo?: string;
  rule: string;
  remediation?: string;
};

/**
 * The data mesh flavour of the built-in Domain kind. The built-in processor still emits its
 * owner and subdomain relations; this kind adds the data mesh fields.
 * @public
 */
export interface DataMeshDomainEntityV1alpha1 extends Entity {
  apiVersion: typeof DATA_MESH_API_VERSION;
  kind: 'Domain';
  spec: {
    owner: string;
    type?: string;
    subdomainOf?: string;
    dataSteward?: string;
    policies?: DomainPolicy[];
  };
}

/** @public */
export const dataMeshDomainEntityV1alpha1Schema = dataMeshKindSchema({
  id: 'DataMeshDomainV1alpha1',
  kind: 'Domain',
  description:
    'A data mesh domain: owns data products and may add its own governance policies.',
  spec: {
    type: 'object',
    required: ['owner'],
    additionalProperties: false,
    properties: {
      owner: { type: 'string', minLength: 1 },
      type: { type: 'string', minLength: 1 },
      subdomainOf: { type: 'string', minLength: 1 },
      dataSteward: { type: 'string', minLength: 1 },
      policies: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'rule'],
          properties: {
            id: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
            title: { type: 'string' },
            description: { type: 'string' },
            severity: { enum: ['error', 'warning'] },
            enforcement: {
              enum: ['draft', 'warn', 'enforce', 'retired'],
            },
            appliesTo: { type: 'string', minLength: 1 },
            rule: { type: 'string', minLength: 1 },
            remediation: { type: 'string' },
          },
        },
      },
    },
  },
});

/**
 * Validates an entity as a data mesh Domain; false for any other kind or apiVersion, throws
 * naming the field when a data mesh Domain breaks the schema.
 * @public
 */
export const isValidDataMeshDomainEntity =
  createKindValidator<DataMeshDomainEntityV1alpha1>(
    dataMeshDomainEntityV1alpha1Schema,
  );
