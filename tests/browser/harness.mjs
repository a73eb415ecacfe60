// What every browser test needs (not a test itself): its own local stack, started with
// deploy/up in a fresh state directory on free ports and stopped with deploy/down, failure or
// not; Debian's headless Chromium (/usr/bin/chromium) through playwright-core, which never
// downloads a browser; and where screenshots go ($TEXTUS_ARTIFACTS, default a new temp dir).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const run = promisify(execFile);
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE_VIEW = { width: 360, height: 780 };
const CHROMIUM = process.env.TEXTUS_CHROMIUM || '/usr/bin/chromium';

export const artifacts = process.env.TEXTUS_ARTIFACTS ||
  fs.mkdtempSync(path.join(os.tmpdir(), 'textus-artifacts-'));

// True when nothing listens on 127.0.0.1:port (and we may bind it).
function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
// deploy/up uses PORT, PORT+1 (nchan publisher), +2 (Twilio sim), +3 (Commerce7 sim).
async function freePorts() {
  for (let i = 0; i < 50; i++) {
    // Below 32768, where Linux picks client sockets' ports.
    const port = 20000 + 4 * Math.floor(Math.random() * 3000);
    const free = await Promise.all([0, 1, 2, 3].map((d) => portFree(port + d)));
    if (free.every(Boolean)) return port;
  }
  throw new Error('no four free ports in a row found');
}

// Polls fn until it returns a truthy value; throws with `what` after `ms`.
export async function eventually(what, fn, ms = 5000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A stack of its own, from $TEXTUS_BIN_DIR: {state, env, port, url, staffKey, owner: {email,
// password}}. `name` names its
// state directory and, in stop(), the directory its logs are kept in beside the screenshots;
// `extraEnv` adds to deploy/up's environment (e.g. TEXTUS_WORKER_POLL_SECONDS, QUIET_HOURS).
export async function startStack(name, extraEnv = {}) {
  const binDir = process.env.TEXTUS_BIN_DIR;
  assert.ok(binDir, 'set TEXTUS_BIN_DIR to a build\'s bin directory (ctest sets it)');
  assert.ok(fs.existsSync(CHROMIUM), `no ${CHROMIUM}: deploy/install-deps installs Debian's chromium`);
  fs.mkdirSync(artifacts, { recursive: true });
  console.log(`# screenshots: ${artifacts}`);

  const state = fs.mkdtempSync(path.join(os.tmpdir(), `textus-${name}-`));
  fs.chmodSync(state, 0o755); // postgres, nginx's workers and the handlers traverse it
  const port = await freePorts();
  const env = { ...process.env, ...extraEnv, TEXTUS_STATE: state, TEXTUS_PORT: String(port), TEXTUS_BIN_DIR: binDir };
  // Nothing from the caller's environment may point the stack elsewhere.
  for (const k of ['DATABASE_URL', 'TEXTUS_ADMIN_DATABASE_URL', 'TWILIO_API_BASE', 'COMMERCE7_API_BASE',
    'PUBLIC_BASE_URL', 'TEXTUS_PUBLISH_PORT', 'TEXTUS_SIM_PORT', 'TEXTUS_C7_SIM_PORT', 'TEXTUS_HANDLERS']) {
    delete env[k];
  }
  const stack = { name, state, env, port, url: null, staffKey: null };
  let out;
  try {
    out = await run(path.join(repo, 'deploy', 'up'), [], { env, cwd: repo, timeout: 120000 });
  } catch (e) {
    await stopStack(stack);
    throw new Error(`deploy/up failed: ${e.message}\n${e.stderr || ''}`);
  }
  const printed = (label) => new RegExp(`^${label}: (\\S+)$`, 'm').exec(out.stdout)?.[1];
  stack.url = printed('url');
  stack.staffKey = printed('staff key');
  stack.owner = { email: printed('sign in'), password: printed('password') };
  assert.ok(stack.url && stack.staffKey && stack.owner.email && stack.owner.password,
    `deploy/up printed no url, staff key or sign-in: ${out.stdout}`);
  return stack;
}

// Keeps the stack's logs next to the screenshots, then stops it and removes its state.
export async function stopStack(stack) {
  if (!stack) return;
  try {
    fs.cpSync(path.join(stack.state, 'log'), path.join(artifacts, `${stack.name}-logs`), { recursive: true });
  } catch { /* no logs */ }
  try {
    await run(path.join(repo, 'deploy', 'down'), [], { env: stack.env, cwd: repo, timeout: 60000 });
  } finally {
    fs.rmSync(stack.state, { recursive: true, force: true });
  }
}

// Headless Chromium and one desktop-sized page that reports its script errors.
// `cspViolations` collects what the Content-Security-Policy (nginx/textus-headers.conf.in)
// refused in any page of the browser: a test file ends by checking it is empty.
export async function openBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const context = await browser.newContext({ viewport: DESKTOP });
  const cspViolations = [];
  context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  return { browser, page, cspViolations };
}
