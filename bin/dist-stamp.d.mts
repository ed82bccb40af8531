// Types of dist-stamp.mjs (plain JavaScript so the CLI can check dist/ before any TypeScript loader).
export declare const STAMP_FILE: string;
export declare function sourceHash(root: string): string;
export declare function stampContent(hash: string): string;
export declare function distIsCurrent(root: string): boolean;
