import { parseEntityRef } from '@backstage/catalog-model';
import {
  DATA_MESH_API_VERSION,
  DataClassification,
  DataProductEntityV1alpha1,
  DataProductInputPort,
  DataProductOutputPort,
  DataProductStatus,
  DataProductSupportChannel,
  DataProductType,
  OutputPortType,
} from '../kinds';

/** An input port as a form gives it: the upstream product picked, the rest optional. @public */
export interface DataProductFormInputPort {
  /** Port name; default the upstream product's name and output port's, joined by `-`. */
  name?: string;
  description?: string;
  /** Upstream DataProduct, as a picked ref (`dataproduct:default/orders`) or a name. */
  dataProduct?: string;
  /** The upstream product's output port. */
  outputPort?: string;
  /** API entity of the consumed contract. */
  contract?: string;
}

/** An output port as a form gives it; other fields (its columns, say) are left out. @public */
export interface DataProductFormOutputPort {
  name: string;
  type: OutputPortType;
  version?: string;
  description?: string;
  /** API entity of the port's contract. */
  contract?: string;
}

/**
 * The values of a "new data product" form: the inputs of the `data-mesh:product:descriptor`
 * scaffolder action. Fields left empty may be empty strings or lists; other fields of a form
 * (an output port's columns, say) are ignored.
 * @public
 */
export interface DataProductFormValues {
  /** Entity name of the product. */
  name: string;
  title?: string;
  description?: string;
  tags?: string[];
  annotations?: Record<string, string>;
  /** Owning group, as a picked ref (`group:default/sales-data`) or a short ref. */
  owner: string;
  /** Domain, as a picked ref (`domain:default/sales`) or a name. */
  domain: string;
  /** Default `draft`. */
  status?: DataProductStatus;
  type?: DataProductType;
  version?: string;
  classification?: DataClassification;
  personalData?: boolean;
  purpose?: string;
  usage?: string;
  limitations?: string;
  system?: string;
  inputPorts?: DataProductFormInputPort[];
  outputPorts?: DataProductFormOutputPort[];
  slos?: { freshness?: string; availability?: number };
  /**
   * Forms usually ask the SLOs as fields of their own: `freshness` stands for
   * `slos.freshness` when `slos` has none.
   */
  freshness?: string;
  /** `slos.availability` when `slos` has none, as for {@link DataProductFormValues.freshness}. */
  availability?: number;
  support?: Array<
    Pick<DataProductSupportChannel, 'channel' | 'url' | 'description'>
  >;
  /**
   * Set when the product's contracts are written beside its descriptor, one API entity per
   * output port: each output port then names its contract, the API entity of the port's
   * `contract` or else `<product>-<port>-contract`.
   */
  contractsDirectory?: string;
}

/** The fields a form must have filled in before it describes a product. @public */
export const DATA_PRODUCT_FORM_REQUIRED_FIELDS = [
  'name',
  'owner',
  'domain',
] as const;

/**
 * The required fields a form has not filled in yet (`name`, `owner`, `domain`), in that order;
 * empty when {@link dataProductFromForm} can describe a product from its values.
 * @public
 */
export function missingDataProductFormFields(
  values: Record<string, unknown> | undefined,
): Array<(typeof DATA_PRODUCT_FORM_REQUIRED_FIELDS)[number]> {
  return DATA_PRODUCT_FORM_REQUIRED_FIELDS.filter(field => {
    const value = values?.[field];
    return typeof value !== 'string' || value.trim() === '';
  });
}

/** A copy of an object without its `undefined` values, so that YAML output stays tidy. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as T;
}

/** A form field left empty arrives as an empty string or list; it counts as not given. */
function given<T>(value: T | '' | undefined | null): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value as T;
}

/** A list of the form, or nothing when the form has none (or something else). */
function list<T>(value: T[] | undefined): T[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined;
}

/** The items of a list of objects, without the ones a form has not filled in yet. */
function objects<T extends object>(value: T[] | undefined): T[] | undefined {
  return Array.isArray(value)
    ? list(value.filter(item => typeof item === 'object' && item !== null))
    : undefined;
}

/**
 * The short form of an entity ref, as people write them in descriptors: the kind is left out
 * when it is the field's default kind (`keepKind` keeps it, as in `group:sales-data`), the
 * namespace when it is `namespace` (default `default`). Pickers return full refs
 * (`domain:default/sales`); the short form (`sales`) means the same to the catalog. A value
 * that is not a ref is returned unchanged, for the validators to report.
 * @public
 */
