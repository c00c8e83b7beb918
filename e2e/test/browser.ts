/**
 * Debian's chromium, driven by playwright-core: the shared helpers of
 * @kprim/test-utils/browser (no browser download is possible here; CI
 * installs it with `apt-get install -y chromium`; a missing binary fails
 * with that instruction).
 */
export { CHROMIUM, CHROMIUM_ARGS, launchChromium } from "@kprim/test-utils/browser";
