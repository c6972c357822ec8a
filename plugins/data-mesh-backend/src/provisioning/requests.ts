import { InputError } from '@backstage/errors';
import {
  AccessServerRef,
  OutputPortProvisionRequest,
  OutputPortUnprovisionRequest,
} from '@datamesh-portal/plugin-data-mesh-node';
import { describeInvalidIdentifier } from '../access/accessConfig';

function checkServer(server: unknown): AccessServerRef {
  const ref = server as AccessServerRef | undefined;
  if (!ref || typeof ref.id !== 'string' || typeof ref.type !== 'string') {
    throw new InputError('server: must be { id, type } of a configured server');
  }
  return { id: ref.id, type: ref.type };
}

function checkIdentifier(value: unknown, field: string): string {
  const problem = describeInvalidIdentifier(value);
  if (problem) throw new InputError(`${field}: ${problem}`);
  return value as string;
}

function checkText(value: unknown, field: string): string {
  if (
    typeof value !== 'string' ||
    !value ||
    value.length > 300 ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw new InputError(
      `${field}: must be 1 to 300 characters without control characters`,
    );
  }
  return value;
}

/**
 * Checks a provisioning request from a module or the backend: identifiers that the server can
 * hold, descriptions without control characters, at least one object with columns.
 * `needsOwnerRole` for servers whose tables are owned by a role.
 */
export function checkProvisionRequest(
  request: OutputPortProvisionRequest,
  needsOwnerRole: boolean,
): OutputPortProvisionRequest {
  const server = checkServer(request?.server);
  const schema = checkIdentifier(request.schema, 'schema');
  const ownerRole = needsOwnerRole
    ? checkIdentifier(request.ownerRole, 'ownerRole')
    : undefined;
  const productRef = checkText(request.productRef, 'productRef');
  const port = checkText(request.port, 'port');
  if (!Array.isArray(request.objects) || request.objects.length === 0) {
    throw new InputError('objects: a port needs at least one table');
  }
  for (const object of request.objects) {
    checkIdentifier(object?.name, `${object?.field ?? 'objects'}: the name`);
    if (!Array.isArray(object.columns) || object.columns.length === 0) {
      throw new InputError(
        `${object.field}: a table needs at least one column`,
      );
    }
    for (const column of object.columns) {
      checkIdentifier(
        column?.name,
        `${column?.field ?? object.field}: the name`,
      );
      if (
        column.description !== undefined &&
        // eslint-disable-next-line no-control-regex
        /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(
          column.description,
        )
      ) {
        throw new InputError(
          `${column.field}.description: contains a control character`,
        );
      }
    }
  }
  return { ...request, server, schema, ownerRole, productRef, port };
}

/** Checks an unprovisioning request. */
export function checkUnprovisionRequest(
  request: OutputPortUnprovisionRequest,
): OutputPortUnprovisionRequest {
  const server = checkServer(request?.server);
  const schema = checkIdentifier(request.schema, 'schema');
  if (!Array.isArray(request.tables) || request.tables.length > 1000) {
    throw new InputError('tables: must list at most 1000 tables');
  }
  request.tables.forEach((t, i) => checkIdentifier(t, `tables[${i}]`));
  return {
    server,
    schema,
    tables: request.tables,
    productRef: checkText(request.productRef, 'productRef'),
    port: checkText(request.port, 'port'),
  };
}
