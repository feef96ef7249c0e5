/*
 * Starts GOV.UK Frontend's JavaScript components.
 *
 * An ES module: load with
 *   <script type="module" src="…/portal/init.js"></script>
 * (module scripts are deferred by default). It replaces the inline snippet in
 * GOV.UK Frontend's page template, which a strict Content-Security-Policy
 * forbids. Only browsers that support ES modules run it, which is exactly
 * GOV.UK Frontend 5's definition of a supported browser.
 */
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend 5 styles its JavaScript-enhanced components only under
// .govuk-frontend-supported, and initAll() does nothing unless <body> has it.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

function start() {
  initAll();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
