// Builds the portal's front-end assets from GOV.UK Frontend into ../static/.
//
//   cd frontend && npm ci && npm run build
//
// Writes (everything else in ../static is hand-written and left alone):
//   static/portal/portal.css                          compiled from scss/portal.scss
//   static/govuk-frontend/govuk-frontend.min.js       GOV.UK Frontend's ES module
//   static/govuk-frontend/images/…                    allowed images only (none today)
//   static/govuk-frontend/VERSION                     the exact govuk-frontend version
//   static/moj-frontend/moj-frontend.min.js           MOJ Frontend's ES module (self-contained)
//   static/moj-frontend/images/…                      the plain icons its CSS uses, nothing else
//   static/moj-frontend/VERSION                       the exact @ministryofjustice/frontend version
//
// Plain Node (>= 20) and the `sass` package only, so it runs on any OS.

import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, "..");
const staticDir = path.join(projectRoot, "static");
const govukPackageDir = path.join(here, "node_modules", "govuk-frontend");
const govukDist = path.join(govukPackageDir, "dist", "govuk");
const govukImages = path.join(govukDist, "assets", "images");
const mojPackageDir = path.join(here, "node_modules", "@ministryofjustice", "frontend");
const mojDist = path.join(mojPackageDir, "moj");
const mojImages = path.join(mojDist, "assets", "images");

const cssSource = path.join(here, "scss", "portal.scss");
const cssOutput = path.join(staticDir, "portal", "portal.css");
const govukOutput = path.join(staticDir, "govuk-frontend");
const mojOutput = path.join(staticDir, "moj-frontend");

// Images from dist/govuk/assets/images that the portal may publish. Every
// image GOV.UK Frontend 5.x ships is GOV.UK-branded and restricted to GOV.UK:
// favicon.ico / favicon.svg (crown), govuk-crest.svg (Royal Arms),
// govuk-icon-*.png / govuk-icon-mask.svg (crown), govuk-opengraph-image.png
// (crown). So the list is empty. Add a file here only if it is not a crown,
// crest or GOV.UK logo; fonts (GDS Transport) must never be copied.
const ALLOWED_IMAGES = [];
const FORBIDDEN_IMAGE = /crown|crest|favicon|govuk-icon|opengraph|logo|touch-icon/i;

// Images from MOJ Frontend's moj/assets/images that its compiled components reference: plain
// icons (the filter panel's toggle, close and remove-tag crosses; the timeline's document icon).
// Its crest, logotype, touch icons and Open Graph image are never copied.
const MOJ_ALLOWED_IMAGES = [
  "icon-close-cross-black.svg",
  "icon-document.svg",
  "icon-tag-remove-cross-white.svg",
  "icon-tag-remove-cross.svg",
  "icon-toggle-plus-minus.svg",
];

