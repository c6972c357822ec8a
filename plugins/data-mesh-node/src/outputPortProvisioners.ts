import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AccessServerRef } from './accessProvisioners';

/**
 * A column of a table to provision, from a property of the port's ODCS contract. The
 * provisioner turns `logicalType` and `physicalType` into its dialect's column type.
 * @public
 */
export interface ProvisioningColumn {
  /** The column's name as the server spells it (not quoted). */
  name: string;
  /** Where the property is in the contract, for errors: `schema.orders.properties.id`. */
  field: string;
  /** ODCS `logicalType`: string, integer, number, boolean, date, timestamp, time, object, array. */
  logicalType?: string;
  /** ODCS `physicalType`: used as it is when the dialect has it, refused when it has not. */
  physicalType?: string;
  /** The most characters of a string (`logicalTypeOptions.maxLength`). */
  maxLength?: number;
  /** The logicalType of an array's items. */
  itemsLogicalType?: string;
  /** Never null: NOT NULL (primary key columns are always). */
  required: boolean;
  /** Position in the primary key, from 1; undefined when not part of it. */
  primaryKeyPosition?: number;
  /** ODCS `description`, kept as the column's comment. */
  description?: string;
}

/** A table of an output port, from a schema object of its contract. @public */
export interface ProvisioningObject {
  /** The table's name as the server spells it (the object's physicalName, else its name). */
  name: string;
  /** Where the object is in the contract, for errors: `schema.orders`. */
  field: string;
  columns: ProvisioningColumn[];
}

/**
 * What to provision for one output port: its tables, in the domain's schema on a server.
 * @public
 */
export interface OutputPortProvisionRequest {
  /** The server, from `dataMesh.servers`. */
  server: AccessServerRef;
  /** The domain's schema, created when missing. */
  schema: string;
  /** The producing team's role, which will own the tables (servers with roles only). */
  ownerRole?: string;
  /** The product and port, written on what is created so that only its own is changed later. */
  productRef: string;
  port: string;
  objects: ProvisioningObject[];
}

/** One table of a plan and what will happen to it. @public */
export interface ProvisioningPlanObject {
  /** `schema.table`, quoted as the dialect quotes. */
  table: string;
  /** `create` a new table, `alter` an own table (columns added), `none` it already matches. */
  action: 'create' | 'alter' | 'none';
}

/**
 * What provisioning does (or did): the DDL, in the order it runs in one transaction.
 * @public
 */
export interface ProvisioningPlan {
  server: AccessServerRef;
  /** The server's dialect, e.g. `postgres`, `duckdb`. */
  dialect: string;
  objects: ProvisioningPlanObject[];
  /** The statements, each complete; empty when the server already matches. */
  statements: string[];
  /** What the plan cannot do or leaves to others, in words (e.g. DuckDB has no roles). */
  notes: string[];
}

/** Takes a port's tables away. @public */
export interface OutputPortUnprovisionRequest {
  server: AccessServerRef;
  schema: string;
  productRef: string;
  port: string;
  /** The tables to drop, by name; only those created for this product's port are dropped. */
  tables: string[];
}

/** What unprovisioning did. @public */
export interface OutputPortUnprovisionResult {
  /** The tables dropped, `schema.table`. */
  dropped: string[];
  /** Tables left: not there, or not created for this port. */
  skipped: string[];
}

/**
 * Creates the tables of output ports from their data contracts on one kind of data server,
 * and takes them away at retirement. `plan` validates and says what `apply` would run, and
 * changes nothing; `apply` runs it in one transaction: all or nothing, never half a port.
 * A table that exists but was not created for the same product and port is a name clash and
 * is never touched. A table created for it already is altered only by adding optional
 * columns; anything else a contract change would need is refused. Errors are
 * `@backstage/errors` errors whose message names the field: `InputError` for a bad request or
 * a type the dialect lacks, `ConflictError` for a name clash or a breaking change,
 * `ServiceUnavailableError` for a server that cannot be reached.
 * @public
 */
export interface OutputPortProvisioner {
  /** Whether this provisioner handles servers of the given `type`. */
  supports(serverType: string): boolean;
  /** Validates against the server and returns the DDL `apply` would run. Changes nothing. */
  plan(request: OutputPortProvisionRequest): Promise<ProvisioningPlan>;
  /** Runs the plan in one transaction and returns what was run. */
  apply(request: OutputPortProvisionRequest): Promise<ProvisioningPlan>;
  /** Drops the port's own tables in one transaction; what is not there is no error. */
  unprovision(
    request: OutputPortUnprovisionRequest,
  ): Promise<OutputPortUnprovisionResult>;
}

/**
 * What backend modules may do through {@link dataMeshOutputPortProvisionersExtensionPoint}.
 * @public
 */
export interface DataMeshOutputPortProvisionersExtensionPoint {
  /**
   * Adds provisioners. For a server type, the first added that supports it is used, ahead of
   * the backend's built-in PostgreSQL and DuckDB ones.
   */
  addProvisioner(...provisioners: OutputPortProvisioner[]): void;
}

/**
 * Extension point through which backend modules add output port provisioners to the data
 * mesh backend, for server types it has none for or to replace its built-in ones.
 * @public
 */
export const dataMeshOutputPortProvisionersExtensionPoint =
  createExtensionPoint<DataMeshOutputPortProvisionersExtensionPoint>({
    id: 'data-mesh.output-port-provisioners',
  });

/**
 * Checks a provisioner before it is added, so that a bad module fails the backend's start
 * instead of the first template run.
 * @public
 */
export function assertValidOutputPortProvisioner(
  provisioner: OutputPortProvisioner,
): void {
  if (!provisioner || typeof provisioner !== 'object') {
    throw new InputError('Output port provisioner must be an object');
  }
  for (const method of ['supports', 'plan', 'apply', 'unprovision'] as const) {
    if (typeof provisioner[method] !== 'function') {
      throw new InputError(
        `Output port provisioner: ${method} must be a function`,
      );
    }
  }
}
