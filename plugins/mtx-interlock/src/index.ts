/**
 * @kprim/plugin-mtx — a FreeBSD-style sleep mutex with msleep as a fourth
 * lockmgr interlock (`--interlock mtx`). The default export is the plugin;
 * the pieces are exported for tests and for other plugins.
 */
import { definePlugin, type Plugin } from "@kprim/plugin";
import { mtxInterlock } from "./interlock.js";

export { mtxInterlock } from "./interlock.js";
export { createSleepMutex, mtxLock, mtxOwner, mtxUnlock, type MutexWord, type SleepMutex } from "./mutex.js";
export { msleep, MTX_SLEEPQ, type MtxSleepQueue, type Sleeper, wakeup } from "./sleepQueue.js";
export { createSpinMutex, releaseAndBlock, type SpinMutex, spinMutexLock, spinMutexUnlock } from "./spinMutex.js";

/** The plugin: registers the interlock `mtx`. */
export const mtxPlugin: Plugin = definePlugin({ name: "mtx", interlocks: { mtx: mtxInterlock } });

export default mtxPlugin;
