import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { createKindValidator, dataMeshKindSchema } from './kindSchema';
import {
  DATA_CLASSIFICATIONS,
  DATA_MESH_API_VERSION,
  DATA_PRODUCT_STATUSES,
  DATA_PRODUCT_TYPES,
  OUTPUT_PORT_TYPES,
} from './constants';
import { DATA_PRODUCT_REF_DEFAULT_KINDS } from './refs';
import { isAllowedDescriptorUrl } from './urls';
import { Problem } from '../validation/problems';
import { formatValue } from '../validation/schemaProblems';

/** @public */
export type DataProductStatus = (typeof DATA_PRODUCT_STATUSES)[number];
/** @public */
export type DataProductType = (typeof DATA_PRODUCT_TYPES)[number];
/** @public */
export type OutputPortType = (typeof OUTPUT_PORT_TYPES)[number];
/** @public */
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** A port through which a product consumes data, usually another product's output port. @public */
export type DataProductInputPort = {
  name: string;
  description?: string;
  /** Upstream DataProduct ref; the kind defaults to DataProduct. */
  dataProduct?: string;
  /** Name of the upstream product's output port. */
  outputPort?: string;
  /** API entity ref of the contract consumed; the kind defaults to API. */
  contract?: string;
  /** Version of the contract consumed. */
  version?: string;
  /** ODCS `id` of the contract consumed (ODPS `contractId`). */
  contractId?: string;
  deprecated?: boolean;
  /** ODPS fields of the port without a place of their own, kept for a lossless export. */
  odps?: JsonObject;
};

/**
 * How access requests for an output port are approved: `automatic` (approved at once, unless a
 * governance policy forbids it for the product) or by the product's `owners` (the default).
 * @public
 */
export type OutputPortApproval = 'automatic' | 'owners';

/** A port through which a product serves data under a contract. @public */
export type DataProductOutputPort = {
  name: string;
  type: OutputPortType;
  version?: string;
  description?: string;
  /** API entity ref (spec.type odcs) holding the port's data contract. */
  contract?: string;
  /** ODCS `id` of the port's contract (ODPS `contractId`). */
  contractId?: string;
  deprecated?: boolean;
  /** How access to the port is approved; `owners` when absent. */
  access?: { approval?: OutputPortApproval };
  /** ODPS fields of the port without a place of their own, kept for a lossless export. */
  odps?: JsonObject;
};

/** A way to get help with a product. @public */
export type DataProductSupportChannel = {
  channel: string;
  url?: string;
  description?: string;
  /** e.g. slack, teams, email, ticket */
  tool?: string;
  /** e.g. interactive, announcements, issues */
  scope?: string;
  /** ODPS fields of the channel without a place of their own, kept for a lossless export. */
  odps?: JsonObject;
};

/** @public */
export interface DataProductEntityV1alpha1 extends Entity {
  apiVersion: typeof DATA_MESH_API_VERSION;
  kind: 'DataProduct';
  spec: {
    owner: string;
    domain: string;
    status: DataProductStatus;
    type?: DataProductType;
    version?: string;
    purpose?: string;
    usage?: string;
    limitations?: string;
    classification?: DataClassification;
    personalData?: boolean;
    inputPorts?: DataProductInputPort[];
    outputPorts?: DataProductOutputPort[];
    slos?: {
      /** ISO-8601 duration, e.g. PT24H. */
      freshness?: string;
      /** Percent, 0-100. */
      availability?: number;
    };
    support?: DataProductSupportChannel[];
    system?: string;
    deprecation?: { sunset?: string; replacedBy?: string };
    /**
     * ODPS fields without a place of their own in this kind (tenant, team members, management
     * ports, custom properties...), kept so that an imported ODPS document exports unchanged.
     */
    odps?: JsonObject;
  };
}

const nonEmptyString = { type: 'string', minLength: 1 };
const entityName = {
  type: 'string',
  pattern: '^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$',
  maxLength: 63,
  errorMessage: {
    pattern:
      'must be a name of letters and digits with single - _ or . between them',
  },
};

/**
 * The most input ports, and the most output ports, of one product: each becomes relations,
 * catalog lookups and elements of the lists its rules read.
 * @public
 */
export const DATA_PRODUCT_MAX_PORTS = 100;
const maxPortsMessage = `must have at most ${DATA_PRODUCT_MAX_PORTS} ports`;

