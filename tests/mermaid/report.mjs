// Open generated report.html pages in headless Chromium, as a reader would, and measure them.
// stdin: JSON {"pages": [{"id", "path"}], "width": 1280, "screenshot": {"id", "path"} | null}
// stdout: JSON [{"id", "state", "status", "pre", "svgs", "errors", "smallest", "legends",
//                "requests", "console"}] — one entry per page.
// Every diagram text's on-screen size is its computed font size times the scale of the
// SVG it is drawn in (getScreenCTM): a wide diagram shrunk to fit shrinks its text too.
import puppeteer from "puppeteer";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { pages, width, screenshot } = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const browser = await puppeteer.launch({
  headless: true,
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

function measure() {
  const sizes = [];
  for (const svg of document.querySelectorAll("main svg")) {
    // the outermost SVGs only: an <svg> nested in one is measured through its parent
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    for (const el of svg.querySelectorAll("text, tspan, foreignObject *")) {
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "",
      );
      if (!own) continue;
      const graphic = el instanceof SVGGraphicsElement ? el : el.closest("foreignObject");
      const ctm = graphic.getScreenCTM();
      const scale = ctm ? Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c)) : 1;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue; // not displayed
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      sizes.push({ px, text: el.textContent.trim().slice(0, 60) });
    }
  }
  sizes.sort((a, b) => a.px - b.px);
  const svgs = Array.from(document.querySelectorAll("pre.mermaid")).map(
    (pre) => pre.querySelector("svg") !== null,
  );
  const errors = Array.from(document.querySelectorAll("main svg"))
    .filter((s) => /Syntax error|Parse error/i.test(s.textContent) || s.getAttribute("aria-roledescription") === "error")
    .map((s) => s.textContent.slice(0, 200));
  const spike = document.querySelector("#simulation");
  const legends = spike
    ? Array.from(spike.querySelectorAll("svg .legend")).map((g) => g.textContent.trim())
    : [];
  return {
    state: document.body.dataset.mermaid || "",
    status: document.getElementById("status").textContent,
    pre: svgs.length,
    svgs: svgs.filter(Boolean).length,
    errors,
    smallest: sizes.slice(0, 3),
    texts: sizes.length,
    legends,
  };
}

const results = [];
try {
  for (const { id, path } of pages) {
    const page = await browser.newPage();
    await page.setViewport({ width, height: 900 });
    const requests = [];
    const consoleErrors = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith("file://") || url.startsWith("data:")) return request.continue();
      requests.push(url);
      return request.abort();
    });
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });
    page.on("pageerror", (err) => consoleErrors.push(String(err)));
    const started = Date.now();
    await page.goto("file://" + path, { waitUntil: "load" });
    await page.waitForFunction(() => document.body.dataset.mermaid, { timeout: 120000 });
    const result = { id, ...(await page.evaluate(measure)), requests, console: consoleErrors };
    result.ms = Date.now() - started;
    if (screenshot && screenshot.id === id) {
      await page.setViewport({ width, height: 1100 });
      // the network diagram, the one that used to shrink to ~7 px text
      await page.evaluate(() => {
        const heading = Array.from(document.querySelectorAll("#architecture h2")).find((h) =>
          h.textContent.startsWith("Network"),
        );
        if (heading) heading.scrollIntoView();
      });
      await page.screenshot({ path: screenshot.path });
    }
    results.push(result);
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
