/**
 * What the route visitor records per file, to be joined across files once every file has
 * been seen and imports can be resolved. Locals are named by `file#position`.
 */
import type { HttpRoute, Warning } from '../../model.js';
import type { AutoloadFact } from './fastify-autoload.js';
import type { NestExclude, NestVersion, NestVersioning } from './nest-paths.js';

export type Framework = HttpRoute['framework'];

/** Untyped parameters with these names are taken for routers when routes are registered on them. */
export const ROUTERISH_PARAM = /router|app|fastify|server|instance|^api$|^r$/i;

/** A reference to a value, resolved later (imports need the resolver). */
export type ValueRef =
  | { kind: 'local'; id: string }
  | { kind: 'import'; from: string; specifier: string; name: string }
  | { kind: 'call'; callee: ValueRef }
  | { kind: 'member'; object: ValueRef; name: string }
  | { kind: 'new'; callee: ValueRef };

/** What a local declaration holds, as far as routing is concerned. */
export type LocalValue =
  | { kind: 'router'; framework: Framework; prefix: string; file: string; mountable?: boolean }
  | { kind: 'function'; params: string[]; returns: ValueRef[]; file: string }
  | { kind: 'class'; members: ReadonlyMap<string, string>; file: string }
  /** `fallback`: the framework of a type annotation, used when `ref` leads to no router. */
  | { kind: 'alias'; ref: ValueRef; fallback?: Framework }
  | { kind: 'param'; name: string; file: string };

export interface PathSpec {
  value: string;
  regex: boolean;
}

export interface RouteFact {
  file: string;
  receiver: ValueRef;
  methods: string[];
  /** Undefined when the path is not statically known. */
  paths: PathSpec[] | undefined;
  pathText: string;
}

export interface MountFact {
  file: string;
  parent: ValueRef;
  prefixes: PathSpec[];
  child: ValueRef;
  /** `use`/`route` mount a router; `register` runs a fastify plugin in a child context; `basePath` derives one. */
  kind: 'use' | 'register' | 'route' | 'basePath';
  /** The parent as written (`app`, `server.app`), for a `use` mount. */
  parentText?: string;
}

export interface PrefixFact {
  target: ValueRef;
  prefix: string;
}

/** A call `f(a, b)` whose arguments may carry routers into `f`'s parameters. */
export interface CallFact {
  callee: ValueRef;
  args: Array<ValueRef | undefined>;
}

export interface NestRouteFact {
  file: string;
  method: string;
  controllerPaths: string[];
  paths: string[];
  /** `@Version` of the method, else `version` of the controller. */
  versions: NestVersion[] | undefined;
  framework: Framework;
  /** Local id of the controller class (to find the module that declares it). */
  controller: string;
}

/** `@Module({ controllers: [A, B] })` on the class with this local id. */
export interface NestModuleFact {
  module: string;
  controllers: ValueRef[];
}

/** One entry of `RouterModule.register([{ path, module, children }])`, with the parents' paths joined. */
export interface NestModulePathFact {
  module: ValueRef;
  path: string;
}

export interface FileExports {
  names: Map<string, ValueRef>;
  stars: string[];
}

export interface RouteFacts {
  values: Map<string, LocalValue>;
  exports: Map<string, FileExports>;
  routes: RouteFact[];
  mounts: MountFact[];
  prefixes: PrefixFact[];
  calls: CallFact[];
  nest: NestRouteFact[];
  globalPrefixes: string[];
  /** `setGlobalPrefix(p, { exclude })` entries that can be read statically. */
  globalExcludes: NestExclude[];
  /** `enableVersioning({ type: VersioningType.URI, … })` calls. */
  nestVersioning: NestVersioning[];
  nestModules: NestModuleFact[];
  nestModulePaths: NestModulePathFact[];
  /** `@fastify/autoload` registrations, expanded to mounts once the files are known. */
  autoloads: AutoloadFact[];
  /** `GraphQLModule.forRoot(…)` endpoints. */
  graphql: Array<{ file: string; path: string; globalPrefix: boolean }>;
  /** The web framework a file imports, used for parameters whose framework is unknown. */
  fileFrameworks: Map<string, Framework>;
  warnings: Warning[];
}

export function emptyRouteFacts(): RouteFacts {
  return {
    values: new Map(),
    exports: new Map(),
    routes: [],
    mounts: [],
    prefixes: [],
    calls: [],
    nest: [],
    globalPrefixes: [],
    globalExcludes: [],
    nestVersioning: [],
    nestModules: [],
    nestModulePaths: [],
    graphql: [],
    autoloads: [],
    fileFrameworks: new Map(),
    warnings: [],
  };
}
