/** Which errors thrown in the worker are input errors: one line, exit 2, no stack unless --debug. */
import { ExecutionError, ExploreConfigError, SignalError } from "@kprim/explore";
import {
  MachineConfigError,
  ModelError,
  ParamError,
  ReplayDivergence,
  ScheduleError,
  UndeclaredError,
} from "@kprim/machine";
import { PluginError } from "@kprim/plugin";
import { TraceError } from "@kprim/trace";
import { UsageError } from "../errors.js";

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
    e instanceof TraceError ||
    e instanceof UndeclaredError
  );
}
