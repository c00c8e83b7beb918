// A search's name on the queue (its jobs' ids and its results list are made
// from it) is unique even for searches submitted from the threads of one
// process in the same millisecond: with host, process and time alone they
// shared a name, BullMQ dropped the second one's jobs as duplicates of the
// first one's, and the second search waited for ever.
import { describe, expect, it } from "vitest";
import { newSearchId } from "../src/queue/coordinator.js";

describe("search names on the queue", () => {
  it("differ for searches named in the same millisecond by one process", () => {
    const names = Array.from({ length: 200 }, () => newSearchId());
    expect(new Set(names).size).toBe(names.length);
  });
});
