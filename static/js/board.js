// Drag an order from the queue onto an engineer's row: the assign panel opens with that engineer
// and the half hour under the pointer; nothing is saved until the dispatcher books.
// Events are taken on the containers: the queue is loaded (and refreshed) after the page, and further
// pages of engineers arrive as the dispatcher scrolls.
(function () {
  let dragged = null;
  const queue = document.getElementById("dispatch-queue-panel");
  const rows = document.getElementById("board-rows");
  if (!queue || !rows) return;
  queue.addEventListener("dragstart", (event) => {
    const item = event.target.closest(".queue-item[draggable]");
    if (!item) return;
    dragged = item;
    event.dataTransfer.setData("text/plain", item.dataset.order);
  });
  const trackOf = (event) => event.target.closest(".board-track");
  rows.addEventListener("dragover", (event) => {
    const track = trackOf(event);
    if (!track) return;
    event.preventDefault();
    track.classList.add("drop-target");
  });
  rows.addEventListener("dragleave", (event) => {
    const track = trackOf(event);
    if (track && !track.contains(event.relatedTarget)) track.classList.remove("drop-target");
  });
  rows.addEventListener("drop", (event) => {
    const track = trackOf(event);
    if (!track) return;
    event.preventDefault();
    track.classList.remove("drop-target");
    if (!dragged) return;
    const box = track.getBoundingClientRect();
    const from = Number(track.dataset.from);
    const until = Number(track.dataset.until);
    const hours = from + ((event.clientX - box.left) / box.width) * (until - from);
    const halfHours = Math.floor(hours * 2);
    const start = `${String(Math.floor(halfHours / 2)).padStart(2, "0")}:${halfHours % 2 ? "30" : "00"}`;
    const query = new URLSearchParams({ day: track.dataset.day, engineer: track.dataset.engineer, start });
    htmx.ajax("GET", `${dragged.dataset.assignUrl}?${query}`, "#assign-panel");
    dragged = null;
  });
})();
