// The doorstep app, for a thumb in the rain: one door at a time, big buttons, undo of the last
// tap, next and previous door in route order, a sticky bar with the list's progress and the
// sync state, and the list as a compact index. Knock-up lists (polling day) in the same app.
// Walk lists are cached in IndexedDB; every tap goes into a local outbox first and is sent
// with the id the phone gave it, so a resend is never doubled and nothing needs a connection.
(function () {
  "use strict";
  var DB_NAME = "groundswell-canvass";
  var CODES = ["LAB", "CON", "LD", "UKIP", "GRN", "SNP", "PC", "OTH", "DK", "WS", "AG", "NI", "MV", "RF", "DNK"];
  var QUICK = ["LAB", "CON", "LD", "UKIP", "DK", "AG"];
  var db;
  var syncing = false;
  var state = {lists: [], list: null, door: 0, undo: [], sent: 0, failed: 0};

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("lists", {keyPath: "id"});
        req.result.createObjectStore("outbox", {keyPath: "id"});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(store, mode, fn) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode);
      fn(t.objectStore(store));
      t.oncomplete = function () { resolve(); };
      t.onerror = function () { reject(t.error); };
    });
  }

  function all(store) {
    return new Promise(function (resolve, reject) {
      var req = db.transaction(store, "readonly").objectStore(store).getAll();
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function $(id) { return document.getElementById(id); }

  function remember() {
    try {
      localStorage.setItem("gs-canvass-at", JSON.stringify({list: state.list && state.list.id, door: state.door}));
      localStorage.setItem("gs-canvass-undo", JSON.stringify(state.undo.slice(-20)));
    } catch (e) { /* private mode: the place is forgotten, nothing else */ }
  }

  function recall() {
    try {
      state.undo = JSON.parse(localStorage.getItem("gs-canvass-undo") || "[]");
      return JSON.parse(localStorage.getItem("gs-canvass-at") || "{}");
    } catch (e) { return {}; }
  }

  // -- what the phone knows: the list from the server, with the outbox laid over it ----------

  function pendingByElector(outbox) {
    var out = {};
    outbox.forEach(function (item) {
      if (item.type === "contact") out[item.elector] = item.code + (item.pledged ? " pledged" : "");
      if (item.type === "voted") item.electors.forEach(function (e) { out[e] = "voted"; });
    });
    return out;
  }

  function doorDone(door, pending) {
    return door.electors.length > 0 && door.electors.every(function (p) {
      return pending[p.id] || p.last;
    });
  }

  async function render() {
    var outbox = await all("outbox");
    var pending = pendingByElector(outbox);
    var list = state.list;
    $("empty").hidden = !!list;
    $("door").hidden = !list;
    $("door-nav").hidden = !list;
    renderPicker();
    if (list) {
      state.door = Math.max(0, Math.min(state.door, list.doors.length - 1));
      renderDoor(list, list.doors[state.door], pending);
      renderIndex(list, pending);
      var done = list.doors.filter(function (d) { return doorDone(d, pending); }).length;
      $("progress").textContent = "Door " + (state.door + 1) + "/" + list.doors.length + " · " + done + " done";
    } else {
      $("progress").textContent = "";
    }
    $("undo").disabled = !state.undo.length;
    showStatus(outbox.length);
  }

  function renderPicker() {
    var pick = $("list-pick");
    pick.textContent = "";
    state.lists.forEach(function (l) {
      var label = (l.kind === "knockup" ? "Knock-up " : "") + l.name + " (" + l.doors.length + ")";
      var o = el("option", {value: String(l.id)}, label);
      if (state.list && l.id === state.list.id) o.selected = true;
      pick.appendChild(o);
    });
    pick.hidden = state.lists.length < 1;
  }

  function codeButton(list, person, code, label, fields, chosen) {
    var b = el("button", {"type": "button", "data-code": code, "aria-label": label + " for " + person.name}, label);
    if (chosen) b.className = "chosen";
    b.addEventListener("click", function () {
      var item = {type: "contact", elector: person.id, walk_list: list.id, code: code};
      Object.keys(fields || {}).forEach(function (k) { item[k] = fields[k]; });
      queue(item);
    });
    return b;
  }

  function renderDoor(list, door, pending) {
    $("door-pos").textContent = "Door " + (state.door + 1) + " of " + list.doors.length + " · " + list.name;
    $("door-kind").textContent = list.kind === "knockup" ? "knock-up: pledges not yet voted" : "";
    $("door-address").textContent = door.address;
    $("door-postcode").textContent = door.postcode || "";
    var people = $("people");
    people.textContent = "";
    if (!door.electors.length) people.appendChild(el("p", {"class": "muted"}, "Everyone here has voted."));
    door.electors.forEach(function (person) {
      var row = el("div", {"class": "person", "data-testid": "elector", "data-elector": String(person.id)});
      var who = el("div", {"class": "who"}, person.name + " ");
      who.appendChild(el("span", {"class": "muted"}, person.number));
      if (person.synthetic) who.appendChild(el("span", {"class": "badge synthetic"}, "synthetic"));
      row.appendChild(who);
      var now = pending[person.id];
      var last = now ? now + " (waiting to sync)" :
        (person.last ? person.last.code + (person.last.by ? " by " + person.last.by : "") : "not knocked");
      row.appendChild(el("div", {"class": "last muted", "data-testid": "last"}, last));
      var buttons = el("div", {"class": "big-codes"});
      if (list.kind === "knockup") {
        var voted = el("button", {"type": "button", "aria-label": "Voted: " + person.name}, "Has voted");
        voted.addEventListener("click", function () {
          queue({type: "voted", electors: [person.id], walk_list: list.id});
        });
        buttons.appendChild(voted);
        buttons.appendChild(codeButton(list, person, "LAB", "Going later", {pledged: true, lift: false}));
        buttons.appendChild(codeButton(list, person, "NI", "Not in", {}));
        buttons.appendChild(codeButton(list, person, "LAB", "Needs a lift", {pledged: true, lift: true}));
      } else {
        var current = now || (person.last && person.last.code) || "";
        QUICK.forEach(function (code) {
          buttons.appendChild(codeButton(list, person, code, code, {}, current.split(" ")[0] === code));
        });
        buttons.appendChild(codeButton(list, person, "LAB", "Pledge", {pledged: true}));
        var more = el("button", {"type": "button", "aria-label": "More for " + person.name}, "More…");
        more.addEventListener("click", function () { details(list, door, person); });
        buttons.appendChild(more);
      }
      row.appendChild(buttons);
      people.appendChild(row);
    });
  }

  function renderIndex(list, pending) {
    var index = $("index");
    index.textContent = "";
    list.doors.forEach(function (door, i) {
      var li = el("li", {"class": (doorDone(door, pending) ? "done" : "") + (i === state.door ? " here" : "")});
      var b = el("button", {"type": "button"}, (i + 1) + ". " + door.address + (doorDone(door, pending) ? " ✓" : ""));
      b.addEventListener("click", function () { go(i); index.hidden = true; $("show-index").setAttribute("aria-expanded", "false"); });
      li.appendChild(b);
      index.appendChild(li);
    });
  }

  function showStatus(waiting) {
    var status = $("sync-status");
    var online = navigator.onLine;
    var parts = [waiting ? waiting + " queued" : "all sent"];
    if (state.sent) parts.push(state.sent + " sent");
    if (state.failed) parts.push(state.failed + " failed");
    status.textContent = (online ? "" : "Offline · ") + parts.join(" · ");
    status.className = "badge" + (state.failed ? " failed" : waiting ? "" : " ok");
    $("outbox-count").textContent = String(waiting);
  }

  function go(i) {
    if (!state.list) return;
    state.door = Math.max(0, Math.min(i, state.list.doors.length - 1));
    remember();
    render();
    window.scrollTo(0, 0);
  }

  // -- taps: into the outbox, then sent --------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  async function queue(item) {
    item.id = uuid();
    item.recorded_at = new Date().toISOString();
    await tx("outbox", "readwrite", function (s) { s.put(item); });
    if (item.type === "contact") { state.undo.push({id: item.id, door: state.door}); remember(); }
    await render();
    sync();
  }

  async function undo() {
    var last = state.undo.pop();
    remember();
    if (!last) return;
    var outbox = await all("outbox");
    var waiting = outbox.some(function (i) { return i.id === last.id; });
    if (waiting) {
      await tx("outbox", "readwrite", function (s) { s.delete(last.id); });  // never left the phone
    } else {
      await tx("outbox", "readwrite", function (s) { s.put({type: "undo", id: "undo-" + last.id, contact: last.id}); });
    }
    state.door = last.door;
    await render();
    sync();
  }

  function details(list, door, person) {
    var dialog = $("details");
    var f = $("details-form").elements;
    f.elector.value = person.id;
    f.walk_list.value = list.id;
    $("details-who").textContent = person.name;
    $("moved").onclick = function () {
      queue({type: "correction", kind: "moved", household: door.household, elector: person.id});
      dialog.close();
    };
    $("someone-new").onclick = function () {
      var name = window.prompt("Name of the new elector (first and last)");
      if (!name) return;
      var parts = name.trim().split(/\s+/);
      queue({type: "correction", kind: "new", household: door.household,
             first_name: parts.slice(0, -1).join(" "), last_name: parts[parts.length - 1]});
      dialog.close();
    };
    dialog.showModal();
  }

  async function post(url, body) {
    var response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    });
    if (response.status === 403 || response.status === 422) return {refused: true, body: await response.json()};
    if (!response.ok && response.status !== 409) throw new Error("HTTP " + response.status);
    return response.json();
  }

  async function drop(ids) {
    await tx("outbox", "readwrite", function (s) { ids.forEach(function (id) { s.delete(id); }); });
  }

  async function sync() {
    if (syncing || !navigator.onLine) { await render(); return; }
    syncing = true;
    try {
      var items = await all("outbox");
      var contacts = items.filter(function (i) { return i.type === "contact"; });
      if (contacts.length) {
        var body = contacts.map(function (c) { var copy = Object.assign({}, c); delete copy.type; return copy; });
        var result = await post("/api/canvass/contacts", {contacts: body});
        if (result.refused) {
          state.failed += contacts.length;
          await drop(contacts.map(function (c) { return c.id; }));
        } else {
          var bad = (result.errors || []).map(function (e) { return e.id; });
          state.sent += (result.accepted || []).length - bad.length;
          state.failed += bad.length;
          await drop((result.accepted || []).concat(bad));
        }
      }
      var rest = items.filter(function (i) { return i.type !== "contact"; });
      for (var k = 0; k < rest.length; k++) {
        var item = rest[k];
        var r;
        if (item.type === "undo") r = await post("/api/canvass/undo", {id: item.contact});
        else if (item.type === "voted") r = await post("/api/canvass/voted", {electors: item.electors});
        else {
          var c = Object.assign({}, item); delete c.type; delete c.recorded_at;
          r = await post("/api/canvass/corrections", c);
        }
        if (r && r.refused) state.failed += 1; else state.sent += 1;
        await drop([item.id]);
      }
      await refresh();
    } catch (e) {
      // offline or the server is away: everything stays in the outbox for the next try
    } finally {
      syncing = false;
      await render();
    }
  }

  async function refresh() {
    if (!navigator.onLine) return;
    try {
      var response = await fetch("/api/canvass/lists", {credentials: "same-origin"});
      if (!response.ok) return;
      var lists = await response.json();
      await tx("lists", "readwrite", function (s) {
        s.clear();
        lists.forEach(function (l) { s.put(l); });
      });
      await load();
    } catch (e) { /* keep the cached lists */ }
  }

  async function load(at) {
    state.lists = (await all("lists")).sort(function (a, b) {
      return (a.kind === b.kind ? 0 : a.kind === "knockup" ? -1 : 1) || (a.name < b.name ? -1 : 1);
    });
    var want = at ? at.list : state.list && state.list.id;
    state.list = state.lists.filter(function (l) { return l.id === want; })[0] || state.lists[0] || null;
    if (at && state.list && at.list === state.list.id) state.door = at.door || 0;
  }

  async function start() {
    db = await openDb();
    var select = $("d-code");
    CODES.forEach(function (c) { select.appendChild(el("option", {value: c}, c)); });
    $("details-form").addEventListener("submit", function (event) {
      var f = this.elements;
      if (event.submitter && event.submitter.value === "save") {
        queue({
          type: "contact", elector: Number(f.elector.value), walk_list: Number(f.walk_list.value),
          code: f.code.value, previous_vote: f.previous_vote.value, likelihood: f.likelihood.value || null,
          issues: f.issues.value, pledged: f.pledged.checked, postal_vote: f.postal_vote.checked,
          lift: f.lift.checked, notes: f.notes.value, no_calls: f.no_calls.checked
        });
      }
      this.reset();
    });
    $("next").addEventListener("click", function () { go(state.door + 1); });
    $("prev").addEventListener("click", function () { go(state.door - 1); });
    $("undo").addEventListener("click", undo);
    $("not-in").addEventListener("click", function () {
      var list = state.list;
      if (!list) return;
      list.doors[state.door].electors.forEach(function (p) {
        queue({type: "contact", elector: p.id, walk_list: list.id, code: "NI"});
      });
    });
    $("show-index").addEventListener("click", function () {
      var index = $("index");
      index.hidden = !index.hidden;
      this.setAttribute("aria-expanded", String(!index.hidden));
      if (!index.hidden) {
        var here = index.querySelector("li.here");
        (here || index).scrollIntoView({block: "center"});
      }
    });
    $("list-pick").addEventListener("change", function () {
      var id = Number(this.value);
      state.list = state.lists.filter(function (l) { return l.id === id; })[0] || null;
      state.door = 0;
      remember();
      render();
    });
    window.addEventListener("online", sync);
    window.addEventListener("offline", function () { render(); });
    await load(recall());
    await render();
    await refresh();
    await render();
    sync();
    setInterval(sync, 15000);
    document.body.setAttribute("data-app-ready", "1");
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.getAttribute("data-sw"), {scope: "/canvass/"});
  }
  start();
})();