export function compactEntityRef(
  ref: string,
  options: { defaultKind: string; namespace?: string; keepKind?: boolean },
): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: options.defaultKind,
      defaultNamespace: options.namespace ?? 'default',
    });
  } catch {
    return ref;
  }
  const sameKind =
    parsed.kind.toLocaleLowerCase('en-US') ===
    options.defaultKind.toLocaleLowerCase('en-US');
  const kind =
    sameKind && !options.keepKind
      ? ''
      : `${sameKind ? parsed.kind.toLocaleLowerCase('en-US') : parsed.kind}:`;
  const namespace =
    parsed.namespace === (options.namespace ?? 'default')
      ? ''
      : `${parsed.namespace}/`;
  return `${kind}${namespace}${parsed.name}`;
}

/** The name in a ref, or the value itself when it is no ref. */
function refName(ref: string, defaultKind: string): string {
  try {
    return parseEntityRef(ref, { defaultKind }).name;
  } catch {
    return ref;
  }
}

function toInputPort(
  port: DataProductFormInputPort,
  namespace: string,
): DataProductInputPort {
  const dataProduct = given(port.dataProduct)
    ? compactEntityRef(port.dataProduct!, {
        defaultKind: 'DataProduct',
        namespace,
      })
    : undefined;
  const outputPort = given(port.outputPort);
  return dropUndefined({
    // Without a name, the port is named after what it reads; left out when that is unknown too,
    // for the validators to report.
    name: (given(port.name) ??
      (dataProduct
        ? [refName(dataProduct, 'DataProduct'), outputPort]
            .filter(Boolean)
            .join('-')
        : undefined)) as string,
    description: given(port.description),
    dataProduct,
    outputPort,
    contract: given(port.contract)
      ? compactEntityRef(port.contract!, { defaultKind: 'API', namespace })
      : undefined,
  });
}

/**
 * The contract of an output port: as given, or with `contractsDirectory` the API entity
 * written for it, named by the port's own contract (an API of the product's namespace) or
 * `<product>-<port>-contract`. A contract that cannot be such an API is left as it is, for the
 * action to report.
 */
function outputPortContract(
  port: DataProductFormOutputPort,
  product: string,
  namespace: string,
  contractsDirectory: string | undefined,
): string | undefined {
  const contract = given(port.contract);
  if (!contractsDirectory) return contract;
  if (!contract) return `${product}-${port.name}-contract`;
  try {
    const ref = parseEntityRef(contract, {
      defaultKind: 'API',
      defaultNamespace: namespace,
    });
    if (
      ref.kind.toLocaleLowerCase('en-US') === 'api' &&
      ref.namespace === namespace
    ) {
      return ref.name;
    }
  } catch {
    // Reported by the action.
  }
  return contract;
}

/**
 * The DataProduct entity a "new data product" form describes: what the
 * `data-mesh:product:descriptor` action writes, before it checks upstream products in the
 * catalog. Picked refs are written the short way (`group:sales-data`, `sales`), empty fields
 * are left out, the status defaults to `draft` and unnamed input ports are named after the
 * upstream product and port. The entity is not validated: `isValidDataProductEntity` (or the
 * backend's dry run) says what is wrong with it. Isomorphic, so that a form can evaluate the
 * product it will create.
 * @public
 */
export function dataProductFromForm(
  values: DataProductFormValues,
): DataProductEntityV1alpha1 {
  const namespace = 'default';
  const slos = dropUndefined({
    freshness: values.slos?.freshness ?? given(values.freshness),
    availability: values.slos?.availability ?? given(values.availability),
  });
  return {
    apiVersion: DATA_MESH_API_VERSION,
    kind: 'DataProduct',
    metadata: dropUndefined({
      name: values.name,
      title: given(values.title),
      description: given(values.description),
      tags: list(values.tags),
      annotations:
        values.annotations && Object.keys(values.annotations).length
          ? values.annotations
          : undefined,
    }),
    spec: dropUndefined({
      owner: compactEntityRef(values.owner, {
        defaultKind: 'Group',
        namespace,
        keepKind: true,
      }),
      domain: compactEntityRef(values.domain, {
        defaultKind: 'Domain',
        namespace,
      }),
      status: values.status ?? 'draft',
      type: given(values.type),
      version: given(values.version),
      classification: given(values.classification),
      personalData: given(values.personalData),
      purpose: given(values.purpose),
      usage: given(values.usage),
      limitations: given(values.limitations),
      system: given(values.system),
      support: objects(values.support),
      slos: Object.keys(slos).length ? slos : undefined,
      inputPorts: objects(values.inputPorts)?.map(port =>
        toInputPort(port, namespace),
      ),
      outputPorts: objects(values.outputPorts)?.map(port =>
        dropUndefined<DataProductOutputPort>({
          name: port.name,
          type: port.type,
          version: given(port.version),
          description: given(port.description),
          contract: outputPortContract(
            port,
            values.name,
            namespace,
            values.contractsDirectory,
          ),
        }),
      ),
    }),
  };
}
