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

// The live auction page: a server-sent event stream from the portal carries the auction's
// state once a second (and the latest bids when there are new ones); the page shows them
// without reloading. Without JavaScript the page refreshes itself instead.
const auction = document.querySelector("[data-live-url]");
if (auction && window.EventSource) {
  const clockEl = document.querySelector("#server-clock");
  let offsetMs = clockEl ? Number(clockEl.dataset.ms) - Date.now() : 0;
  const pad = (n) => String(n).padStart(2, "0");
  const showClock = () => {
    if (!clockEl) return;
    // Beijing time, as the server prints it.
    const t = new Date(Date.now() + offsetMs + 8 * 3600 * 1000);
    clockEl.textContent = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} (UTC+8)`;
  };
  window.setInterval(showClock, 1000);
  const source = new EventSource(auction.dataset.liveUrl);
  source.addEventListener("auction", (event) => {
    const state = JSON.parse(event.data);
    offsetMs = state.server_time_ms - Date.now();
    document.querySelectorAll("[data-live]").forEach((el) => {
      const key = el.dataset.live;
      if (key !== "server_time" && state[key] !== undefined) el.textContent = String(state[key]);
    });
    const status = document.querySelector("#auction-status");
    if (status) status.dataset.status = state.status;
    const amount = document.querySelector("[data-live-value]");
    if (amount && document.activeElement !== amount) amount.value = state[amount.dataset.liveValue];
    if (state.bids) {
      const body = document.querySelector("[data-live-bids]");
      if (body) {
        body.replaceChildren(
          ...state.bids.map((b) => {
            const row = document.createElement("tr");
            for (const value of [b.seq, b.paddle, b.amount, b.placed_at]) {
              const cell = document.createElement("td");
              cell.textContent = String(value);
              row.append(cell);
            }
            const cell = document.createElement("td");
            const code = document.createElement("code");
            code.textContent = b.hash;
            cell.append(code);
            row.append(cell);
            return row;
          }),
        );
      }
      if (state.bids.length > 0) document.querySelectorAll("[data-live-empty]").forEach((el) => el.remove());
    }
    if (!state.live) {
      source.close();
      // The closed page shows the result and the chain head.
      window.setTimeout(() => window.location.reload(), 500);
    }
  });
  source.addEventListener("gone", () => source.close());
}