/** JSON schema of the DataProduct kind, on top of the catalog's Entity schema. @public */
export const dataProductEntityV1alpha1Schema = dataMeshKindSchema({
  id: 'DataProductV1alpha1',
  kind: 'DataProduct',
  description:
    'A data product: data published by a domain with an owner, ports, contracts and SLOs.',
  spec: {
    type: 'object',
    required: ['owner', 'domain', 'status'],
    additionalProperties: false,
    properties: {
      owner: nonEmptyString,
      domain: nonEmptyString,
      status: { enum: [...DATA_PRODUCT_STATUSES] },
      type: { enum: [...DATA_PRODUCT_TYPES] },
      version: nonEmptyString,
      purpose: { type: 'string' },
      usage: { type: 'string' },
      limitations: { type: 'string' },
      classification: { enum: [...DATA_CLASSIFICATIONS] },
      personalData: { type: 'boolean' },
      inputPorts: {
        type: 'array',
        maxItems: DATA_PRODUCT_MAX_PORTS,
        errorMessage: { maxItems: maxPortsMessage },
        items: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: entityName,
            description: { type: 'string' },
            dataProduct: nonEmptyString,
            outputPort: entityName,
            contract: nonEmptyString,
            version: nonEmptyString,
            contractId: nonEmptyString,
            deprecated: { type: 'boolean' },
            odps: { type: 'object' },
          },
        },
      },
      outputPorts: {
        type: 'array',
        maxItems: DATA_PRODUCT_MAX_PORTS,
        errorMessage: { maxItems: maxPortsMessage },
        items: {
          type: 'object',
          required: ['name', 'type'],
          additionalProperties: false,
          properties: {
            name: entityName,
            type: { enum: [...OUTPUT_PORT_TYPES] },
            version: nonEmptyString,
            description: { type: 'string' },
            contract: nonEmptyString,
            contractId: nonEmptyString,
            deprecated: { type: 'boolean' },
            access: {
              type: 'object',
              additionalProperties: false,
              properties: { approval: { enum: ['automatic', 'owners'] } },
            },
            odps: { type: 'object' },
          },
        },
      },
      slos: {
        type: 'object',
        additionalProperties: false,
        properties: {
          freshness: {
            type: 'string',
            errorMessage: {
              pattern: 'must be an ISO-8601 duration such as PT24H',
            },
            pattern:
              '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$',
          },
          availability: { type: 'number', minimum: 0, maximum: 100 },
        },
      },
      support: {
        type: 'array',
        items: {
          type: 'object',
          required: ['channel'],
          additionalProperties: false,
          properties: {
            channel: nonEmptyString,
            url: { type: 'string' },
            description: { type: 'string' },
            tool: { type: 'string' },
            scope: { type: 'string' },
            odps: { type: 'object' },
          },
        },
      },
      system: nonEmptyString,
      deprecation: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sunset: {
            type: 'string',
            pattern: '^\\d{4}-\\d{2}-\\d{2}$',
            errorMessage: { pattern: 'must be a date such as 2027-06-30' },
          },
          replacedBy: nonEmptyString,
        },
      },
      odps: { type: 'object' },
    },
  },
});

/** The DataProduct fields holding entity refs, with the kind each defaults to. */
const dataProductRefFields = {
  'spec.owner': DATA_PRODUCT_REF_DEFAULT_KINDS.owner,
  'spec.domain': DATA_PRODUCT_REF_DEFAULT_KINDS.domain,
  'spec.system': DATA_PRODUCT_REF_DEFAULT_KINDS.system,
  'spec.inputPorts[].dataProduct': DATA_PRODUCT_REF_DEFAULT_KINDS.dataProduct,
  'spec.inputPorts[].contract': DATA_PRODUCT_REF_DEFAULT_KINDS.contract,
  'spec.outputPorts[].contract': DATA_PRODUCT_REF_DEFAULT_KINDS.contract,
  'spec.deprecation.replacedBy': DATA_PRODUCT_REF_DEFAULT_KINDS.replacedBy,
};

/** Port names are unique among a product's input ports, and among its output ports. */
function duplicatePortNames(entity: DataProductEntityV1alpha1): Problem[] {
  const problems: Problem[] = [];
  const lists = [
    ['inputPorts', 'input port'],
    ['outputPorts', 'output port'],
  ] as const;
  for (const [field, label] of lists) {
    const seen = new Set<string>();
    (entity.spec[field] ?? []).forEach((port, i) => {
      if (seen.has(port.name)) {
        problems.push({
          field: `spec.${field}[${i}].name`,
          message: `${formatValue(port.name)} is used by another ${label}`,
        });
      }
      seen.add(port.name);
    });
  }
  return problems;
}

/** The URL fields of a DataProduct: http(s) and mailto only (the portal renders them as links). */
function disallowedUrls(entity: DataProductEntityV1alpha1): Problem[] {
  const problems: Problem[] = [];
  (entity.spec.support ?? []).forEach((support, i) => {
    if (support.url !== undefined && !isAllowedDescriptorUrl(support.url)) {
      problems.push({
        field: `spec.support[${i}].url`,
        message: `${formatValue(
          support.url,
        )} is not an absolute http, https or mailto URL`,
      });
    }
  });
  return problems;
}

/**
 * Validates an entity as a DataProduct. Returns false for any other kind or apiVersion (so the
 * entity is left to other validators) and true for a valid DataProduct. For an invalid one it
 * throws an `InputError` whose `problems` name each field and what is wrong (schema
 * violations, or else malformed entity refs, duplicate port names and URLs other than http(s)
 * and mailto), e.g. field
 * `spec.status` with message
 * `must be one of proposed, draft, active, deprecated, retired, got "live"`.
 * @public
 */
export const isValidDataProductEntity =
  createKindValidator<DataProductEntityV1alpha1>(
    dataProductEntityV1alpha1Schema,
    {
      refFields: dataProductRefFields,
      check: entity => [
        ...duplicatePortNames(entity),
        ...disallowedUrls(entity),
      ],
    },
  );

/** @public */
export function isDataProductEntity(
  entity: Entity,
): entity is DataProductEntityV1alpha1 {
  return (
    entity.apiVersion === DATA_MESH_API_VERSION && entity.kind === 'DataProduct'
  );
}
