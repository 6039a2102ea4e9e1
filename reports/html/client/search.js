// @ts-check
/* global document, Element, HTMLElement */
/**
 * Search by file name: up to 12 matches (file name first, then anywhere in the path) in a
 * list under the box; Enter or a click opens the file.
 */

/** @typedef {import('../report-data.js').ReportData} ReportData */

const LIMIT = 12;

/** @param {ReportData} data @param {string} query */
export function findFiles(data, query) {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return [];
  /** @type {Array<{ index: number, rank: number }>} */
  const hits = [];
  data.files.forEach((file, index) => {
    const path = file[0].toLowerCase();
    const at = path.indexOf(q);
    if (at < 0) return;
    const base = path.lastIndexOf('/') + 1;
    const rank = at === base ? 0 : at > base ? 1 : 2;
    hits.push({ index, rank });
  });
  hits.sort((a, b) => a.rank - b.rank || (data.files[a.index]?.[0].length ?? 0) - (data.files[b.index]?.[0].length ?? 0));
  return hits.slice(0, LIMIT).map((hit) => hit.index);
}

/** @param {ReportData} data @param {(index: number) => void} open */
export function setupSearch(data, open) {
  const input = /** @type {HTMLInputElement} */ (document.getElementById('search'));
  const results = /** @type {HTMLElement} */ (document.getElementById('search-results'));
  /** @type {number[]} */
  let current = [];
  const close = () => {
    results.replaceChildren();
    results.hidden = true;
  };
  input.addEventListener('input', () => {
    current = findFiles(data, input.value);
    results.replaceChildren(
      ...current.map((index) => {
        const file = data.files[index];
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'search-hit';
        button.dataset.hit = String(index);
        const path = file?.[0] ?? '';
        const name = document.createElement('b');
        name.textContent = path.slice(path.lastIndexOf('/') + 1);
        const where = document.createElement('span');
        where.className = 'dim';
        where.textContent = ` ${path}`;
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = data.groups[file?.[2] ?? -1]?.color ?? '#999';
        button.append(swatch, name, where);
        item.append(button);
        return item;
      }),
    );
    if (current.length === 0 && input.value.trim() !== '') {
      const none = document.createElement('li');
      none.className = 'note';
      none.textContent = 'No file matches';
      results.append(none);
    }
    results.hidden = results.childElementCount === 0;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && current[0] !== undefined) {
      open(current[0]);
      close();
    } else if (event.key === 'Escape') close();
  });
  results.addEventListener('click', (event) => {
    const hit = event.target instanceof Element ? event.target.closest('[data-hit]') : null;
    if (!(hit instanceof HTMLElement)) return;
    open(Number(hit.dataset.hit));
    close();
  });
}
