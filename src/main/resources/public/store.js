// The Pygmy storefront: hash routes over the frontend's JSON API. Plain modern JavaScript, no build step.
//   #/                 every book           #/topic/ds        one topic
//   #/search/<text>    titles with words     #/book/3          one book, with a buy form
//   #/order/12         one order
'use strict';

const TOPIC_NAMES = { ds: 'Distributed systems', gs: 'Graduate school' };
const REQUEST_TIMEOUT_MILLIS = 10000;
const view = document.getElementById('view');
const PAGE_SIZE = 48;
let topics = null; // topic -> number of books: fixed once the catalog is seeded, so loaded once

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, code, message, requestId, body) {
    super(message);
    this.status = status; this.code = code; this.requestId = requestId; this.body = body;
  }
}

async function api(path, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MILLIS);
  let response;
  try {
    response = await fetch(path, { ...options, signal: controller.signal,
      headers: { Accept: 'application/json', ...(options.headers || {}) } });
  } catch (e) {
    throw new ApiError(0, 'network', e.name === 'AbortError'
      ? 'The store did not answer in time.' : 'The store cannot be reached.', null, null);
  } finally {
    clearTimeout(timer);
  }
  const requestId = response.headers.get('X-Request-Id');
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON: handled below */ }
  if (!response.ok) {
    const err = body && body.error ? body.error : {};
    throw new ApiError(response.status, err.code || 'http_' + response.status,
      err.message || 'The store answered ' + response.status + '.', err.requestId || requestId, body);
  }
  return body;
}

// ------------------------------------------------------------------ rendering helpers

function show(...nodes) {
  view.replaceChildren(...nodes);
  view.removeAttribute('aria-busy');
}

function loading(text) {
  view.setAttribute('aria-busy', 'true');
  view.replaceChildren(h('p', { class: 'state', id: 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text));
}

function errorState(err, retry) {
  return h('div', { class: 'state error', role: 'alert', id: 'error' },
    h('p', {}, h('strong', {}, 'Something went wrong. '), err.message),
    err.requestId ? h('p', { class: 'meta' }, 'Request id ', h('code', {}, err.requestId),
      ' (quote it when asking for help: it appears in every tier\'s log).') : null,
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null);
}

function topicName(topic) {
  return TOPIC_NAMES[topic] ? TOPIC_NAMES[topic] + ' (' + topic + ')' : topic;
}

function money(cost) {
  return '$' + Number(cost).toLocaleString('en-US');
}

function stockBadge(stock) {
  const cls = stock === 0 ? 'bad' : stock < 5 ? 'warn' : 'ok';
  const text = stock === 0 ? 'Out of stock' : stock + ' in stock';
  return h('span', { class: 'badge ' + cls, 'data-stock': stock }, text);
}

function setTitle(text) {
  document.title = text ? text + ' · Pygmy Books' : 'Pygmy Books';
}

// ------------------------------------------------------------------ topics and lists

async function loadTopics() {
  if (!topics) topics = (await api('/api/topics')).topics;
  return topics;
}

function renderTopics(current) {
  const list = document.getElementById('topics');
  if (!topics) { list.replaceChildren(); return; }
  const link = (href, label, active) => h('li', {}, h('a', { href, class: 'topic-link',
    'aria-current': active ? 'page' : null }, label));
  list.replaceChildren(link('#/', 'All books', current === ''),
    ...Object.keys(topics).sort().map(t => link('#/topic/' + encodeURIComponent(t), topicName(t), current === t)));
}

function bookCard(book) {
  return h('li', { class: 'card book', 'data-book': book.id },
    h('h2', {}, h('a', { href: '#/book/' + book.id, class: 'book-link' }, book.title)),
    h('p', { class: 'meta' }, topicName(book.topic)),
    h('p', {}, money(book.cost), ' · ', stockBadge(book.stock)));
}

/** One page of a listing: every book, a topic's, or a title search's, from the cursor `after` on. */
function listPath(filter, after) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filter.topic) params.set('topic', filter.topic);
  if (filter.text) params.set('q', filter.text);
  if (after) params.set('after', after);
  return '/api/books?' + params;
}

function countText(filter, shown, more) {
  const total = filter.topic ? topics[filter.topic] : (!filter.text && topics
    ? Object.values(topics).reduce((a, b) => a + b, 0) : null);
  const n = total != null ? total : shown;
  const books = n === 1 ? ' book' : ' books';
  return total != null || !more ? n + books : shown + books + ' so far';
}

