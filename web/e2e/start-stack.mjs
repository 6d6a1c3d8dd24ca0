// Starts the whole shop (local AWS, inventory, api serving web/out) on a throwaway database and
// non-default ports, for Playwright's webServer. SIGTERM/SIGINT stop it and remove the temp dir.
// Usage: node e2e/start-stack.mjs  (env: E2E_API_PORT, E2E_ADMIN_PASSWORD; see e2e/stack.ts)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(webDir, "..");
const outDir = join(webDir, "out");
if (!existsSync(join(outDir, "index.html"))) {
  console.error(`start-stack: ${outDir}/index.html is missing; run \`npm run build\` first`);
  process.exit(2);
}

const apiPort = Number(process.env.E2E_API_PORT ?? "18400");
const workDir = mkdtempSync(join(tmpdir(), "o11yshop-e2e-"));
const env = {
  ...process.env,
  O11YSHOP_ENV: "development",
  O11YSHOP_DATABASE_URL: `sqlite:///${join(workDir, "e2e.db")}`,
  O11YSHOP_MEDIA_DIR: join(workDir, "media"),
  O11YSHOP_WEB_DIR: outDir,
  // Set even where they match the defaults: a developer's .env must not point the test shop elsewhere.
  O11YSHOP_HOST: "127.0.0.1",
  O11YSHOP_API_PORT: String(apiPort),
  O11YSHOP_INVENTORY_PORT: String(apiPort + 1),
  O11YSHOP_INVENTORY_URL: `http://127.0.0.1:${apiPort + 1}`,
  O11YSHOP_LOCAL_AWS_PORT: String(apiPort + 2),
  O11YSHOP_LOCAL_AWS_STATE_DIR: join(workDir, "aws"),
  O11YSHOP_XRAY_DAEMON_PORT: "0", // port 2000 stays free for a developer's shop and its own test
  O11YSHOP_ADMIN_EMAIL: process.env.E2E_ADMIN_EMAIL ?? "admin@o11yshop.local",
  O11YSHOP_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD ?? "e2e-only-password",
};

// The shop's own output goes to a file, kept for reading after a failed run.
mkdirSync(join(webDir, "test-results"), { recursive: true });
const logPath = join(webDir, "test-results", "stack.log");
const log = openSync(logPath, "w");
console.log(`start-stack: shop output in ${logPath}`);

const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
const uv = ["run", "--frozen", "o11yshop"];
for (const step of [["migrate"], ["seed", "--if-empty"]]) {
  const done = spawnSync("uv", [...uv, ...step], { cwd: repoRoot, env, stdio: ["ignore", log, log] });
  if (done.status !== 0) {
    cleanUp();
    console.error(`start-stack: o11yshop ${step.join(" ")} failed (${done.status ?? done.signal})`);
    process.exit(1);
  }
}

const shop = spawn("uv", [...uv, "up"], { cwd: repoRoot, env, stdio: ["ignore", log, log] });
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  shop.kill(signal);
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGTERM"));
shop.on("exit", (code, signal) => {
  if (!stopping) console.error(`start-stack: the shop stopped by itself (${code ?? signal}); see ${logPath}`);
  cleanUp();
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
});
