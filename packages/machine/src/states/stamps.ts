/**
 * The extensions' and detectors' parts of a state vector (vector.ts): each
 * detector's key as the number of its string, and the extensions' keys
 * together as one number. A part whose owner gives a change stamp
 * (`Detector.stateStamp`, `Extension.stateStamp`: equal stamps, equal
 * keys) keeps its number while the stamp is one it was written at — a
 * detector's last few stamps are kept, so that a restore that puts back
 * an earlier stamp finds its number again — and its key is not asked for;
 * a part without one is asked for its key at every state and keeps its
 * number while the key is the same string. With a renaming (symmetric
 * threads) every key is written again, and nothing is kept.
 *
 * Calling context: the state vector's writer, between steps.
 */
import type { Detector } from "../detector.js";
import { MachineConfigError } from "../errors.js";
import type { Extension } from "../extension.js";
import { IDENTITY, type Renaming } from "./fingerprint.js";
import type { KeyTables } from "./intern.js";

/** Stamps kept per detector (a restore goes back a few states at most, mostly). */
const KEPT = 4;

/** A detector's last few stamps and the numbers of the keys written at them. */
class StampMemo {
  private readonly stamps = new Float64Array(KEPT).fill(NaN);
  private readonly ids = new Int32Array(KEPT);
  /** Where the newest is. */
  private at = 0;

  /** The number written at stamp `s`, or -1. */
  get(s: number): number {
    for (let k = 0, i = this.at; k < KEPT; k++, i = i === 0 ? KEPT - 1 : i - 1) {
      if (this.stamps[i] === s) return this.ids[i]!;
    }
    return -1;
  }

  put(s: number, id: number): void {
    this.at = this.at === KEPT - 1 ? 0 : this.at + 1;
    this.stamps[this.at] = s;
    this.ids[this.at] = id;
  }
}

export class StampedParts {
  /** The extensions' names and keys (scratch), as last interned, and their number. */
  private readonly extKeys: string[] = [];
  private extLast: string[] = [];
  private extId = -1;
  /** The extensions the last number was written for, in order, and their stamps then (NaN: none). */
  private readonly extOrder: unknown[] = [];
  private readonly extStamps: number[] = [];
  /** The order and stamps were written with no renaming, with the keys `extId` is the number of. */
  private extStampsKept = false;
  /** `extensionsId`'s scratch: the extensions still stamped as last written. */
  private extSame = true;
  private extAt = 0;
  /** Each detector's key as last interned, and its number. */
  private readonly detectorKeys: (string | undefined)[] = [];
  private readonly detectorIds: number[] = [];
  /** Each stamped detector's last stamps and numbers (no renaming). */
  private readonly detectorStamps: (StampMemo | undefined)[] = [];

  /**
   * The extensions' number: their `name=key` lines sorted and joined (an
   * extension without `stateKey` keyed by `value`), kept while each one's
   * stamp is the one it was last written at (no renaming).
   */
  extensionsId(
    exts: ReadonlyMap<Extension<unknown>, unknown>,
    ren: Renaming | null,
    t: KeyTables,
    value: (v: unknown) => string,
  ): number {
    if (ren === null && this.extStampsKept && this.stamped(exts)) return this.extId;
    const keys = this.extKeys;
    const order = this.extOrder;
    const stamps = this.extStamps;
    let k = 0;
    let i = 0;
    exts.forEach((v, e) => {
      // The stamp before the key: a key is never older than the stamp it is kept at.
      order[i] = e;
      stamps[i++] = e.stateKey !== undefined && e.stateStamp !== undefined ? e.stateStamp(v) : NaN;
      keys[k++] = e.name;
      keys[k++] = e.stateKey ? e.stateKey(v) : value(v);
    });
    // By pop: setting an array's length is a slow builtin.
    while (keys.length > k) keys.pop();
    while (order.length > i) order.pop();
    while (stamps.length > i) stamps.pop();
    this.extStampsKept = ren === null;
    if (ren === null && sameStrings(keys, this.extLast)) return this.extId;
    const lines: string[] = [];
    for (let j = 0; j < keys.length; j += 2) lines.push(`${keys[j]}=${keys[j + 1]}`);
    const id = t.strings.id(lines.sort().join("\n"));
    if (ren === null) {
      this.extLast = keys.slice();
      this.extId = id;
    }
    return id;
  }

  /** Are the extensions the ones last written, each stamped, each at the stamp it was written at? */
  private stamped(exts: ReadonlyMap<Extension<unknown>, unknown>): boolean {
    if (exts.size !== this.extOrder.length) return false;
    this.extSame = true;
    this.extAt = 0;
    exts.forEach(this.checkExtension);
    return this.extSame;
  }

  private readonly checkExtension = (v: unknown, e: Extension<unknown>): void => {
    const i = this.extAt++;
    if (!this.extSame) return;
    // NaN (no stamp) equals nothing.
    if (this.extOrder[i] !== e || e.stateStamp === undefined || e.stateStamp(v) !== this.extStamps[i]) {
      this.extSame = false;
    }
  };

  /** Detector `i`'s number: kept while its stamp is one it was written at, else its key's (no renaming: kept while the same string). */
  detectorId(i: number, d: Detector, ren: Renaming | null, t: KeyTables): number {
    if (d.stateKey === undefined) {
      throw new MachineConfigError(
        `detector ${d.name} does not say what its state is (no stateKey), so the state cannot be fingerprinted`,
      );
    }
    let memo: StampMemo | undefined;
    let stamp = 0;
    if (ren === null && d.stateStamp !== undefined) {
      stamp = d.stateStamp();
      memo = this.detectorStamps[i] ??= new StampMemo();
      const id = memo.get(stamp);
      if (id >= 0) return id;
    }
    const key = d.stateKey(ren ?? IDENTITY);
    let id: number;
    if (ren === null && this.detectorKeys[i] === key) id = this.detectorIds[i]!;
    else {
      id = t.strings.id(key);
      if (ren === null) {
        this.detectorKeys[i] = key;
        this.detectorIds[i] = id;
      }
    }
    memo?.put(stamp, id);
    return id;
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
