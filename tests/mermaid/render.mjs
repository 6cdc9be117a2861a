// Render Mermaid diagrams with the real Mermaid library in headless Chromium.
// stdin: JSON [{"id": "...", "definition": "..."}]; stdout: JSON [{"id", "ok", "error"}].
// One browser for all diagrams: starting Chromium once per diagram costs seconds each.
import { readFileSync } from "node:fs";
import puppeteer from "puppeteer";
import { renderMermaid } from "@mermaid-js/mermaid-cli";

const diagrams = JSON.parse(readFileSync(0, "utf8"));
const browser = await puppeteer.launch({
  headless: true,
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const results = [];
try {
  for (const { id, definition } of diagrams) {
    try {
      const { data } = await renderMermaid(browser, definition, "svg", {});
      const svg = new TextDecoder().decode(data);
      const ok = svg.includes("<svg") && !svg.includes("Syntax error");
      results.push({ id, ok, error: ok ? "" : "rendered an error diagram" });
    } catch (err) {
      results.push({ id, ok: false, error: String(err && err.message ? err.message : err).split("\n").slice(0, 6).join("\n") });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
