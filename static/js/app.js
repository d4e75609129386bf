// Small behaviours of every page, bound by data attributes: the Content-Security-Policy allows no inline
// script, so no template carries an onclick/onchange of its own.
document.addEventListener("click", (event) => {
  const print = event.target.closest("[data-print]");
  if (print) {
    window.print();
    return;
  }
  const clear = event.target.closest("[data-clear]");
  if (clear) {
    document.getElementById(clear.dataset.clear).innerHTML = "";
    return;
  }
  // Item rows (parts, card prices): another blank row like the last, its labels numbered on.
  const addRow = event.target.closest("[data-add-row]");
  if (addRow) {
    const rows = addRow.closest("[data-item-rows]").querySelectorAll("[data-item-row]");
    const row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach((input) => {
      input.value = "";
      input.removeAttribute("id");
      input.setAttribute("aria-label", input.getAttribute("aria-label").replace(/\d+$/, String(rows.length + 1)));
    });
    addRow.before(row);
    row.querySelector("input").focus();
    return;
  }
  // Hotline: a service request from the call being logged opens intake with what is already typed.
  const fromCall = event.target.closest("[data-intake-from-call]");
  if (fromCall) {
    const form = fromCall.closest("form");
    const field = (name) => form.querySelector(`[name$="-${name}"]`)?.value || "";
    const call = { phone: field("caller_phone"), outlet: field("outlet"), fault: field("summary") };
    sessionStorage.setItem("intakeFromCall", JSON.stringify(call));
    return;
  }
  // Intake: pick a customer found by phone (and one of their products, or a new one).
  const pick = event.target.closest("[data-pick-customer]");
  if (pick) {
    document.getElementById("id_customer").value = pick.dataset.pickCustomer;
    document.getElementById("id_product").value = pick.dataset.pickProduct || "";
    document.getElementById("id_customer_name").value = pick.dataset.name;
    const match = pick.closest("[data-testid=customer-match]");
    match.classList.add(pick.dataset.pickProduct ? "border-success" : "border-primary");
    // The warranty preview follows the product picked (its own dates and its repair history).
    document.getElementById("id_product").dispatchEvent(new Event("change", { bubbles: true }));
  }
});

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) {
    event.target.form.submit();
  }
});

// A form that undoes something for good asks first (its data-confirm is the question).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A table wider than its box scrolls inside it; keyboard users can scroll it too (WCAG 2.1.1).
function focusableScrollers(root) {
  root.querySelectorAll(".table-responsive:not([tabindex])").forEach((box) => {
    box.tabIndex = 0;
  });
}
focusableScrollers(document);
document.addEventListener("htmx:afterSwap", (event) => focusableScrollers(event.target));

// Intake opened from a call on the hotline desk: fill in what the clerk already typed there and look the
// caller up (the phone field's input event runs the customer lookup, once htmx has bound it).
document.addEventListener("DOMContentLoaded", () => {
  const fromCall = sessionStorage.getItem("intakeFromCall");
  const phone = document.getElementById("id_phone");
  if (!fromCall || !document.getElementById("intake-form")) return;
  sessionStorage.removeItem("intakeFromCall");
  const call = JSON.parse(fromCall);
  const set = (id, value) => {
    const input = document.getElementById(id);
    if (input && value) input.value = value;
  };
  set("id_outlet", call.outlet);
  set("id_channel", "hotline");
  set("id_fault_description", call.fault);
  set("id_phone", call.phone);
  phone?.dispatchEvent(new Event("input", { bubbles: true }));
});

// A long list of records to pick from (outlets, engineers, staff, categories) is searched by typing: Tom
// Select (npm) over the select, which stays the form's field. Short lists stay plain selects.
const SEARCHABLE_FROM = 12;
function searchable(root) {
  root.querySelectorAll("select[data-search-url]").forEach(searchedAsTyped);
  root.querySelectorAll("select[data-searchable]:not([data-search-url])").forEach((select) => {
    if (select.tomselect || select.options.length <= SEARCHABLE_FROM || typeof TomSelect === "undefined") return;
    // Tom Select points the field's label at its own input: the select it keeps keeps the label's name.
    const name = select.labels?.[0]?.textContent.trim();
    new TomSelect(select, { allowEmptyOption: true, maxOptions: null, create: false });
    if (name) select.setAttribute("aria-label", name);
  });
}
// A picker of many records (a network's outlets): the page carries the one picked, the server finds the
// others as the user types (core.forms.OutletSearchSelect).
function searchedAsTyped(select) {
  if (select.tomselect || typeof TomSelect === "undefined") return;
  const name = select.labels?.[0]?.textContent.trim();
  new TomSelect(select, {
    valueField: "value",
    labelField: "text",
    searchField: ["text"],
    allowEmptyOption: true,
    create: false,
    preload: "focus",
    closeAfterSelect: true,
    load(query, callback) {
      fetch(`${select.dataset.searchUrl}?q=${encodeURIComponent(query)}`, { headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((answer) => callback(answer.results))
        .catch(() => callback());
    },
  });
  if (name) select.setAttribute("aria-label", name);
}
document.addEventListener("DOMContentLoaded", () => searchable(document));
document.addEventListener("htmx:afterSwap", (event) => searchable(event.target));

// A slip on the 80 mm receipt roll prints as long as it is, not on a page of a fixed length: the page size
// follows the slip's own height (the same box on screen as on paper, static/css/print.css).
function rollLength() {
  const sheet = document.querySelector(".paper-80mm .sheet");
  if (!sheet) return;
  const millimetres = Math.ceil((sheet.getBoundingClientRect().height * 25.4) / 96) + 2;
  let rule = document.getElementById("roll-page");
  if (!rule) {
    rule = document.createElement("style");
    rule.id = "roll-page";
    document.head.append(rule);
  }
  rule.textContent = `@page { size: 80mm ${millimetres}mm; margin: 0; }`;
}
window.addEventListener("load", rollLength);
window.addEventListener("beforeprint", rollLength);
