/**
 * @kprim/trace — exporters for traced kprim runs: a kernel-console text log,
 * Chrome trace event JSON that opens in Perfetto, and a self-contained HTML
 * timeline. Every exporter is a pure function of a `TraceDocument`. The
 * timeline view itself (for web pages) is the `@kprim/trace/view` subpath.
 */
export {
  checkDocument,
  type DocumentMeta,
  documentFromRun,
  type FailurePoint,
  type RacyWindow,
  type RunSetting,
  TraceError,
  type TraceDocument,
} from "./document.js";
export {
  type ChromeAsyncEvent,
  type ChromeCompleteEvent,
  type ChromeFlowEvent,
  type ChromeInstantEvent,
  type ChromeMetadataEvent,
  type ChromeTrace,
  type ChromeTraceEvent,
  CHROME_PID,
  cpuTrack,
  toChromeTrace,
  toChromeTraceJson,
} from "./chrome.js";
export { toHtml } from "./html.js";
export { type TimelineData, timelineData } from "./timelineData.js";
export { type LockHold, lockHolds } from "./locks.js";
export { toText } from "./text.js";
export type { LinkKind, Span, SpanKind } from "./timeline.js";
export {
  type ConsoleFocus,
  consoleFocus,
  type EvidenceInput,
  failureEvidence,
  focusLine,
  type TraceLabel,
} from "./evidence.js";
export { describeEvidence, documentFailure, failureStep, racyWindow, type WindowInput } from "./window.js";
