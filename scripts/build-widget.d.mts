export function buildWidget(outDir?: string): Promise<{ file: string; code: string; loader: string }>;
