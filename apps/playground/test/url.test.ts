/**
 * The page's address: scenario, variant, options, parameters, signal,
 * schedule, step and tab in the fragment, read back as written.
 */
import { describe, expect, it } from "vitest";
import { formatHash, parseHash, type UrlState } from "../src/url.js";

describe("the address fragment", () => {
  it("carries a run and a schedule, and reads them back (a kprim2 schedule's %-escapes intact)", () => {
    const s: UrlState = {
      scenario: "lost-wakeup",
      variant: "SPIN-naive",
      options: { wakeup: "multicast" },
      params: { sleepers: "2", sleep: "unlock-then-tsleep" },
      signal: "violation:lost-wakeup",
      schedule:
        "kprim2:lost-wakeup:SPIN-naive:wakeup=multicast:sleep=unlock-then-tsleep,sleepers=2:signal=violation%3Alost-wakeup:0sx3.1s",
      at: 3,
      tab: "step",
    };
    const hash = formatHash(s);
    expect(hash).toBe(
      "#scenario=lost-wakeup&variant=SPIN-naive&o.wakeup=multicast&p.sleep=unlock-then-tsleep&p.sleepers=2" +
        "&signal=violation:lost-wakeup&schedule=kprim2:lost-wakeup:SPIN-naive:wakeup%3Dmulticast:sleep%3Dunlock-then-tsleep,sleepers%3D2:signal%3Dviolation%253Alost-wakeup:0sx3.1s" +
        "&at=3&tab=step",
    );
    expect(parseHash(hash)).toEqual(s);
    expect(parseHash(hash.slice(1))).toEqual(s);
  });

  it("ignores what it does not know and drops a malformed step or tab", () => {
    expect(parseHash("#scenario=x&at=-1&tab=nope&zzz=1&o.=3&p.=4")).toEqual({
      scenario: "x",
      options: {},
      params: {},
    });
    expect(parseHash("")).toEqual({ options: {}, params: {} });
    expect(parseHash("#at=2.5").at).toBeUndefined();
  });

  it("keeps characters of a console signal intact", () => {
    const s = parseHash(formatHash({ options: {}, params: {}, signal: "console:getnewbuf: warning, locked buf" }));
    expect(s.signal).toBe("console:getnewbuf: warning, locked buf");
  });
});
