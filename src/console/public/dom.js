// Small DOM helpers. Text is always set as text, never parsed as HTML: flagged messages and
// reasons are written by users and operators.

/** `el('td', { class: 'x', onclick: f }, 'text', child)`: an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined)
      node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A time in the reader's locale; a dash when there is none. */
export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** A table with a caption, column headers and rows (a row saying `empty` when there are none). */
export function table(caption, headers, rows, empty = 'Nothing yet.') {
  const body = rows.length ? rows : [el('tr', {}, el('td', { colspan: headers.length }, empty))];
  return el(
    'table',
    {},
    el('caption', {}, caption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el('tbody', {}, body),
  );
}

/** A description list from [term, value] pairs. */
export function details(pairs) {
  return el(
    'dl',
    {},
    pairs.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '—')]),
  );
}

/** Shows what an action did, or why it was refused, in a status line. */
export function report(node, text, failed = false) {
  node.textContent = text;
  node.classList.toggle('error', failed);
}
