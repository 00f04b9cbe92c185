#!/usr/bin/env node
// Opens a notebook in a running classic Jupyter Notebook server (v6) in headless Chromium, runs
// all cells through the Cell > Run All menu, waits until every code cell has run and the kernel is
// idle, then checks the page: a rendered HTML table, a chart image that the browser decoded, and
// no error output. Saves a full-page screenshot either way. Exit status 0 when every check
// passes, 1 when one fails (each failure printed), 2 on bad arguments.
//
//   node check-notebook.js --url 'http://127.0.0.1:PORT/notebooks/NAME.ipynb?token=T' \
//        --screenshot out.png [--timeout-s 600] [--chromium /usr/bin/chromium]
//
// Driven by BrowserCheckTest, which starts the server; the notebook's outputs should be cleared
// first, so that everything checked here was produced by this run.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

// The flags the project runs Chromium with: no sandbox (CI runs as root), no GPU, and nothing
// that reaches out to the network on its own.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1280, height: 900 };
// A chart narrower than this is not a chart a reader could read.
const MIN_CHART_PX = 200;
// Cap on the screenshot's height, so a runaway output cannot make a huge image.
const MAX_SCREENSHOT_PX = 12000;

function parseArgs(argv) {
  const options = { timeoutS: 600, chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--url') options.url = value;
    else if (name === '--screenshot') options.screenshot = value;
    else if (name === '--timeout-s') options.timeoutS = Number(value);
    else if (name === '--chromium') options.chromium = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.url || !options.screenshot) throw new Error('--url and --screenshot are required');
  if (!(options.timeoutS > 0)) throw new Error('--timeout-s must be a positive number of seconds');
  return options;
}

function log(message) {
  console.log(`[browser-check ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs in the page: the state of every code cell and of the kernel. */
function notebookState() {
  const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
  const icon = document.querySelector('#kernel_indicator_icon');
  return {
    prompts: cells.map((c) => c.input_prompt_number),
    running: cells.filter((c) => c.input_prompt_number === '*' || c.element.hasClass('running')).length,
    idle: icon !== null && icon.classList.contains('kernel_idle_icon'),
    errors: cells.flatMap((c, i) => c.output_area.outputs
      .filter((o) => o.output_type === 'error')
      .map((o) => `code cell ${i + 1}: ${o.ename}: ${o.evalue}`)),
  };
}

/** Runs in the page: what was rendered. */
function renderedOutputs(minChartPx) {
  const width = (e) => e.getBoundingClientRect().width;
  const pngs = [...document.querySelectorAll('.output_area img')]
    .filter((img) => img.src.startsWith('data:image/png') && img.complete && img.naturalWidth >= minChartPx);
  const svgs = [...document.querySelectorAll('.output_svg svg')].filter((svg) => width(svg) >= minChartPx);
  const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
  return {
    tables: [...document.querySelectorAll('.output_html table')].filter((t) => t.querySelectorAll('tr').length > 1).length,
    pngCharts: pngs.length,
    svgCharts: svgs.length,
    errorElements: document.querySelectorAll('.output_error').length,
    stderr: cells.flatMap((c, i) => c.output_area.outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => `code cell ${i + 1}: ${String(o.text).trim().slice(0, 300)}`)),
    height: Math.ceil(document.querySelector('#header').getBoundingClientRect().height
      + document.querySelector('#notebook').scrollHeight),
  };
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`check-notebook.js: ${e.message}`);
    return 2;
  }
  const failures = [];
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qprobe-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.chromium, headless: true, args: CHROMIUM_ARGS, viewport: VIEWPORT,
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => failures.push(`JavaScript error in the page: ${e.message}`));
    const started = Date.now();
    const deadline = () => Math.max(1000, options.timeoutS * 1000 - (Date.now() - started));

    log(`opening ${options.url.replace(/token=[^&]*/, 'token=...')}`);
    await page.goto(options.url, { waitUntil: 'domcontentloaded', timeout: deadline() });
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded
      && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()
      && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.implementation !== undefined,
    null, { timeout: deadline(), polling: 250 });
    const kernel = await page.evaluate(() => `${Jupyter.notebook.kernel.name}: ${Jupyter.notebook.kernel.info_reply.implementation}`);
    log(`kernel ${kernel} is ready after ${((Date.now() - started) / 1000).toFixed(1)} s; Cell > Run All`);

    // A dialog (an invalid notebook, a kernel that died) would swallow the clicks: report it instead.
    const dialog = await page.evaluate(() => [...document.querySelectorAll('.modal.in')]
      .map((m) => m.innerText.replace(/\s+/g, ' ').trim()).join(' | '));
    if (dialog) throw new Error(`the page shows a dialog: ${dialog}`);
    await page.click('#celllink');
    await page.click('#run_all_cells > a');
    const ran = Date.now();
    let state;
    for (;;) {
      state = await page.evaluate(notebookState);
      if (state.running === 0 && state.idle) break;
      if (Date.now() - started > options.timeoutS * 1000) {
        failures.push(`timed out after ${options.timeoutS} s with ${state.running} cell(s) still running`);
        break;
      }
      await page.waitForTimeout(500);
    }
    log(`cells ran in ${((Date.now() - ran) / 1000).toFixed(1)} s; prompts ${JSON.stringify(state.prompts)}`);
    state.prompts.forEach((p, i) => {
      if (typeof p !== 'number') failures.push(`code cell ${i + 1} did not run (prompt ${JSON.stringify(p)})`);
    });
    failures.push(...state.errors.map((e) => `error output in ${e}`));

    const rendered = await page.evaluate(renderedOutputs, MIN_CHART_PX);
    log(`rendered: ${rendered.tables} HTML table(s), ${rendered.pngCharts} PNG chart(s), ${rendered.svgCharts} SVG chart(s)`);
    if (rendered.tables === 0) failures.push('no rendered HTML table (.output_html table with rows)');
    if (rendered.pngCharts + rendered.svgCharts === 0) {
      failures.push(`no chart image: neither a decoded data:image/png <img> nor an inline SVG, at least ${MIN_CHART_PX} px wide`);
    }
    if (rendered.errorElements > 0) failures.push(`${rendered.errorElements} error output element(s) in the page`);
    failures.push(...rendered.stderr.map((s) => `stderr output in ${s}`));

    // The notebook scrolls inside #site, so a full-page shot needs a viewport as tall as the content.
    await page.setViewportSize({ width: VIEWPORT.width, height: Math.min(Math.max(rendered.height, VIEWPORT.height), MAX_SCREENSHOT_PX) });
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    fs.mkdirSync(path.dirname(path.resolve(options.screenshot)), { recursive: true });
    await page.screenshot({ path: options.screenshot, fullPage: true });
    log(`screenshot ${options.screenshot}`);
  } catch (e) {
    failures.push(`browser check stopped: ${e.message}`);
    // What the page showed when it stopped, for the CI artifact.
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: options.screenshot }).catch(() => {});
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  failures.forEach((f) => console.log(`FAIL ${f}`));
  log(failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) failed`);
  return failures.length === 0 ? 0 : 1;
}

main().then((status) => process.exit(status), (e) => {
  console.error(e);
  process.exit(1);
});
