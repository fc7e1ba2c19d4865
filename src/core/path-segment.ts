/** One step of a path into a config document: a mapping key or a sequence index. */
export type PathSegment = string | number;
