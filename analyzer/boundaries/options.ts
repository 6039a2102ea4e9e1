/**
 * The boundaries stage's knobs, with the defaults the quality tests and the benchmark were
 * tuned with (bench/boundaries). Every weight is relative to one imported symbol.
 */
export interface BoundaryOptions {
  /** Force this many candidates (`--services N`); default: chosen from the graph. */
  services?: number;
  /** Louvain resolution (γ): above 1 gives more, smaller candidates. Default: scanned (resolution-scan.ts). */
  resolution?: number;
  /** Seed of the community detection's random order (same seed, same result). Default 1. */
  seed?: number;
  /** Weight factor of `import type` edges. Default 0.3. */
  typeOnlyFactor?: number;
  /** Weight factor of dynamic `import()` edges. Default 0.5. */
  dynamicFactor?: number;
  /** Weight of a co-change pair of degree 1. Default 1. */
  coChangeWeight?: number;
  /** Weight between two files that both write one table. Default 2. */
  tableWeight?: number;
  /** Tables accessed by more files than this share of all files give no affinity. Default 0.1 (at least 6 files). */
  tableSpread?: number;
  /** A file imported from at least this share of the areas (and 3) is a shared-kernel candidate. Default 0.34. */
  kernelSpread?: number;
  /** Communities with fewer files are merged into their best neighbour. Default 3. */
  minCandidateFiles?: number;
  /** Put high-fan-in utilities and the composition root into a shared kernel. Default true. */
  sharedKernel?: boolean;
  /** Keep the browser frontend in the boundaries instead of leaving it out (left-out.ts). Default false. */
  keepFrontend?: boolean;
}

export type ResolvedBoundaryOptions = Required<Omit<BoundaryOptions, 'services' | 'resolution'>> & {
  services: number | undefined;
  resolution: number | undefined;
};

export function resolveBoundaryOptions(options: BoundaryOptions = {}): ResolvedBoundaryOptions {
  return {
    services: options.services,
    resolution: options.resolution,
    seed: options.seed ?? 1,
    typeOnlyFactor: options.typeOnlyFactor ?? 0.3,
    dynamicFactor: options.dynamicFactor ?? 0.5,
    coChangeWeight: options.coChangeWeight ?? 1,
    tableWeight: options.tableWeight ?? 2,
    tableSpread: options.tableSpread ?? 0.1,
    kernelSpread: options.kernelSpread ?? 0.34,
    minCandidateFiles: options.minCandidateFiles ?? 3,
    sharedKernel: options.sharedKernel ?? true,
    keepFrontend: options.keepFrontend ?? false,
  };
}
