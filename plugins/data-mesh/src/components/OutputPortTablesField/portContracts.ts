import { provisionedTableName } from '@datamesh-portal/plugin-data-mesh-common';

/** A port of the "new data product" form, with its columns. */
interface FormPort {
  name?: unknown;
  type?: unknown;
  columns?: Array<{
    name?: unknown;
    type?: unknown;
    description?: unknown;
    required?: unknown;
    primaryKey?: unknown;
  }>;
}

/**
 * The contracts of the form's table and view ports as the template will write them
 * (data-mesh:contract:create), with the tables' names data-mesh:provision-output-ports gives
 * them: what the backend plans from while the form is filled in.
 * @public
 */
export function portContractsFromForm(
  product: string,
  ports: unknown,
): Array<{ port: string; definition: Record<string, unknown> }> {
  if (!Array.isArray(ports)) return [];
  return (ports as FormPort[])
    .filter(
      p =>
        typeof p?.name === 'string' &&
        p.name &&
        ['table', 'view'].includes(String(p.type ?? 'table')),
    )
    .map(port => {
      let position = 0;
      const name = String(port.name);
      return {
        port: name,
        definition: {
          apiVersion: 'v3.1.0',
          kind: 'DataContract',
          id: `${product}-${name}-contract`,
          version: '1.0.0',
          status: 'draft',
          schema: [
            {
              name,
              physicalName: provisionedTableName(product, name),
              logicalType: 'object',
              properties: (port.columns ?? [])
                .filter(c => typeof c?.name === 'string' && c.name)
                .map(c => ({
                  name: String(c.name),
                  logicalType: String(c.type ?? 'string'),
                  ...(c.required || c.primaryKey ? { required: true } : {}),
                  ...(c.primaryKey
                    ? { primaryKey: true, primaryKeyPosition: ++position }
                    : {}),
                  ...(typeof c.description === 'string' && c.description
                    ? { description: c.description }
                    : {}),
                })),
            },
          ],
        },
      };
    });
}