async function showList(filter, heading, emptyText) {
  loading('Loading books…');
  let page;
  try {
    await loadTopics();
    page = await api(listPath(filter, null));
  } catch (err) {
    show(errorState(err, () => route()));
    return;
  }
  renderTopics(filter.topic !== undefined ? filter.topic : null);
  setTitle(heading);
  const title = h('h1', { id: 'list-heading' }, heading);
  if (page.books.length === 0 && !page.next) {
    show(title, h('p', { class: 'state', id: 'empty' }, emptyText));
    return;
  }
  let shown = page.books.length;
  const grid = h('ul', { class: 'grid', 'aria-labelledby': 'list-heading' }, page.books.map(bookCard));
  const count = h('p', { class: 'meta', id: 'list-count' }, countText(filter, shown, page.next));
  const more = h('button', { type: 'button', class: 'secondary', id: 'more' }, 'More books');
  let next = page.next;
  more.hidden = !next;
  more.addEventListener('click', async () => {
    more.disabled = true;
    more.textContent = 'Loading…';
    try {
      const further = await api(listPath(filter, next));
      further.books.forEach(b => grid.append(bookCard(b)));
      shown += further.books.length;
      next = further.next;
      count.textContent = countText(filter, shown, next);
      more.hidden = !next;
    } catch (err) {
      grid.after(errorState(err, null));
    } finally {
      more.disabled = false;
      more.textContent = 'More books';
    }
  });
  show(title, count, grid, h('p', {}, more));
}

// ------------------------------------------------------------------ one book and buying it

