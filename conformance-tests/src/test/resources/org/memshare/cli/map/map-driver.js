// Test driver, appended to a copy of an ownership map by OwnershipMapBrowserTest: it works the
// page's controls as a user would, with synthetic events, and writes what it saw into the page
// (#driver-report), which the test reads from Chromium's --dump-dom.
(function () {
  'use strict';
  var report = document.createElement('ul');
  report.id = 'driver-report';
  document.body.appendChild(report);
  function check(name, ok, detail) {
    var li = document.createElement('li');
    li.setAttribute('data-check', name);
    li.setAttribute('data-ok', String(!!ok));
    li.textContent = name + ': ' + (ok ? 'ok' : 'FAILED') + (detail ? ' (' + detail + ')' : '');
    report.appendChild(li);
  }
  function $(id) { return document.getElementById(id); }
  function text(id) { return $(id).textContent; }
  var svg = $('bands');
  function at(vbX, vbY) {
    var box = svg.getBoundingClientRect();
    var vb = svg.viewBox.baseVal;
    return { clientX: box.left + (vbX - vb.x) * box.width / vb.width, clientY: box.top + (vbY - vb.y) * box.height / vb.height, bubbles: true, cancelable: true };
  }
  function mouse(type, vbX, vbY) { svg.dispatchEvent(new MouseEvent(type, at(vbX, vbY))); }
  try {
    var slider = $('step');
    var n = Number(slider.max);
    check('the script is ready', document.body.getAttribute('data-map-state') === 'ready');
    slider.value = '3';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    check('the slider steps', text('step-label') === 'after operation 3 of ' + n, text('step-label'));
    $('prev').click();
    check('prev steps back', text('step-label') === 'after operation 2 of ' + n, text('step-label'));
    $('next').click();
    $('next').click();
    check('next steps on', text('step-label') === 'after operation 4 of ' + n, text('step-label'));
    var line4 = text('op-line');
    slider.value = String(n);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    check('the line follows the step', text('op-line') !== line4 && /^line \d+$/.test(text('op-line')), text('op-line'));
    check('the hash follows the step', location.hash.indexOf('step=' + n) >= 0, location.hash);

    var runsBefore = svg.querySelectorAll('rect.run').length;
    $('zoom-in').click();
    check('zoom in', text('view-label') !== 'whole address space', text('view-label'));
    svg.dispatchEvent(new WheelEvent('wheel', Object.assign(at(600, 50), { deltaY: -100 })));
    var label = text('view-label');
    svg.dispatchEvent(new WheelEvent('wheel', Object.assign(at(300, 50), { deltaY: -100 })));
    check('the wheel zooms', text('view-label') !== label, label + ' -> ' + text('view-label'));
    for (var i = 0; i < 60; i++) { svg.dispatchEvent(new WheelEvent('wheel', Object.assign(at(300, 50), { deltaY: -100 }))); }
    check('zoomed to single pages', svg.querySelectorAll('#grid line').length > 0, svg.querySelectorAll('#grid line').length + ' page lines');
    mouse('mousedown', 600, 50);
    mouse('mousemove', 500, 50);
    mouse('mouseup', 500, 50);
    check('a drag pans', text('view-label') !== label, text('view-label'));
    document.dispatchEvent(new KeyboardEvent('keydown', { key: '0', bubbles: true }));
    check('0 shows the whole space', text('view-label') === 'whole address space', text('view-label'));
    check('the whole space draws as before', svg.querySelectorAll('rect.run').length === runsBefore);

    mouse('mousemove', 20, 30 + 13);
    var tip = $('tip');
    check('hovering shows every VM at that page', !tip.hidden && /^page 0x/.test(tip.textContent)
      && tip.textContent.indexOf('VM 1: ') >= 0 && tip.textContent.indexOf('VM 3: ') >= 0, tip.textContent);
    check('hovering draws the guide', $('guide').getAttribute('visibility') === 'visible');

    mouse('mousedown', 400, 30 + 36 + 13);
    mouse('mouseup', 400, 30 + 36 + 13);
    check('clicking a band picks its VM', $('tree-vm').value === '2', $('tree-vm').value);
    check('the tree follows', /^VM 2:/.test(document.querySelector('#tree-root .tree-head').textContent));
    $('tree-vm').value = '3';
    $('tree-vm').dispatchEvent(new Event('change', { bubbles: true }));
    check('the select picks a VM', /^VM 3:/.test(document.querySelector('#tree-root .tree-head').textContent));
    var table = document.querySelector('#tree-root details.pt-table');
    table.open = true;
    table.dispatchEvent(new Event('toggle'));
    check('a table opens', table.querySelector('.kids').children.length > 0);

    mouse('mouseup', 400, 10);
    check('a click on the ruler zooms to a segment', text('view-label') !== 'whole address space', text('view-label'));
    $('zoom-all').click();
    check('whole space', text('view-label') === 'whole address space');
    check('no error on the way', document.body.getAttribute('data-map-state') === 'ready', document.body.getAttribute('data-map-error'));
    report.setAttribute('data-result', 'done');
  } catch (e) {
    check('no exception', false, e && e.stack ? e.stack : String(e));
    report.setAttribute('data-result', 'exception');
  }
}());
