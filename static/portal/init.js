/*
 * Starts GOV.UK Frontend's and MOJ Frontend's JavaScript components.
 *
 * An ES module: load with
 *   <script type="module" src="…/portal/init.js"></script>
 * (module scripts are deferred by default). It replaces the inline snippet in
 * GOV.UK Frontend's page template, which a strict Content-Security-Policy
 * forbids. Only browsers that support ES modules run it, which is exactly
 * GOV.UK Frontend 5's definition of a supported browser.
 *
 * MOJ Frontend (the staff pages' case-working patterns) is a self-contained
 * module beside GOV.UK Frontend's: its initAll() starts the components marked
 * with data-module (the sortable tables, moj-sortable-table). The filter
 * panel's show/hide button on small screens (data-module="moj-filter") is not
 * part of its initAll(), so it is started here.
 */
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";
import {
  FilterToggleButton,
  initAll as initAllMoj,
} from "../moj-frontend/moj-frontend.min.js";

// GOV.UK Frontend 5 styles its JavaScript-enhanced components only under
// .govuk-frontend-supported, and initAll() does nothing unless <body> has it.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

function startFilterPanels() {
  for (const panel of document.querySelectorAll('[data-module="moj-filter"]')) {
    try {
      new FilterToggleButton(panel, {
        startHidden: false,
        toggleButton: {
          showText: "Show filters",
          hideText: "Hide filters",
          classes: "govuk-button--secondary",
        },
      });
    } catch (error) {
      console.error(error);
    }
  }
}

function start() {
  initAll();
  initAllMoj();
  startFilterPanels();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
