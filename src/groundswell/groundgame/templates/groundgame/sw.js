{% load static %}// Service worker for the doorstep app: keeps the page and its files so that it opens with
// no connection. The walk lists and the outbox live in IndexedDB, not here.
const CACHE = "groundswell-canvass-v2";
const SHELL = ["/canvass/", "{% static 'groundswell/canvass.js' %}", "{% static 'groundswell/site.css' %}",
               "{% static 'groundswell/htmx-2.0.11.min.js' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.pathname.startsWith("/api/")) return;  // the app handles these
  if (event.request.mode === "navigate") {
    // the page: fresh when online, the cached copy when not
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone();
      if (response.ok) caches.open(CACHE).then((cache) => cache.put("/canvass/", copy));
      return response;
    }).catch(() => caches.match("/canvass/")));
    return;
  }
  event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
});
