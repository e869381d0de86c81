// A module resolution hook for plugins outside the repository: `ftbench` and `ftbench/...` resolve
// as if imported from inside this package, through its package.json `exports`, so a plugin imports
// the API by the package's name without installing it. Every other specifier resolves as usual.
const insidePackage = new URL('../package.json', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'ftbench' || specifier.startsWith('ftbench/')) return nextResolve(specifier, { ...context, parentURL: insidePackage });
  return nextResolve(specifier, context);
}
