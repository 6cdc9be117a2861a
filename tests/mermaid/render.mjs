// Render Mermaid diagrams with the real Mermaid library in headless Chromium.
// stdin: JSON [{"id": "...", "definition": "..."}]; stdout: JSON [{"id", "ok", "error"}].
// One browser for all diagrams: starting Chromium once per diagram costs seconds each.
import puppeteer from "puppeteer";
import { renderMermaid } from "@mermaid-js/mermaid-cli";

// Read stdin as a stream: readFileSync(0) fails with EAGAIN on a pipe whose writer has
// not finished when the input is larger than the pipe's buffer.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const diagrams = JSON.parse(Buffer.concat(chunks).toString("utf8"));
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
