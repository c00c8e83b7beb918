/**
 * @kprim/plugin-teaching-bugs — four plugins, each replacing one layer of
 * the Kernel composition with a small, commented mistake, for learning to
 * find races with `kprim explore`. Each is the default export of its own
 * module (`@kprim/plugin-teaching-bugs/<bug>`), so they are loaded one at a
 * time; this entry re-exports them by name with their buggy layers.
 */
export { default as wakeupIgnoresCpumaskPlugin, wakeupIgnoresCpumask } from "./wakeupIgnoresCpumask.js";
export { default as spinlockForgetsCritPlugin, spinlockForgetsCrit } from "./spinlockForgetsCrit.js";
export { default as releaseBeforeTsleepInterlockPlugin, spinReleaseEarly } from "./releaseBeforeTsleepInterlock.js";
export { default as releaseForgetsWakeupPlugin, spinWakeupDropped } from "./releaseForgetsWakeup.js";
