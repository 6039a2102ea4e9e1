// madge ships no types; this is the part of its API the benchmark uses.
declare module 'madge' {
  interface MadgeResult {
    obj(): Record<string, string[]>;
  }
  export default function madge(path: string, config: object): Promise<MadgeResult>;
}
