// ssmd dashboard, last prices: the gateway's /v1/stream WebSocket (ticker and trade events of every feed shown, plus
// the status events it sends about shards). Loaded before dashboard.js, which calls SsmdPrices.start and watch.
"use strict";
window.SsmdPrices = (function () {
  const MAX_PRICES = 40;
  const PRICE_RENDER_EVERY_MS = 500;

  /** feed + NUL + instrument -> {feed, instrument, last, bid, ask, at, seenAt} */
  const prices = new Map();
  let pricesDirty = false;
  /** Where status, lag and error events go: (kind, message, epoch ms). */
  let report = () => {};

  const byId = (id) => document.getElementById(id);
  const setText = (el, value) => {
    if (el.textContent !== value) el.textContent = value;
  };
  const clock = (ms) => new Date(ms).toISOString().substring(11, 19);
  // Gateway times are epoch µs; anything past year 5138 in ms is taken as µs, so ms would work too.
  const epochMs = (ts) => (typeof ts !== "number" ? Date.now() : ts > 1e14 ? ts / 1000 : ts);

  const stream = {
    socket: null,
    open: false,
    feeds: new Set(),
    retryMs: 1000,

    /** Subscribes to feeds not yet subscribed on the open socket (the feed list can grow). */
    watch(names) {
      const fresh = names.filter((n) => !this.feeds.has(n));
      fresh.forEach((n) => this.feeds.add(n));
      if (this.open && fresh.length) this.subscribe(fresh);
    },

    // One message per feed: the gateway refuses a whole message that names a feed it does not serve.
    subscribe(names) {
      for (const feed of names) {
        this.socket.send(JSON.stringify({ action: "subscribe", feeds: [feed], types: ["ticker", "trade"] }));
      }
    },

    connect() {
      const url = new URL("v1/stream", location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      // A browser cannot set headers on a WebSocket: the gateway takes the key as a query parameter instead.
      const apiKey = new URLSearchParams(location.search).get("api_key");
      url.search = apiKey ? "?api_key=" + encodeURIComponent(apiKey) : "";
      const socket = new WebSocket(url.href);
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        this.open = true;
        this.retryMs = 1000;
        setStreamStatus("open", "live");
        if (this.feeds.size) this.subscribe([...this.feeds]);
      };
      socket.onmessage = (message) => this.receive(message.data);
      socket.onclose = () => {
        this.open = false;
        setStreamStatus(opened ? "connecting" : "unavailable",
          opened ? "reconnecting" : "unavailable: no /v1/stream on this node");
        // Back off to 30 s so a node without a gateway is not asked every second.
        setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 30000);
      };
    },

    receive(data) {
      let parsed;
      try {
        parsed = JSON.parse(data);
      } catch (e) {
        return;
      }
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) onStreamEvent(event);
    },
  };

  function setStreamStatus(status, label) {
    const el = byId("stream-status");
    el.dataset.status = status;
    setText(el, label);
  }

  function onStreamEvent(event) {
    switch (event.type) {
      case "trade":
        updatePrice(event, { last: event.price });
        break;
      case "ticker":
        updatePrice(event, { last: event.last, bid: event.bid, ask: event.ask });
        break;
      case "status": {
        const what = event.event || "status";
        report(what, (event.shard || event.feed || "") + ": " + what + (event.reason ? " (" + event.reason + ")" : ""),
          epochMs(event.ts));
        break;
      }
      case "lag":
        report("lag", "price stream: the gateway dropped " + event.dropped + " events for this page");
        break;
      case "error":
      case "closing":
        report(event.type, "price stream: " + (event.reason || event.type));
        break;
      default:
        break;
    }
  }

  // Prices stay the wire's decimal text: the page shows them, it never does arithmetic on them.
  function updatePrice(event, fields) {
    const instrument = event.ticker;
    if (!event.feed || instrument === undefined || instrument === null) return;
    const key = event.feed + "\u0000" + instrument;
    const entry = prices.get(key) || { feed: event.feed, instrument: String(instrument) };
    // A ticker may leave out a side it has no value for: keep what the last event said.
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) entry[name] = String(value);
    }
    entry.at = epochMs(event.ts);
    entry.seenAt = Date.now();
    prices.set(key, entry);
    if (prices.size > MAX_PRICES) {
      const stalest = [...prices.entries()].reduce((a, b) => (b[1].seenAt < a[1].seenAt ? b : a));
      prices.delete(stalest[0]);
    }
    pricesDirty = true;
  }

  function renderPrices() {
    if (!pricesDirty) return;
    pricesDirty = false;
    const now = Date.now();
    const sorted = [...prices.values()].sort((a, b) =>
      a.feed === b.feed ? a.instrument.localeCompare(b.instrument) : a.feed.localeCompare(b.feed));
    const rows = sorted.map((p) => {
      const row = document.createElement("tr");
      row.className = "price" + (now - p.seenAt < 2000 ? " fresh" : "");
      row.dataset.feed = p.feed;
      row.dataset.instrument = p.instrument;
      const cells = [[p.feed, "price-feed"], [p.instrument, "instrument"], [p.last || "-", "price-last num"],
        [p.bid || "-", "price-bid num"], [p.ask || "-", "price-ask num"], [clock(p.at), "price-at"]];
      for (const [value, cls] of cells) {
        const td = document.createElement("td");
        td.className = cls;
        td.textContent = value;
        if (cls === "instrument") td.title = value;
        row.append(td);
      }
      return row;
    });
    byId("price-rows").replaceChildren(...rows);
    byId("no-prices").hidden = rows.length > 0;
  }

  return {
    /** Opens the stream; onEvent(kind, message, epochMs) receives the connection events to list. */
    start(onEvent) {
      report = onEvent;
      stream.connect();
      // Prices can arrive hundreds per second: the table is redrawn on a timer, not per event.
      setInterval(renderPrices, PRICE_RENDER_EVERY_MS);
    },
    /** Makes sure these feeds are subscribed (the list can grow while the page is open). */
    watch(feeds) {
      stream.watch(feeds);
    },
  };
})();
