/**
 * How long a console test waits for one step of the page (a click's result, a heading, a row).
 * The suite runs its files in parallel on the machine's cores, with a server and Chromium each;
 * a step that takes a few hundred milliseconds alone took over 5 s there once (the conversation
 * view's heading after "Open the conversation"), so a step may take up to this before it fails.
 */
export const PAGE_STEP_TIMEOUT_MS = 15_000;
