export const DEFAULT_SEMI_SPACE_MIB: string;
export const DEFAULT_HEAP_GROWING_PERCENT: string;
export function serverNodeFlags(env: Record<string, string | undefined>): { flags: string[]; error?: undefined } | { error: string; flags?: undefined };
