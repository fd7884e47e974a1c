// Rendering that escapes by construction: the page's only way to write markup.
//   html`<td>${name}</td>`   every interpolation is escaped as text, unless it is itself
//                            made by `html` (or a list of such), so markup composes;
//   render(el, tpl)          puts such a value into an element (the page's one
//                            `innerHTML` assignment);
//   serverHtml(text)         the API's own rendered fragments (the plan report's tables,
//                            the structure charts' SVG), built and escaped by the server.
// A string never becomes markup by accident: a cadre's name, a lock's reason or a file
// name holding `<img src=x onerror=…>` shows as those characters. tests/test_page_code.py
// fails on any `innerHTML` or `insertAdjacentHTML` outside this file.
"use strict";

class Html {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

function escapeText(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function markup(value) {
  // null and undefined are nothing (as an empty cell); a list is its items in order.
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(markup).join("");
  if (value === null || value === undefined) return "";
  return escapeText(value);
}

function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += markup(v) + strings[i + 1]; });
  return new Html(out);
}

function serverHtml(text) {
  return new Html(String(text ?? ""));
}

function render(where, tpl) {
  const el = typeof where === "string" ? document.querySelector(where) : where;
  el.innerHTML = markup(tpl);
  return el;
}

function joined(items, separator) {
  // Values made by `html` (or text, escaped) with a separator between them.
  return new Html(items.map(markup).join(markup(separator)));
}
