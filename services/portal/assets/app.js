// Conveniences on top of pages that work without JavaScript. No external requests.
"use strict";

// Ask before destructive actions: <form data-confirm="…"> or <button data-confirm="…">.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const message = (button && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Live completeness of a need form: the fields people most often leave empty.
function updateCompleteness(form) {
  const meter = form.querySelector("[data-completeness]");
  if (!meter) return;
  const fields = meter.dataset.completeness.split(",");
  const filled = fields.filter((name) => {
    const inputs = form.querySelectorAll(`[name="${name}"]`);
    return Array.from(inputs).some((i) => (i.type === "checkbox" ? i.checked : i.value.trim() !== ""));
  }).length;
  const score = Math.round((100 * filled) / fields.length);
  const bar = meter.querySelector("span");
  if (bar) bar.style.width = `${score}%`;
  const label = form.querySelector("[data-completeness-value]");
  if (label) label.textContent = `${score}%`;
}
document.querySelectorAll("form").forEach((form) => {
  if (form.querySelector("[data-completeness]")) {
    form.addEventListener("input", () => updateCompleteness(form));
    updateCompleteness(form);
  }
});

// Pages that show work in progress (an import) reload themselves until it is done.
const refresh = document.querySelector("[data-refresh-seconds]");
if (refresh) {
  const seconds = Number(refresh.dataset.refreshSeconds) || 2;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
}
