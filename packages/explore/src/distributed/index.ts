/**
 * Distributed exploration: one search cut into jobs for workers elsewhere
 * (threads, processes, machines behind a job queue) and put back together
 * into the one-process result; and static shards of a search for batch
 * engines with no queue.
 */
export {
  distributedMode,
  type DistributedOptions,
  exploreAutoDistributed,
  exploreDistributed,
  searchSpec,
  type Transport,
  TransportError,
} from "./driver.js";
export type {
  Carry,
  CarryNode,
  DistributedMode,
  Job,
  JobResult,
  RunsWork,
  SearchSpec,
  SliceStats,
  UnitSlice,
  UnitsWork,
  Work,
} from "./jobs.js";
export { continuationId, continuationOf } from "./keep.js";
export { RunRanges } from "./ranges.js";
export { UnitTree } from "./tree.js";
export { exploreUnit, runJob, type WorkerContext } from "./worker.js";
export {
  checkShard,
  exploreAutoShard,
  exploreShard,
  type MergeOptions,
  mergeShards,
  mismatch,
  modeOf,
  type Part,
  type PartPhase,
  type ShardOf,
  splitLeaves,
} from "./shard.js";
