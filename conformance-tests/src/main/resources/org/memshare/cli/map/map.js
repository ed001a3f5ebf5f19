// memshare ownership map: redraws the page's bands, step panel and page-table tree from the
// recorded steps (the JSON above). Plain JavaScript, no library, nothing fetched.
// The bands are drawn by the same steps as the page's Java writer (Bands.java, Axis.java), so
// the first drawing equals the one the page was written with.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var body = document.body;

  // A failure anywhere is shown on the page and marked on <body>, where tests look for it.
  function fail(message) {
    body.setAttribute('data-map-state', 'error');
    body.setAttribute('data-map-error', String(message));
    var box = document.getElementById('map-error');
    if (!box) {
      box = document.createElement('p');
      box.id = 'map-error';
      box.className = 'error';
      body.insertBefore(box, body.firstChild);
    }
    box.textContent = 'The map\u2019s script failed: ' + message;
  }
  window.addEventListener('error', function (e) { fail(e.message || String(e.error)); });

  function $(id) { return document.getElementById(id); }

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, key)) { node.setAttribute(key, attrs[key]); }
    }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function html(name, cls, text) {
    var node = document.createElement(name);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // As Text.coordinate: 3 decimals at most, no trailing zeros.
  function coord(v) {
    var s = v.toFixed(3);
    if (s.indexOf('.') >= 0) { s = s.replace(/0+$/, '').replace(/\.$/, ''); }
    return s === '-0' ? '0' : s;
  }

  // Page numbers are exact below 2^53; an address is the page in hex followed by 000.
  function address(page) { return page === 0 ? '0x0' : '0x' + page.toString(16) + '000'; }

  var UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  function size(pages) {
    var value = pages * 4;
    var unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) { value /= 1024; unit++; }
    return (value === Math.floor(value) ? String(value) : value.toFixed(1)) + ' ' + UNITS[unit];
  }

  function main() {
    var data = JSON.parse($('map-data').textContent);
    var layout = data.layout;
    var W = layout.viewWidth;
    var states = data.states;
    var priority = data.priority;
    var steps = data.steps;
    var diffs = data.diffs;
    var bands = data.bands;
    var machines = data.machines;
    var axisWidth = data.axis.width;
    var pieces = data.axis.pieces.map(function (p) {
      return { gap: p[0] === 1, begin: p[1], pages: p[2], x: p[3], w: p[4] };
    });
    var modes = {};
    data.modes.forEach(function (m) { modes[m[0]] = { state: m[1], name: m[2] }; });

    // ---------------------------------------------------------------- state at a step
    var vmItems = {};      // vm -> Map "level:begin" -> [kind, level, begin, pages, mode]
    var sortedCache = {};
    var leafCache = {};
    var current = -1;      // the step applied last; -1 before the first

    function apply(index, forward) {
      var list = diffs[index];
      for (var n = 0; n < list.length; n++) {
        var d = list[forward ? n : list.length - 1 - n];
        var vm = d[0];
        var gone = forward ? d[1] : d[2];
        var come = forward ? d[2] : d[1];
        var items = vmItems[vm] || (vmItems[vm] = new Map());
        var k;
        for (k = 0; k < gone.length; k += 5) { items.delete(gone[k + 1] + ':' + gone[k + 2]); }
        for (k = 0; k < come.length; k += 5) { items.set(come[k + 1] + ':' + come[k + 2], come.slice(k, k + 5)); }
        delete sortedCache[vm];
        delete leafCache[vm];
      }
    }

    function goTo(index) {
      while (current < index) { apply(++current, true); }
      while (current > index) { apply(current--, false); }
    }

    // A VM's items in walk order: by address, a table before what it holds.
    function sorted(vm) {
      if (!sortedCache[vm]) {
        var list = vmItems[vm] ? Array.from(vmItems[vm].values()) : [];
        list.sort(function (a, b) { return a[2] - b[2] || b[1] - a[1]; });
        sortedCache[vm] = list;
      }
      return sortedCache[vm];
    }

    function leaves(vm) {
      if (!leafCache[vm]) { leafCache[vm] = sorted(vm).filter(function (it) { return it[0] === 1; }); }
      return leafCache[vm];
    }

    function leafAt(vm, page) {
      var list = leaves(vm);
      var lo = 0;
      var hi = list.length - 1;
      var found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >>> 1;
        if (list[mid][2] <= page) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found >= 0 && page < list[found][2] + list[found][3] ? list[found] : null;
    }

    function stateOf(item) { return item[0] === 1 ? modes[item[4]].state : 0; }

    function machineAt(index) {
      return index >= 0 && steps[index].machine >= 0 ? machines[steps[index].machine] : null;
    }

    // ---------------------------------------------------------------- the axis (Axis.java)
    function axisX(page) {
      var lo = 0;
      var hi = pieces.length - 1;
      while (lo < hi) {
        var mid = (lo + hi + 1) >>> 1;
        if (pieces[mid].begin <= page) { lo = mid; } else { hi = mid - 1; }
      }
      var p = pieces[lo];
      return p.x + (page - p.begin) * p.w / p.pages;
    }

    function pieceAtX(u) {
      for (var i = 0; i < pieces.length; i++) {
        if (u < pieces[i].x + pieces[i].w || i === pieces.length - 1) { return pieces[i]; }
      }
      return null;
    }

    function pageAtX(u) {
      var p = pieceAtX(u);
      var page = p.begin + Math.floor((u - p.x) * p.pages / p.w);
      return Math.min(Math.max(page, p.begin), p.begin + p.pages - 1);
    }

    var view = { v0: 0, v1: axisWidth };
    var minSpan = axisWidth;
    pieces.forEach(function (p) { if (!p.gap) { minSpan = Math.min(minSpan, 8 * p.w / p.pages); } });

    function scale() { return W / (view.v1 - view.v0); }
    function px(u) { return (u - view.v0) * scale(); }

    // ---------------------------------------------------------------- the bands (Bands.java)
    function mostTelling(list) {
      for (var i = 0; i < priority.length; i++) {
        if (list.indexOf(priority[i]) >= 0) { return priority[i]; }
      }
      return 0;
    }

    function rects(items, v0, v1) {
      var s = W / (v1 - v0);
      var out = [];
      var column = null;
      for (var i = 0; i < items.length; i++) {
        var it = items[i];
        if (it[0] !== 1) { continue; }
        var st = modes[it[4]].state;
        if (st === 0) { continue; }
        var x0 = (axisX(it[2]) - v0) * s;
        var x1 = (axisX(it[2] + it[3]) - v0) * s;
        if (x1 < 0 || x0 > W) { continue; }
        x0 = Math.max(x0, -1);
        x1 = Math.min(x1, W + 1);
        if (x1 - x0 >= 1) {
          if (column) { out.push(column); column = null; }
          out.push({ x: x0, w: x1 - x0, state: st, begin: it[2], end: it[2] + it[3], states: [st] });
          continue;
        }
        var col = Math.floor(x0);
        if (column && column.x === col) {
          if (column.states.indexOf(st) < 0) { column.states.push(st); }
          column.state = mostTelling(column.states);
          column.end = it[2] + it[3];
        } else {
          if (column) { out.push(column); }
          column = { x: col, w: 1, state: st, begin: it[2], end: it[2] + it[3], states: [st] };
        }
      }
      if (column) { out.push(column); }
      return out;
    }

    var svg = $('bands');
    var bandTop = function (i) { return layout.rulerHeight + i * (layout.bandHeight + layout.bandGap); };
    var top = layout.rulerHeight - 4;
    var bottom = layout.rulerHeight + bands.length * (layout.bandHeight + layout.bandGap) - layout.bandGap + 4;
    var treeVm = data.defaultVm;

    function render() {
      var s = scale();
      var machine = machineAt(current);
      while (svg.firstChild) { svg.removeChild(svg.firstChild); }
      var ruler = el('g', { id: 'ruler' });
      var lastLabel = -Infinity;
      pieces.forEach(function (p) {
        var x0 = px(p.x);
        var x1 = px(p.x + p.w);
        if (p.gap || x1 < 0 || x0 > W) { return; }
        if (x0 >= 0) {
          ruler.appendChild(el('line', { x1: coord(x0), x2: coord(x0), y1: coord(layout.rulerHeight - 8), y2: coord(layout.rulerHeight - 2) }));
          if (x0 - lastLabel >= 80) {
            ruler.appendChild(el('text', { x: coord(x0), y: coord(layout.rulerHeight - 12) }, address(p.begin)));
            lastLabel = x0;
          }
        }
        // Ticks inside a segment once it is wide enough to hold them.
        var perPage = p.w * s / p.pages;
        var step = 1;
        while (step * perPage < 90) { step *= 2; }
        var first = Math.max(p.begin, pageAtX(Math.max(view.v0, p.x)));
        var last = Math.min(p.begin + p.pages, pageAtX(Math.min(view.v1, p.x + p.w)) + 1);
        var tick = Math.ceil(first / step) * step;
        for (var n = 0; tick < last && n < 40; tick += step, n++) {
          var x = px(axisX(tick));
          // A tick goes only where its label fits, so no tick crosses another's label.
          if (tick === p.begin || x < 0 || x > W || x - lastLabel < 80) { continue; }
          ruler.appendChild(el('line', { x1: coord(x), x2: coord(x), y1: coord(layout.rulerHeight - 6), y2: coord(layout.rulerHeight - 2) }));
          ruler.appendChild(el('text', { x: coord(x), y: coord(layout.rulerHeight - 12) }, address(tick)));
          lastLabel = x;
        }
      });
      svg.appendChild(ruler);

      bands.forEach(function (vm, i) {
        var y = bandTop(i);
        var present = machine !== null && vm <= machine.vms;
        var g = el('g', { 'class': 'band' + (vm === treeVm ? ' selected' : ''), 'data-vm': vm, 'data-present': present ? 1 : 0 });
        g.appendChild(el('text', { 'class': 'label', x: coord(-layout.labelWidth + 6), y: coord(y + layout.bandHeight / 2 + 5) }, 'VM ' + vm));
        pieces.forEach(function (p) {
          if (p.gap) { return; }
          var x0 = Math.max(px(p.x), -1);
          var x1 = Math.min(px(p.x + p.w), W + 1);
          if (x1 <= x0) { return; }
          g.appendChild(el('rect', { 'class': 'bg', x: coord(x0), y: coord(y), width: coord(x1 - x0), height: coord(layout.bandHeight), fill: present ? states[0].colour : '#ffffff' }));
        });
        rects(sorted(vm), view.v0, view.v1).forEach(function (r) {
          var attrs = { 'class': 'run', x: coord(r.x), y: coord(y), width: coord(r.w), height: coord(layout.bandHeight), fill: states[r.state].colour, 'data-state': r.state, 'data-begin': address(r.begin), 'data-end': address(r.end) };
          if (r.states.length > 1) { attrs['data-states'] = r.states.slice().sort(function (a, b) { return a - b; }).join(','); }
          g.appendChild(el('rect', attrs));
        });
        svg.appendChild(g);
      });

      // Page boundaries once a page is wide enough to be seen.
      var grid = el('g', { id: 'grid' });
      pieces.forEach(function (p) {
        if (p.gap) { return; }
        var perPage = p.w * s / p.pages;
        if (perPage < 6) { return; }
        var first = pageAtX(Math.max(view.v0, p.x));
        var last = Math.min(p.begin + p.pages, pageAtX(Math.min(view.v1, p.x + p.w)) + 1);
        for (var page = first + 1, n = 0; page < last && n < 400; page++, n++) {
          var x = px(axisX(page));
          grid.appendChild(el('line', { 'class': 'grid', x1: coord(x), x2: coord(x), y1: coord(top + 4), y2: coord(bottom - 4) }));
        }
      });
      svg.appendChild(grid);

      var gaps = el('g', { id: 'gaps' });
      pieces.forEach(function (p) {
        if (!p.gap) { return; }
        var x0 = Math.max(px(p.x), -1);
        var w = Math.min(px(p.x + p.w), W + 1) - x0;
        if (w <= 0) { return; }
        var g = el('g', { 'class': 'gap', 'data-begin': address(p.begin), 'data-end': address(p.begin + p.pages) });
        g.appendChild(el('title', {}, address(p.begin) + '\u2013' + address(p.begin + p.pages) + ': ' + size(p.pages) + ' no VM held'));
        g.appendChild(el('rect', { 'class': 'gap-bg', x: coord(x0), y: coord(top), width: coord(w), height: coord(bottom - top), fill: '#ffffff' }));
        g.appendChild(el('text', { x: coord(x0 + w / 2), y: coord((top + bottom) / 2 + 5) }, '\u2248'));
        gaps.appendChild(g);
      });
      svg.appendChild(gaps);

      // What the current operation changed, outlined: per VM, the ranges of the leaves that went or came.
      var changes = el('g', { id: 'changes' });
      if (current >= 0) {
        diffs[current].forEach(function (d) {
          var i = bands.indexOf(d[0]);
          if (i < 0) { return; }
          var ranges = [];
          [d[1], d[2]].forEach(function (list) {
            for (var k = 0; k < list.length; k += 5) {
              if (list[k] === 1) { ranges.push([list[k + 2], list[k + 2] + list[k + 3]]); }
            }
          });
          ranges.sort(function (a, b) { return a[0] - b[0]; });
          var merged = [];
          ranges.forEach(function (r) {
            var last = merged[merged.length - 1];
            if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push(r.slice()); }
          });
          merged.forEach(function (r) {
            var x0 = px(axisX(r[0]));
            var x1 = px(axisX(r[1]));
            if (x1 < 0 || x0 > W) { return; }
            x0 = Math.max(x0, -1);
            x1 = Math.min(Math.max(x1, x0 + 3), W + 1);
            changes.appendChild(el('rect', { 'class': 'change', x: coord(x0), y: coord(bandTop(i) - 1), width: coord(x1 - x0), height: coord(layout.bandHeight + 2) }));
          });
        });
      }
      svg.appendChild(changes);
      svg.appendChild(el('line', { id: 'guide', x1: 0, x2: 0, y1: coord(top), y2: coord(bottom), visibility: 'hidden' }));

      var whole = view.v0 <= 0 && view.v1 >= axisWidth;
      $('view-label').textContent = whole ? 'whole address space'
        : address(pageAtX(view.v0)) + '\u2013' + address(pageAtX(Math.min(view.v1, axisWidth) - 1e-9) + 1) + ' in view';
      var box = svg.getBoundingClientRect();
      svg.setAttribute('data-box', [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height]
        .map(function (v) { return v.toFixed(2); }).join(','));
    }

    // ---------------------------------------------------------------- the step panel
    var slider = $('step');

    function stepText(step) {
      return step.operations ? step.operations + ' operations, summarised (from: ' + step.text + ')' : step.text;
    }

    function renderStep() {
      if (current < 0) { return; }
      var step = steps[current];
      $('step-label').textContent = 'after operation ' + (current + 1) + ' of ' + steps.length;
      $('op-line').textContent = step.operations ? 'lines ' + step.line + '\u2013' + step.lastLine : 'line ' + step.line;
      $('op-text').textContent = stepText(step);
      $('op-output').textContent = step.output.join('\n');
      slider.value = String(current + 1);
    }

    function renderCounts() {
      var table = $('counts');
      while (table.firstChild) { table.removeChild(table.firstChild); }
      var head = html('tr');
      head.appendChild(html('th', null, 'pages by state'));
      for (var s = 1; s < states.length; s++) { head.appendChild(html('th', null, states[s].name)); }
      table.appendChild(head);
      bands.forEach(function (vm) {
        var sums = states.map(function () { return 0; });
        leaves(vm).forEach(function (it) { sums[stateOf(it)] += it[3]; });
        var row = html('tr');
        row.appendChild(html('td', null, 'VM ' + vm));
        for (var s = 1; s < states.length; s++) { row.appendChild(html('td', null, sums[s] ? size(sums[s]) : '')); }
        table.appendChild(row);
      });
    }

    // ---------------------------------------------------------------- the tree (PageWriter.tree)
    function nest(items, machine) {
      var span = Math.pow(512, machine.maxLevel + 1);
      var roots = [];
      for (var r = 0; r < machine.rootTables; r++) {
        roots.push({ item: [0, machine.maxLevel + 1, r * span, span, 0], kids: [] });
      }
      var stack = [];
      items.forEach(function (it) {
        var root = roots[Math.min(roots.length - 1, Math.floor(it[2] / span))];
        if (stack.length === 0 || stack[0] !== root) { stack = [root]; }
        while (stack.length > 1) {
          var t = stack[stack.length - 1].item;
          if (it[1] < t[1] && it[2] >= t[2] && it[2] < t[2] + t[3]) { break; }
          stack.pop();
        }
        var parent = stack[stack.length - 1];
        if (it[0] === 0) {
          var node = { item: it, kids: [] };
          parent.kids.push(node);
          stack.push(node);
        } else {
          parent.kids.push(it);
        }
      });
      return roots;
    }

    function entries(node) {
      var n = 0;
      node.kids.forEach(function (k) { n += Array.isArray(k) && k[0] === 1 ? k[3] / Math.pow(512, k[1]) : 1; });
      return n;
    }

    function leafNode(it) {
      if (it[0] === 2) {
        var other = html('div', 'pt-other', 'L' + it[1] + ' ' + address(it[2]) + ' neither a table nor a block');
        other.setAttribute('data-level', it[1]);
        return other;
      }
      var st = stateOf(it);
      var n = it[3] / Math.pow(512, it[1]);
      var div = html('div', 'pt-leaf');
      div.setAttribute('data-level', it[1]);
      div.setAttribute('data-begin', address(it[2]));
      div.setAttribute('data-state', st);
      var sw = html('span', 'sw');
      sw.style.background = states[st].colour;
      div.appendChild(sw);
      div.appendChild(document.createTextNode('L' + it[1] + ' ' + address(it[2]) + '\u2013' + address(it[2] + it[3]) + ': ' + n + ' '
        + (it[1] === 0 ? (n === 1 ? 'page' : 'pages') : (n === 1 ? 'block' : 'blocks') + ' of ' + size(Math.pow(512, it[1])))
        + ', mode 0x' + it[4].toString(16) + ' (' + modes[it[4]].name + '), ' + states[st].name));
      return div;
    }

    function tableNode(node, machine, eager) {
      var root = node.item[1] > machine.maxLevel;
      var details = html('details', root ? 'pt-root' : 'pt-table');
      if (root) { details.open = true; }
      details.setAttribute('data-level', node.item[1]);
      details.setAttribute('data-begin', address(node.item[2]));
      var n = entries(node);
      details.appendChild(html('summary', null, (root
        ? 'root table ' + Math.round(node.item[2] / node.item[3]) + ': ' + address(node.item[2]) + '\u2013' + address(node.item[2] + node.item[3])
        : 'L' + node.item[1] + ' ' + address(node.item[2]) + ' table') + ', ' + n + (n === 1 ? ' entry' : ' entries')));
      var kids = html('div', 'kids');
      details.appendChild(kids);
      var fill = function () {
        node.kids.forEach(function (k) { kids.appendChild(Array.isArray(k) ? leafNode(k) : tableNode(k, machine, eager)); });
      };
      if (eager || root) {
        fill();
      } else {
        // A large tree is built as it is opened.
        var filled = false;
        details.addEventListener('toggle', function () { if (details.open && !filled) { filled = true; fill(); } });
      }
      return details;
    }

    function renderTree() {
      var box = $('tree-root');
      while (box.firstChild) { box.removeChild(box.firstChild); }
      var machine = machineAt(current);
      if (!machine || treeVm > machine.vms) {
        box.appendChild(html('p', 'none', (machine ? 'This machine has no VM ' + treeVm : 'No machine') + ' after this operation.'));
        return;
      }
      var items = sorted(treeVm);
      var tables = items.filter(function (it) { return it[0] === 0; }).length;
      box.appendChild(html('p', 'tree-head', 'VM ' + treeVm + ': stage 2, root level ' + machine.maxLevel + ', ' + machine.rootTables
        + (machine.rootTables === 1 ? ' root table' : ' root tables') + ', ' + tables + ' tables below the root'));
      var eager = items.length <= layout.maxTreeNodes;
      nest(items, machine).forEach(function (root) { box.appendChild(tableNode(root, machine, eager)); });
    }

    // ---------------------------------------------------------------- navigation
    function updateHash() {
      var hash = '#step=' + (current + 1) + '&vm=' + treeVm;
      if (view.v0 > 0 || view.v1 < axisWidth) { hash += '&view=' + view.v0 + ',' + view.v1; }
      try { history.replaceState(null, '', hash); } catch (e) { /* a page opened from a file may refuse; nothing lost */ }
    }

    function show(index) {
      if (steps.length === 0) { return; }
      goTo(Math.max(0, Math.min(steps.length - 1, index)));
      render();
      renderStep();
      renderCounts();
      renderTree();
      updateHash();
    }

    function setView(v0, span) {
      span = Math.max(minSpan, Math.min(axisWidth, span));
      v0 = Math.max(0, Math.min(axisWidth - span, v0));
      view = { v0: v0, v1: v0 + span };
      render();
      updateHash();
    }

    function zoom(factor, at) {
      var u = view.v0 + at / scale();
      var span = (view.v1 - view.v0) / factor;
      setView(u - at / W * Math.max(minSpan, Math.min(axisWidth, span)), span);
    }

    function viewBoxX(event) {
      var box = svg.getBoundingClientRect();
      var vb = svg.viewBox.baseVal;
      return { x: vb.x + (event.clientX - box.left) * vb.width / box.width, y: vb.y + (event.clientY - box.top) * vb.height / box.height };
    }

    var tip = $('tip');
    var drag = null;

    function hover(event) {
      var p = viewBoxX(event);
      var guide = $('guide');
      if (p.x < 0 || p.x > W) { tip.hidden = true; guide.setAttribute('visibility', 'hidden'); return; }
      var u = view.v0 + p.x / scale();
      var piece = pieceAtX(u);
      var lines;
      if (piece.gap) {
        lines = [address(piece.begin) + '\u2013' + address(piece.begin + piece.pages), size(piece.pages) + ' no VM held'];
      } else {
        var page = pageAtX(u);
        lines = ['page ' + address(page)];
        bands.forEach(function (vm) {
          var it = leafAt(vm, page);
          lines.push('VM ' + vm + ': ' + (it ? states[stateOf(it)].name + ', mode 0x' + it[4].toString(16) + ' (' + modes[it[4]].name + ')' : 'no entry'));
        });
      }
      guide.setAttribute('x1', coord(p.x));
      guide.setAttribute('x2', coord(p.x));
      guide.setAttribute('visibility', 'visible');
      tip.textContent = lines.join('\n');
      tip.hidden = false;
      var box = svg.getBoundingClientRect();
      var left = event.clientX - box.left + 14;
      tip.style.left = Math.min(left, box.width - tip.offsetWidth - 4) + 'px';
      tip.style.top = (event.clientY - box.top + 14) + 'px';
    }

    svg.addEventListener('mousemove', function (event) {
      if (drag) {
        var p = viewBoxX(event);
        if (Math.abs(p.x - drag.x) > 2) { drag.moved = true; }
        if (drag.moved) { setView(drag.v0 - (p.x - drag.x) / scale(), view.v1 - view.v0); }
        return;
      }
      hover(event);
    });
    svg.addEventListener('mouseleave', function () { tip.hidden = true; drag = null; });
    svg.addEventListener('mousedown', function (event) {
      var p = viewBoxX(event);
      drag = { x: p.x, v0: view.v0, moved: false };
      event.preventDefault();
    });
    svg.addEventListener('mouseup', function (event) {
      var wasDrag = drag && drag.moved;
      drag = null;
      if (wasDrag) { return; }
      var p = viewBoxX(event);
      if (p.y < layout.rulerHeight && p.x >= 0 && p.x <= W) {
        // A click on the ruler zooms to that segment.
        var piece = pieceAtX(view.v0 + p.x / scale());
        if (!piece.gap) { setView(piece.x - piece.w * 0.02, piece.w * 1.04); }
        return;
      }
      var i = Math.floor((p.y - layout.rulerHeight) / (layout.bandHeight + layout.bandGap));
      if (i >= 0 && i < bands.length) {
        treeVm = bands[i];
        $('tree-vm').value = String(treeVm);
        render();
        renderTree();
        updateHash();
      }
    });
    svg.addEventListener('dblclick', function (event) { zoom(4, Math.max(0, Math.min(W, viewBoxX(event).x))); });
    svg.addEventListener('wheel', function (event) {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 1.25 : 0.8, Math.max(0, Math.min(W, viewBoxX(event).x)));
    }, { passive: false });
    $('zoom-all').addEventListener('click', function () { setView(0, axisWidth); });
    $('zoom-in').addEventListener('click', function () { zoom(2, W / 2); });
    $('zoom-out').addEventListener('click', function () { zoom(0.5, W / 2); });
    $('prev').addEventListener('click', function () { show(current - 1); });
    $('next').addEventListener('click', function () { show(current + 1); });
    slider.addEventListener('input', function () { show(Number(slider.value) - 1); });
    $('tree-vm').addEventListener('change', function () {
      treeVm = Number($('tree-vm').value);
      render();
      renderTree();
      updateHash();
    });
    document.addEventListener('keydown', function (event) {
      var tag = event.target && event.target.tagName;
      if (tag === 'SELECT' || (tag === 'INPUT' && event.target !== slider)) { return; }
      if (event.key === '+' || event.key === '=') { zoom(2, W / 2); } else if (event.key === '-') { zoom(0.5, W / 2); } else if (event.key === '0') { setView(0, axisWidth); } else if (event.target !== slider && event.key === 'ArrowLeft') { show(current - 1); } else if (event.target !== slider && event.key === 'ArrowRight') { show(current + 1); }
    });

    // The starting point: #step=N&vm=V&view=A,B (what updateHash writes), else the last step.
    var start = steps.length;
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var kv = part.split('=');
      if (kv[0] === 'step' && /^\d+$/.test(kv[1])) { start = Number(kv[1]); }
      if (kv[0] === 'vm' && bands.indexOf(Number(kv[1])) >= 0) { treeVm = Number(kv[1]); }
      if (kv[0] === 'view') {
        var v = kv[1].split(',').map(Number);
        if (v.length === 2 && v[0] >= 0 && v[1] > v[0]) { view = { v0: v[0], v1: Math.min(v[1], axisWidth) }; }
      }
    });
    $('tree-vm').value = String(treeVm);
    if (steps.length === 0) { render(); } else { show(start - 1); }
  }

  try {
    main();
    if (body.getAttribute('data-map-state') !== 'error') { body.setAttribute('data-map-state', 'ready'); }
  } catch (e) {
    fail(e && e.message ? e.message : String(e));
  }
}());
