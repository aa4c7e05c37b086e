// The doorstep app: walk lists cached in IndexedDB, every contact into a local outbox first,
// sent when there is a connection with the id the phone gave it (a resend is never doubled).
(function () {
  "use strict";
  var DB_NAME = "groundswell-canvass";
  var CODES = ["LAB", "CON", "LD", "UKIP", "GRN", "SNP", "PC", "OTH", "DK", "WS", "AG", "NI", "MV", "RF", "DNK"];
  var QUICK = ["LAB", "CON", "LD", "UKIP", "DK", "AG", "NI"];
  var db;
  var syncing = false;

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
      var result = fn(t.objectStore(store));
      t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
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

  async function showStatus() {
    var waiting = (await all("outbox")).length;
    var online = navigator.onLine;
    var status = document.getElementById("sync-status");
    status.textContent = (online ? "Online" : "Offline") + " — " + waiting + " waiting to sync";
    status.className = waiting ? "badge" : "badge ok";
    document.getElementById("outbox-count").textContent = String(waiting);
  }

  async function render() {
    var lists = await all("lists");
    var outbox = await all("outbox");
    var pending = {};
    outbox.forEach(function (item) { if (item.type === "contact") pending[item.elector] = item.code; });
    var root = document.getElementById("lists");
    root.textContent = "";
    if (!lists.length) {
      root.appendChild(el("p", {"class": "card"}, "No walk lists are assigned to you yet. Ask your organiser."));
    }
    lists.forEach(function (list) {
      var card = el("section", {"class": "card walk-list", "data-testid": "walk-list"});
      card.appendChild(el("h2", {}, list.name + " — " + list.constituency + " (" + list.doors.length + " doors)"));
      list.doors.forEach(function (door) {
        var d = el("div", {"class": "door", "data-testid": "door"});
        d.appendChild(el("div", {"class": "address"}, door.address + " " + (door.postcode || "")));
        door.electors.forEach(function (person) {
          var row = el("div", {"class": "elector", "data-testid": "elector", "data-elector": String(person.id)});
          var last = pending[person.id] ? pending[person.id] + " (waiting to sync)" :
            (person.last ? person.last.code + (person.last.by ? " by " + person.last.by : "") : "not knocked");
          var who = el("div", {"class": "who"}, person.number + " " + person.name + " ");
          if (person.synthetic) who.appendChild(el("span", {"class": "badge synthetic"}, "synthetic"));
          row.appendChild(who);
          row.appendChild(el("div", {"class": "last muted", "data-testid": "last"}, last));
          var buttons = el("div", {"class": "codes"});
          QUICK.forEach(function (code) {
            var b = el("button", {"type": "button", "data-code": code, "aria-label": code + " for " + person.name}, code);
            b.addEventListener("click", function () { record(list.id, person.id, {code: code}); });
            buttons.appendChild(b);
          });
          var more = el("button", {"type": "button", "class": "secondary"}, "More…");
          more.addEventListener("click", function () { details(list.id, person); });
          buttons.appendChild(more);
          var moved = el("button", {"type": "button", "class": "secondary"}, "Moved away");
          moved.addEventListener("click", function () {
            queue({type: "correction", kind: "moved", household: door.household, elector: person.id});
          });
          buttons.appendChild(moved);
          row.appendChild(buttons);
          d.appendChild(row);
        });
        var add = el("button", {"type": "button", "class": "secondary"}, "Someone new lives here");
        add.addEventListener("click", function () {
          var name = window.prompt("Name of the new elector (first and last)");
          if (!name) return;
          var parts = name.trim().split(/\s+/);
          queue({type: "correction", kind: "new", household: door.household,
                 first_name: parts.slice(0, -1).join(" "), last_name: parts[parts.length - 1]});
        });
        d.appendChild(add);
        card.appendChild(d);
      });
      root.appendChild(card);
    });
    await showStatus();
  }

  function details(listId, person) {
    var form = document.getElementById("details");
    form.hidden = false;
    form.elements.elector.value = person.id;
    form.elements.walk_list.value = listId;
    document.getElementById("details-who").textContent = person.name;
    form.scrollIntoView();
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  async function queue(item) {
    item.id = uuid();
    item.recorded_at = new Date().toISOString();
    await tx("outbox", "readwrite", function (s) { return s.put(item); });
    await render();
    sync();
  }

  function record(listId, electorId, fields) {
    var item = {type: "contact", elector: electorId, walk_list: listId};
    Object.keys(fields).forEach(function (k) { item[k] = fields[k]; });
    return queue(item);
  }

  async function post(url, body) {
    var response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify(body)
    });
    if (!response.ok && response.status !== 409) throw new Error("HTTP " + response.status);
    return response.json();
  }

  async function sync() {
    if (syncing || !navigator.onLine) { await showStatus(); return; }
    syncing = true;
    try {
      var items = await all("outbox");
      var contacts = items.filter(function (i) { return i.type === "contact"; });
      if (contacts.length) {
        var body = contacts.map(function (c) {
          var copy = Object.assign({}, c); delete copy.type; return copy;
        });
        var result = await post("/api/canvass/contacts", {contacts: body});
        var done = (result.accepted || []).concat((result.errors || []).map(function (e) { return e.id; }));
        await tx("outbox", "readwrite", function (s) { done.forEach(function (id) { s.delete(id); }); });
      }
      var corrections = items.filter(function (i) { return i.type === "correction"; });
      for (var k = 0; k < corrections.length; k++) {
        var c = Object.assign({}, corrections[k]); delete c.type; delete c.recorded_at;
        await post("/api/canvass/corrections", c);
        await tx("outbox", "readwrite", function (s) { s.delete(corrections[k].id); });
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
    } catch (e) { /* keep the cached lists */ }
  }

  async function start() {
    db = await openDb();
    var form = document.getElementById("details");
    var select = form.elements.code;
    CODES.forEach(function (c) { select.appendChild(el("option", {value: c}, c)); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = form.elements;
      record(Number(f.walk_list.value), Number(f.elector.value), {
        code: f.code.value, previous_vote: f.previous_vote.value, likelihood: f.likelihood.value || null,
        issues: f.issues.value, pledged: f.pledged.checked, postal_vote: f.postal_vote.checked,
        lift: f.lift.checked, notes: f.notes.value
      });
      form.reset();
      form.hidden = true;
    });
    window.addEventListener("online", sync);
    window.addEventListener("offline", showStatus);
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
