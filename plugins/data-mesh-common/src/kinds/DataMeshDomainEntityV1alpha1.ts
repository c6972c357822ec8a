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
            id: {
              type: 'string',
              pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
              errorMessage: {
                pattern:
                  'must be a policy id such as no-personal-data (lowercase letters and digits, single hyphens between them)',
              },
            },
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
 * The kind each ref field of a data mesh Domain's spec defaults to; the namespace defaults to
 * the domain's own.
 * @public
 */
export const DATA_MESH_DOMAIN_REF_DEFAULT_KINDS = {
  owner: 'Group',
  subdomainOf: 'Domain',
  dataSteward: 'User',
} as const;

/**
 * Whether an entity is a data mesh Domain (the apiVersion and kind only, not the spec): only
 * those are validated by the catalog processor, so only their `spec.policies` are read.
 * @public
 */
export function isDataMeshDomainEntity(
  entity: Entity,
): entity is DataMeshDomainEntityV1alpha1 {
  return (
    entity.apiVersion === DATA_MESH_API_VERSION && entity.kind === 'Domain'
  );
}

/**
 * Validates an entity as a data mesh Domain; false for any other kind or apiVersion (such as
 * the built-in `backstage.io/v1alpha1` Domain), true for a valid one. For an invalid one it
 * throws an `InputError` whose `problems` name each field and what is wrong, including malformed
 * refs in `spec.owner`, `spec.subdomainOf` and `spec.dataSteward`.
 * @public
 */
export const isValidDataMeshDomainEntity =
  createKindValidator<DataMeshDomainEntityV1alpha1>(
    dataMeshDomainEntityV1alpha1Schema,
    {
      refFields: {
        'spec.owner': DATA_MESH_DOMAIN_REF_DEFAULT_KINDS.owner,
        'spec.subdomainOf': DATA_MESH_DOMAIN_REF_DEFAULT_KINDS.subdomainOf,
        'spec.dataSteward': DATA_MESH_DOMAIN_REF_DEFAULT_KINDS.dataSteward,
      },
    },
  );
