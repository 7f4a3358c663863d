// Loaded with `node --import`: makes the npm package `webgpu` unresolvable, as
// on a machine where it is not installed (tests/runtimes/node-without-webgpu.test.ts).
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') {
    const error = new Error("Cannot find package 'webgpu' (hidden by tests/runtimes/hide-webgpu.mjs)");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
