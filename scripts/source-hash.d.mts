/** Where a build records the hash of what it was made from, relative to the package folder. */
export declare const STAMP: string;
/** The hash of a package's src/ files, package.json and tsup.config.ts. */
export declare function sourceHash(dir: string): string;
