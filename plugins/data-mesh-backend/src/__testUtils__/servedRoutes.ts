/** An express layer, as far as {@link servedRoutes} reads it. */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  regexp?: RegExp & { fast_slash?: boolean };
}

/** The path an express router is mounted at (`router.use('/prefix', sub)`), '' at its root. */
function mountPath(layer: Layer): string {
  if (!layer.regexp || layer.regexp.fast_slash) return '';
  const literal = /^\^((?:\\\/[\w.-]+)+)\\\/\?\(\?=\\\/\|\$\)$/.exec(
    layer.regexp.source,
  );
  if (!literal) {
    throw new Error(
      `Cannot read the mount path of a router from ${layer.regexp}; mount it at a literal path`,
    );
  }
  return literal[1].replace(/\\\//g, '/');
}

/**
 * Every `METHOD /path` an express router serves, with `{param}` for `:param` as in an OpenAPI
 * spec, following the routers mounted in it (such as the one `createOpenApiRouter` makes).
 */
export function servedRoutes(router: unknown, prefix = ''): string[] {
  return (router as { stack: Layer[] }).stack.flatMap(layer => {
    if (layer.route) {
      const paths = [layer.route.path].flat();
      return Object.keys(layer.route.methods)
        .filter(method => method !== '_all')
        .flatMap(method =>
          paths.map(
            p =>
              `${method.toUpperCase()} ${prefix}${p.replace(
                /:(\w+)/g,
                '{$1}',
              )}`,
          ),
        );
    }
    if (layer.handle?.stack) {
      return servedRoutes(layer.handle, prefix + mountPath(layer));
    }
    return [];
  });
}
