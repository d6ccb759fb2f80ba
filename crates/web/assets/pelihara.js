// Pelihara's own behaviour, kept out of the pages because the Content-Security-Policy forbids
// inline scripts. Toasts: error toasts that htmx swaps into #toasts hide themselves after a
// while and leave the page; a network failure (no answer at all) shows the offline toast.
// The notification bell's poll pauses while the tab is hidden.
(function () {
  "use strict";

  var TOAST_DELAY_MS = 8000;

  function startToast(element) {
    if (!window.bootstrap || !element.classList.contains("toast")) {
      return;
    }
    element.addEventListener("hidden.bs.toast", function () {
      element.remove();
    });
    window.bootstrap.Toast.getOrCreateInstance(element, { delay: TOAST_DELAY_MS }).show();
  }

  function showOfflineToast() {
    var template = document.getElementById("toast-offline");
    var container = document.getElementById("toasts");
    if (!template || !container) {
      return;
    }
    var toast = template.content.firstElementChild.cloneNode(true);
    container.appendChild(toast);
    startToast(toast);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var container = document.getElementById("toasts");
    if (container && event.detail.target === container) {
      container.querySelectorAll(".toast:not([data-pl-started])").forEach(function (toast) {
        toast.setAttribute("data-pl-started", "");
        startToast(toast);
      });
    }
  });
  function isBell(event) {
    return Boolean(event.detail && event.detail.elt && event.detail.elt.id === "pl-bell");
  }

  // The bell polls its count: a hidden tab does not ask (it asks again when shown), and a
  // failed poll stays quiet instead of announcing the outage every 30 seconds.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isBell(event) && document.hidden) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!isBell(event)) {
      showOfflineToast();
    }
  });

  // A strip of tabs that scrolls sideways on a narrow screen starts at its first tab; bring
  // the current one into view so the reader sees where they are (the page does not move).
  function revealActiveTabs(root) {
    root.querySelectorAll(".nav-tabs.overflow-x-auto").forEach(function (strip) {
      var active = strip.querySelector(".nav-link.active");
      if (!active) {
        return;
      }
      var overhang = active.getBoundingClientRect().right - strip.getBoundingClientRect().right;
      if (overhang > 0) {
        strip.scrollLeft += overhang + 16;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    revealActiveTabs(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    revealActiveTabs(event.detail.target);
  });
})();
