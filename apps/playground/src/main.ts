/**
 * The playground's entry: its stylesheet and the timeline view's, then the
 * page opened at what the address says. `<html data-ready>` and the
 * performance mark `kprim-ready` mark the first run drawn, the page ready
 * for a person (what the browser tests wait for and the benchmarks time).
 */
import { TIMELINE_VIEW_STYLE } from "@kprim/trace/view";
import "./style.css";
import { App } from "./ui/app.js";

const style = document.createElement("style");
style.textContent = TIMELINE_VIEW_STYLE;
document.head.appendChild(style);

const app = new App(document.getElementById("app")!);
app.load(location.hash);
document.documentElement.setAttribute("data-ready", "");
performance.mark("kprim-ready");
