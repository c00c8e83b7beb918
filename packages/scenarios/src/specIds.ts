/**
 * The ids of the oracle's rows (spec §7): the races R1…R9 and the correct
 * cases G1…G11. A catalogue scenario names the one it implements; the
 * machine's scenario contract knows only that it is a string.
 */
export const SPEC_IDS = [
  "R1",
  "R2",
  "R3",
  "R4",
  "R5",
  "R5b",
  "R6",
  "R7",
  "R8",
  "R9",
  "G1",
  "G2",
  "G3",
  "G4",
  "G5",
  "G6",
  "G7",
  "G8",
  "G9",
  "G10",
  "G11",
] as const;

export type SpecId = (typeof SPEC_IDS)[number];
