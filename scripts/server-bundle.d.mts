import type { BuildOptions } from 'esbuild';

export const root: string;
export function newest(p: string): number;
export function serverBundleStale(bundle: string): boolean;
export const inlinedPackages: string[];
export function serverBuildOptions(): BuildOptions;
export const serverEntries: { main: string; cli: string };
export function buildServerBundle(options: { name: 'main' | 'cli'; logLevel?: BuildOptions['logLevel']; onBuild?: () => void }): Promise<string | null>;
