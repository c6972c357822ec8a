import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * The parts of a cel-js AST node (its public `ASTNode`) the engine reads; macros (`has`, `all`,
 * `map`, `cel.bind`...) keep their call form here.
 */
export interface CelNode {
  op: string;
  args: unknown;
  /** Offset of the node's operator or name. */
  pos: number;
  /** Where the node's source starts and ends. */
  range: { start: number; end: number };
}

export function asNode(ast: ASTNode): CelNode {
  return ast as unknown as CelNode;
}

/** Quantifier and list macros: `list.all(x, p)`, `list.map(x, [p,] t)`... */
export const COMPREHENSIONS = new Set([
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
]);

export interface CallParts {
  name: string;
  receiver?: CelNode;
  args: CelNode[];
}

/** The name, receiver and arguments of a `call` or `rcall` node. */
export function callParts(node: CelNode): CallParts {
  const args = node.args as unknown[];
  if (node.op === 'rcall') {
    return {
      name: args[0] as string,
      receiver: args[1] as CelNode,
      args: args[2] as CelNode[],
    };
  }
  return { name: args[0] as string, args: args[1] as CelNode[] };
}

/** Whether a call node is a comprehension macro: `x.all(v, p)` and the like. */
export function isComprehension(node: CelNode): boolean {
  if (node.op !== 'rcall') {
    return false;
  }
  const { name, args } = callParts(node);
  if (!COMPREHENSIONS.has(name) || args[0]?.op !== 'id') {
    return false;
  }
  return args.length === 2 || (name === 'map' && args.length === 3);
}

/** Whether a call node is the `cel.bind(v, init, body)` macro. */
export function isBind(node: CelNode): boolean {
  if (node.op !== 'rcall') {
    return false;
  }
  const { name, receiver, args } = callParts(node);
  return (
    name === 'bind' &&
    receiver?.op === 'id' &&
    receiver.args === 'cel' &&
    args.length === 3 &&
    args[0].op === 'id'
  );
}

/** The sub-expressions of a node, in source order. */
export function children(node: CelNode): CelNode[] {
  const args = node.args as unknown;
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [(args as CelNode[])[0]];
    case 'call':
      return [...callParts(node).args];
    case 'rcall': {
      const { receiver, args: callArgs } = callParts(node);
      return [receiver!, ...callArgs];
    }
    case 'map':
      return (args as CelNode[][]).flat();
    case '!_':
    case '-_':
      return [args as CelNode];
    default:
      return Array.isArray(args) ? (args as CelNode[]) : [];
  }
}