/** A fresh idempotency key: random, so two tabs never share one; no secure context needed. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'web-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

async function showBook(id) {
  loading('Loading the book…');
  let book;
  try {
    book = (await api('/api/books/' + encodeURIComponent(id)));
  } catch (err) {
    show(err.code === 'not_found' || err.code === 'bad_request'
      ? h('div', {}, h('h1', {}, 'No such book'), h('p', { class: 'state', id: 'empty' }, 'There is no book ' + id
        + ' in the catalog. ', h('a', { href: '#/' }, 'See every book.')))
      : errorState(err, () => route()));
    return;
  }
  renderTopics(null);
  setTitle(book.title);

  const stockValue = h('dd', { id: 'book-stock' }, String(book.stock));
  const result = h('div', { id: 'buy-result', 'aria-live': 'polite' });
  const quantity = h('input', { type: 'number', id: 'quantity', name: 'quantity', min: '1', max: '100', value: '1',
    required: true, inputmode: 'numeric' });
  const button = h('button', { type: 'submit', id: 'buy' }, 'Buy');
  // One key per intended purchase: kept across retries and double clicks, replaced once an attempt has a
  // definite answer, or when the quantity changes (the same key with another quantity is refused).
  let attempt = { key: newKey(), quantity: null };

  const refreshStock = async () => {
    try {
      const fresh = await api('/api/books/' + book.id);
      book = fresh;
      stockValue.textContent = String(fresh.stock);
      stockValue.setAttribute('data-stock', fresh.stock);
    } catch (e) { /* the result message already says what happened; the figure stays as it was */ }
  };

  const buy = async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    const q = Number(quantity.value);
    if (!Number.isInteger(q) || q < 1) {
      result.replaceChildren(h('p', { class: 'result bad', role: 'alert' }, 'Enter a whole number of copies, 1 or more.'));
      quantity.focus();
      return;
    }
    if (attempt.quantity !== null && attempt.quantity !== q) attempt = { key: newKey(), quantity: null };
    attempt.quantity = q;
    button.disabled = true;
    button.textContent = 'Buying…';
    result.replaceChildren(h('p', { class: 'result' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Placing your order…'));
    try {
      const order = await api('/api/orders', { method: 'POST', body: JSON.stringify({ item: book.id, quantity: q }),
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': attempt.key } });
      attempt = { key: newKey(), quantity: null };
      result.replaceChildren(h('div', { class: 'result ok', id: 'order-confirmed' },
        h('p', {}, h('strong', {}, 'Order ', h('a', { href: '#/order/' + order.id, id: 'order-link' }, '#' + order.id),
          ' ', h('span', { id: 'order-status' }, order.status.toLowerCase()), '. ')),
        h('p', { class: 'meta' }, q + (q === 1 ? ' copy' : ' copies') + ' of “' + book.title + '”, total ' + money(order.totalCost) + '.')));
    } catch (err) {
      if (err.code === 'out_of_stock') {
        attempt = { key: newKey(), quantity: null };
        const rejected = err.body && err.body.order;
        result.replaceChildren(h('div', { class: 'result bad', id: 'out-of-stock', role: 'alert' },
          h('p', {}, h('strong', {}, 'Out of stock. '), 'There are not enough copies of “' + book.title + '” for '
            + q + (q === 1 ? ' copy' : ' copies') + '. Nothing was charged.'),
          rejected ? h('p', { class: 'meta' }, 'Order ', h('a', { href: '#/order/' + rejected.id }, '#' + rejected.id),
            ' was recorded as ', h('span', { id: 'order-status' }, 'rejected'), '.') : null));
      } else if (err.status === 0 || err.status === 503) {
        // The outcome is unknown: keep the key, so pressing Buy again can never order twice.
        result.replaceChildren(h('div', { class: 'result bad', role: 'alert', id: 'buy-error' },
          h('p', {}, h('strong', {}, 'Not sure the order went through. '), err.message),
          h('p', { class: 'meta' }, 'Press Buy again: the retry carries the same order key, so you will not be charged twice.'),
          err.requestId ? h('p', { class: 'meta' }, 'Request id ', h('code', {}, err.requestId)) : null));
      } else {
        attempt = { key: newKey(), quantity: null };
        result.replaceChildren(h('div', { class: 'result bad', role: 'alert', id: 'buy-error' },
          h('p', {}, h('strong', {}, 'The order was not placed. '), err.message),
          err.requestId ? h('p', { class: 'meta' }, 'Request id ', h('code', {}, err.requestId)) : null));
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Buy';
      await refreshStock();
    }
  };

  show(h('article', { class: 'card', id: 'book', 'data-book': book.id },
    h('p', { class: 'meta' }, h('a', { href: '#/topic/' + encodeURIComponent(book.topic) }, '← ' + topicName(book.topic))),
    h('h1', { id: 'book-title' }, book.title),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Topic'), h('dd', { id: 'book-topic' }, topicName(book.topic)),
      h('dt', {}, 'Cost'), h('dd', { id: 'book-cost' }, money(book.cost)),
      h('dt', {}, 'In stock'), stockValue),
    h('form', { class: 'buy', id: 'buy-form', onsubmit: buy },
      h('label', { for: 'quantity' }, 'Quantity', quantity), button),
    result));
  stockValue.setAttribute('data-stock', book.stock);
}

// ------------------------------------------------------------------ one order

async function showOrder(id) {
  loading('Loading order #' + id + '…');
  let order;
  try {
    order = await api('/api/orders/' + encodeURIComponent(id));
  } catch (err) {
    show(err.code === 'not_found' || err.code === 'bad_request'
      ? h('div', {}, h('h1', {}, 'No such order'), h('p', { class: 'state', id: 'empty' }, 'There is no order #' + id + '.'))
      : errorState(err, () => route()));
    return;
  }
  renderTopics(null);
  setTitle('Order #' + order.id);
  const confirmed = order.status === 'CONFIRMED';
  show(h('article', { class: 'card', id: 'order' },
    h('h1', {}, 'Order #', h('span', { id: 'order-id' }, String(order.id))),
    h('p', {}, h('span', { class: 'badge ' + (confirmed ? 'ok' : 'bad'), id: 'order-status' }, order.status.toLowerCase()),
      confirmed ? '' : ' — there were not enough copies in stock; nothing was charged.'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Book'), h('dd', {}, h('a', { href: '#/book/' + order.item }, 'Book ' + order.item)),
      h('dt', {}, 'Quantity'), h('dd', {}, String(order.quantity)),
      h('dt', {}, 'Unit cost'), h('dd', {}, money(order.unitCost)),
      h('dt', {}, 'Total'), h('dd', {}, money(order.totalCost)),
      h('dt', {}, 'Placed'), h('dd', {}, new Date(order.placedAtMillis).toLocaleString()))));
}

// ------------------------------------------------------------------ routing

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [kind, ...rest] = hash.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  if (kind === 'book' && arg) return showBook(arg);
  if (kind === 'order' && arg) return showOrder(arg);
  if (kind === 'topic' && arg) return showList({ topic: arg }, topicName(arg), 'No books in this topic yet.');
  if (kind === 'search') {
    document.getElementById('search').value = arg;
    return arg ? showList({ text: arg }, 'Titles with “' + arg + '”', 'No title has the words “' + arg + '”.')
      : showList({ topic: '' }, 'Every book', 'The catalog is empty.');
  }
  return showList({ topic: '' }, 'Every book', 'The catalog is empty.');
}

document.getElementById('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  location.hash = '#/search/' + encodeURIComponent(document.getElementById('search').value.trim());
});
document.getElementById('order-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = document.getElementById('order-lookup').value.trim();
  if (id) location.hash = '#/order/' + encodeURIComponent(id);
});
window.addEventListener('hashchange', () => { route(); document.getElementById('main').focus({ preventScroll: true }); });
route();
