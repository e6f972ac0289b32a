// Builds the web terminal's assets into the Python package (gitignored, shipped in the wheel):
//   src/retroboard/transports/web/static/terminal.js   xterm.js + fit addon + src/terminal.js
//   src/retroboard/transports/web/static/terminal.css  xterm.css + src/terminal.css
//   src/retroboard/transports/web/static/fonts/        the bundled font
//   src/retroboard/transports/web/static/LICENSES.txt  the licences of what is bundled
// Run with `npm ci && npm run build` in web/ (pip install . does it when npm is present).
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "retroboard", "transports", "web", "static");
const common = {
  bundle: true,
  minify: true,
  legalComments: "none", // the notices go to LICENSES.txt
  logLevel: "warning",
  absWorkingDir: here,
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  ...common,
  entryPoints: { terminal: "src/terminal.js" },
  format: "iife",
  target: ["es2020"],
  outdir: out,
});
await build({
  ...common,
  entryPoints: { terminal: "src/terminal.css" },
  loader: { ".woff2": "file" },
  assetNames: "fonts/[name]",
  outdir: out,
});

const notices = [
  ["@xterm/xterm", "node_modules/@xterm/xterm/LICENSE"],
  ["@xterm/addon-fit", "node_modules/@xterm/addon-fit/LICENSE"],
  ["DejaVu Sans Mono (@fontsource/dejavu-mono)", "node_modules/@fontsource/dejavu-mono/LICENSE"],
];
writeFileSync(
  join(out, "LICENSES.txt"),
  notices.map(([name, file]) => `${name}\n${"=".repeat(name.length)}\n\n${readFileSync(join(here, file), "utf8").trim()}\n`).join("\n\n"),
);
// Written last: its presence says the build finished.
writeFileSync(join(out, "BUILT"), "built from web/ by `npm run build`\n");
