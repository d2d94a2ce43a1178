// Copies the pinned npm packages into static/vendor with their versions in the file names.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";

const version = (name) => JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
mkdirSync("vendor", { recursive: true });
const files = [
  ["htmx.org", "dist/htmx.min.js", (v) => `htmx-${v}.min.js`],
  ["@picocss/pico", "css/pico.min.css", (v) => `pico-${v}.min.css`],
  ["chart.js", "dist/chart.umd.min.js", (v) => `chart-${v}.umd.min.js`],
];
for (const [pkg, path, target] of files) {
  const out = `vendor/${target(version(pkg))}`;
  copyFileSync(`node_modules/${pkg}/${path}`, out);
  console.log(`${pkg} -> ${out}`);
}