function fail(message) {
  console.error(`build failed: ${message}`);
  process.exit(1);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const govukPackage = JSON.parse(await readFile(path.join(govukPackageDir, "package.json"), "utf8"));
  const ourPackage = JSON.parse(await readFile(path.join(here, "package.json"), "utf8"));
  const version = govukPackage.version;
  const wanted = ourPackage.devDependencies["govuk-frontend"];
  if (version !== wanted) {
    fail(`installed govuk-frontend is ${version} but package.json pins ${wanted}; run "npm ci"`);
  }
  if (!version.startsWith("5.")) {
    fail(`govuk-frontend ${version} is not 5.x, the line crispy-forms-gds 2.0 supports`);
  }
  const mojPackage = JSON.parse(await readFile(path.join(mojPackageDir, "package.json"), "utf8"));
  const mojVersion = mojPackage.version;
  const mojWanted = ourPackage.devDependencies["@ministryofjustice/frontend"];
  if (mojVersion !== mojWanted) {
    fail(`installed @ministryofjustice/frontend is ${mojVersion} but package.json pins ${mojWanted}; run "npm ci"`);
  }
  if (!mojVersion.startsWith("8.")) {
    fail(`@ministryofjustice/frontend ${mojVersion} is not 8.x, the line built on GOV.UK Frontend 5`);
  }

  // 1. CSS
  const result = await sass.compileAsync(cssSource, {
    style: "compressed",
    sourceMap: false,
    importers: [new sass.NodePackageImporter(here)],
    // MOJ Frontend loads GOV.UK Frontend as "node_modules/govuk-frontend/…".
    loadPaths: [here],
    // GOV.UK Frontend 5.x still uses @import and global Sass functions; hide
    // the resulting deprecation warnings from its own files.
    quietDeps: true,
    silenceDeprecations: ["import", "global-builtin"],
  });
  const css = result.css;
  if (/GDS Transport/i.test(css)) fail('compiled CSS mentions "GDS Transport"');
  if (/@font-face/i.test(css)) fail("compiled CSS contains @font-face");
  if (/sourceMappingURL/.test(css)) fail("compiled CSS references a source map");

  // Every url() in the CSS must be an allowed image that we copy below.
  for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
    const url = match[1];
    if (url.startsWith("data:")) continue;
    const allowed = [
      ["/static/govuk-frontend/images/", ALLOWED_IMAGES],
      ["/static/moj-frontend/images/", MOJ_ALLOWED_IMAGES],
    ].some(([prefix, names]) => url.startsWith(prefix) && names.includes(url.slice(prefix.length)));
    if (!allowed) {
      fail(`compiled CSS references ${url}, which is not an allowed, copied image`);
    }
  }

  await mkdir(path.dirname(cssOutput), { recursive: true });
  await writeFile(cssOutput, css);

  // 2. GOV.UK Frontend JavaScript, images and VERSION. This directory is
  // entirely generated: start clean so nothing stale (fonts, crowns) remains.
  await rm(govukOutput, { recursive: true, force: true });
  await mkdir(govukOutput, { recursive: true });

  // (Its trailing "//# sourceMappingURL=…" comment shares a line with code,
  // so Django's ManifestStaticFilesStorage leaves it alone; browsers only
  // fetch the map, which is not copied, when developer tools are open.)
  await copyFile(
    path.join(govukDist, "govuk-frontend.min.js"),
    path.join(govukOutput, "govuk-frontend.min.js"),
  );

  const available = new Set(await readdir(govukImages));
  for (const image of ALLOWED_IMAGES) {
    if (FORBIDDEN_IMAGE.test(image)) fail(`${image} is GOV.UK/crown-branded and must not be copied`);
    if (!available.has(image)) fail(`${image} is not in govuk-frontend ${version}`);
    await mkdir(path.join(govukOutput, "images"), { recursive: true });
    await copyFile(path.join(govukImages, image), path.join(govukOutput, "images", image));
  }

  await writeFile(path.join(govukOutput, "VERSION"), version);

  // 3. MOJ Frontend: its self-contained ES module (it bundles the GOV.UK Frontend helpers it
  // needs and imports nothing, moment included: only its date picker, unused here, wants that),
  // the icons its CSS uses, and VERSION. Entirely generated, like govuk-frontend/.
  await rm(mojOutput, { recursive: true, force: true });
  await mkdir(path.join(mojOutput, "images"), { recursive: true });
  const mojScript = await readFile(path.join(mojDist, "moj-frontend.min.js"), "utf8");
  if (/\bfrom\s*["']|\bimport\s*\(|require\(/.test(mojScript)) {
    fail("moj-frontend.min.js imports another module; it must be self-contained");
  }
  await writeFile(path.join(mojOutput, "moj-frontend.min.js"), mojScript);
  const mojAvailable = new Set(await readdir(mojImages));
  for (const image of MOJ_ALLOWED_IMAGES) {
    if (FORBIDDEN_IMAGE.test(image)) fail(`${image} is a logo, crest or icon of a brand and must not be copied`);
    if (!mojAvailable.has(image)) fail(`${image} is not in @ministryofjustice/frontend ${mojVersion}`);
    await copyFile(path.join(mojImages, image), path.join(mojOutput, "images", image));
  }
  await writeFile(path.join(mojOutput, "VERSION"), mojVersion);

  // 4. Report
  const written = [
    cssOutput,
    path.join(govukOutput, "govuk-frontend.min.js"),
    ...ALLOWED_IMAGES.map((image) => path.join(govukOutput, "images", image)),
    path.join(govukOutput, "VERSION"),
    path.join(mojOutput, "moj-frontend.min.js"),
    ...MOJ_ALLOWED_IMAGES.map((image) => path.join(mojOutput, "images", image)),
    path.join(mojOutput, "VERSION"),
  ];
  console.log(
    `govuk-frontend ${version}, @ministryofjustice/frontend ${mojVersion}, sass ${sass.info.split("\t")[1] ?? sass.info}`,
  );
  for (const file of written) {
    const bytes = (await readFile(file)).length;
    console.log(`  ${path.relative(projectRoot, file).split(path.sep).join("/")}  ${kib(bytes)}`);
  }
  console.log(`  images copied: ${ALLOWED_IMAGES.length ? ALLOWED_IMAGES.join(", ") : "none (all are GOV.UK-branded)"}`);
}

main().catch((error) => fail(error.stack || String(error)));
