import { Entity } from '@backstage/catalog-model';

/** A text field's value; null when it is missing, empty or not text. @public */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The words a data product is found by, in the explorer and in the portal's search: its name,
 * title, description, tags, input and output port names and the column names of the contracts
 * it provides (read by the caller, who knows where the contracts are).
 * @public
 */
export function dataProductSearchTerms(
  product: Entity,
  contractColumns: readonly string[] = [],
): string[] {
  const spec = (product.spec ?? {}) as Record<string, unknown>;
  const portNames = [spec.inputPorts, spec.outputPorts].flatMap(ports =>
    Array.isArray(ports)
      ? ports.map(port => textOrNull((port as { name?: unknown })?.name))
      : [],
  );
  return [
    product.metadata.name,
    textOrNull(product.metadata.title),
    textOrNull(product.metadata.description),
    ...(product.metadata.tags ?? []),
    ...portNames,
    ...contractColumns,
  ].filter((term): term is string => term !== null);
}
