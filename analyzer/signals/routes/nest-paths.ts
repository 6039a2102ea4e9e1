/**
 * The URL paths of a NestJS route as Nest builds them: global prefix, then the URI version
 * segment, then the `RouterModule` path of its module, then controller and method paths; routes that match a `setGlobalPrefix` exclude
 * (matched without the version segment) get no global prefix. Version: the method's `@Version`, else the controller's `version`,
 * else `enableVersioning({ defaultVersion })`; `VERSION_NEUTRAL` adds no segment. Only
 * `VersioningType.URI` changes the path (header and media-type versioning do not).
 * See https://docs.nestjs.com/techniques/versioning and https://docs.nestjs.com/faq/global-prefix
 */
import { joinPaths } from './route-paths.js';

/** A version as declared: a string, or `null` for `VERSION_NEUTRAL`. */
export type NestVersion = string | null;

export interface NestVersioning {
  /** `prefix` option (default `v`; `false` → no prefix). */
  prefix: string;
  /** `defaultVersion`, undefined when not set. */
  defaultVersions: NestVersion[] | undefined;
}

export interface NestExclude {
  /** Matches the route path without the global prefix (leading `/`). */
  pattern: RegExp;
  /** Undefined: every method. */
  method: string | undefined;
}

export interface NestPathInput {
  method: string;
  /** The `RouterModule` path of the controller's module ('' when none). */
  modulePath: string;
  controllerPath: string;
  path: string;
  /** `@Version` on the method, else `version` of the controller; undefined when neither. */
  versions: NestVersion[] | undefined;
}

export interface NestPathOptions {
  globalPrefix: string;
  excludes: readonly NestExclude[];
  versioning: NestVersioning | undefined;
}

const escapeRegex = (text: string): string => text.replace(/[.+?^$|[\]\\]/g, '\\$&');

/**
 * An exclude path (path-to-regexp syntax: `:param`, `*splat`, `{/*splat}`, and the older
 * `(.*)` and `*`) as a regex over the route path. Returns undefined for what it cannot read.
 */
export function excludePattern(path: string): RegExp | undefined {
  const normalized = joinPaths(path);
  let source = '';
  let index = 0;
  while (index < normalized.length) {
    const rest = normalized.slice(index);
    const optionalSplat = /^\{\/\*\w*\}/.exec(rest);
    const group = /^\(\.\*\)/.exec(rest);
    const param = /^:\w+/.exec(rest);
    const splat = /^\*\w*/.exec(rest);
    if (optionalSplat) {
      source += '(?:/.*)?';
      index += optionalSplat[0].length;
    } else if (group || splat) {
      source += '.*';
      index += (group ?? splat)?.[0].length ?? 1;
    } else if (param) {
      source += '[^/]+';
      index += param[0].length;
    } else if (rest.startsWith('{') || rest.startsWith('}') || rest.startsWith('(') || rest.startsWith(')')) {
      return undefined;
    } else {
      source += escapeRegex(rest.charAt(0));
      index += 1;
    }
  }
  return new RegExp(`^${source}/?$`);
}

function versionSegments(input: NestPathInput, versioning: NestVersioning | undefined): string[] {
  if (!versioning) return [''];
  const versions = input.versions ?? versioning.defaultVersions;
  if (!versions || versions.length === 0) return [''];
  return [...new Set(versions.map((version) => (version === null ? '' : `${versioning.prefix}${version}`)))];
}

/** Every path a Nest route answers on (one per declared version). */
export function nestPaths(input: NestPathInput, options: NestPathOptions): string[] {
  const unversioned = joinPaths(input.modulePath, input.controllerPath, input.path);
  // Nest matches excludes against the path without its version segment.
  const excluded = options.excludes.some(
    (exclude) => (exclude.method === undefined || exclude.method === input.method) && exclude.pattern.test(unversioned),
  );
  return versionSegments(input, options.versioning).map((version) => {
    const local = joinPaths(version, unversioned);
    return excluded ? local : joinPaths(options.globalPrefix, local);
  });
}
