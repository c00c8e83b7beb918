/**
 * Errors the CLI reports as one line with exit code 2 (usage and input
 * errors). Anything the kernel model itself reports is an outcome, not one
 * of these.
 */
import { ExecutionError, ExploreConfigError, SignalError } from "@kprim/explore";
import { MachineConfigError, ModelError, ParamError, ReplayDivergence, ScheduleError } from "@kprim/machine";
import { PluginError } from "@kprim/plugin";
import { TraceError } from "@kprim/trace";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** True for errors whose message is already a complete one-line explanation. */
export function isInputError(e: unknown): e is Error {
  return (
    e instanceof UsageError ||
    e instanceof ParamError ||
    e instanceof ScheduleError ||
    e instanceof ReplayDivergence ||
    e instanceof MachineConfigError ||
    e instanceof ModelError ||
    e instanceof PluginError ||
    e instanceof ExploreConfigError ||
    e instanceof SignalError ||
    e instanceof ExecutionError ||
    e instanceof TraceError
  );
}
