/**
 * @kprim/trace/view — the timeline view for web pages: `mountTimeline(root,
 * data, options)` draws a `TimelineData` (`timelineData(doc)` of
 * @kprim/trace) into an element, styled by `TIMELINE_VIEW_STYLE`. The HTML
 * export's page runs the same code (inlined), so the timeline in a browser
 * app and in an exported file is one component.
 */
export { mountTimeline, type TimelineView, type TimelineViewOptions, type ZoomHow, type ZoomState } from "./mount.js";
export { TIMELINE_VIEW_STYLE } from "./style.js";
export { category, type Hover, LEGEND, ROLES } from "./describe.js";
export type { TimelineData } from "../timelineData.js";
