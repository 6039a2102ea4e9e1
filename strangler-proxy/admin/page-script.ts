/**
 * The browser script of the live admin page, as text (it is inlined into the page, so the
 * page works offline and with a strict Content-Security-Policy). It builds every cell
 * with `textContent`, never `innerHTML`: route ids, paths and URLs cannot inject markup.
 * The token is read from the URL fragment (`#token=…`, which browsers never send to the
 * server) or typed in, and kept in sessionStorage for this tab only.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  var POLL_MS = 2000;
  var $ = function (id) { return document.getElementById(id); };
  var token = sessionStorage.getItem('strangler-admin-token') || '';
  var fragment = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (fragment) {
    token = decodeURIComponent(fragment[1]);
    sessionStorage.setItem('strangler-admin-token', token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  var previous = {};
  var timer;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function pct(value) { return (Math.round(value * 1000) / 10).toFixed(1) + ' %'; }
  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (cell) { tr.appendChild(cell instanceof Node ? wrap(cell) : el('td', cell)); });
    return tr;
  }
  function wrap(node) { var td = document.createElement('td'); td.appendChild(node); return td; }
  function splitBar(weight, enabled) {
    var bar = el('div', undefined, 'bar');
    var service = el('span', undefined, 'svc');
    service.style.width = (enabled ? weight : 0) + '%';
    bar.appendChild(service);
    bar.title = enabled ? weight + ' % to the service, ' + (100 - weight) + ' % to the monolith' : 'disabled: all to the monolith';
    var box = el('div');
    box.appendChild(bar);
    box.appendChild(el('small', enabled ? weight + ' % service' : 'off'));
    return box;
  }
  function rate(key, count, total) {
    var before = previous[key];
    previous[key] = { count: count, total: total };
    if (!before || total - before.total <= 0) return total > 0 ? pct(count / total) + ' (all)' : '–';
    return pct((count - before.count) / (total - before.total));
  }
  function replaceBody(id, rows) {
    var body = $(id);
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function renderRoutes(data) {
    $('version').textContent = 'config version ' + data.version;
    replaceBody('routes', data.routes.map(function (route) {
      var c = route.counters;
      var match = route.match.path + (route.match.methods.length ? ' [' + route.match.methods.join(', ') + ']' : '');
      return row([
        route.id, match, route.target, splitBar(route.weight, route.enabled),
        c.matched, c.matched ? pct(c.diverted / c.matched) : '–', c.fallbacks, c.errors,
        rate('route:' + route.id, c.errors, c.matched),
      ]);
    }));
  }
  function renderInstances(data) {
    replaceBody('instances', data.instances.map(function (i) {
      var state = !i.healthy ? 'unhealthy' : i.ejected ? 'ejected' : i.breaker !== 'closed' ? 'breaker ' + i.breaker : 'healthy';
      var badge = el('span', state, state === 'healthy' ? 'ok' : 'bad');
      return row([
        i.service, i.url, badge, i.inflight, i.ewmaMs.toFixed(2), i.requests, i.failures,
        rate('instance:' + i.service + ' ' + i.url, i.failures, i.requests),
      ]);
    }));
  }
  function get(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + token }, cache: 'no-store' }).then(function (response) {
      if (response.status === 401) throw new Error('unauthorized');
      if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
      return response.json();
    });
  }
  function poll() {
    Promise.all([get('api/routes'), get('api/instances')]).then(function (both) {
      renderRoutes(both[0]);
      renderInstances(both[1]);
      $('status').textContent = 'updated ' + new Date().toLocaleTimeString();
      $('status').className = '';
      $('login').hidden = true;
    }, function (error) {
      if (error.message === 'unauthorized') {
        $('login').hidden = false;
        $('status').textContent = token ? 'the token was refused' : 'enter the admin token';
      } else {
        $('status').textContent = 'cannot reach the admin API: ' + error.message;
      }
      $('status').className = 'bad';
    }).finally(function () { timer = setTimeout(poll, POLL_MS); });
  }
  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem('strangler-admin-token', token);
    $('token').value = '';
    clearTimeout(timer);
    poll();
  });
  poll();
})();
`;
