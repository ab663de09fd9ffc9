// ssmd dashboard: feeds and shards from /v1/feeds, recent gaps from /v1/gaps, the last 7 days of the data inventory
// from /v1/meta/inventory; prices.js adds the /v1/stream side.
// Plain browser JavaScript with no library, so the page works with no internet.
"use strict";
(function () {
  const FEEDS_EVERY_MS = 1000;
  const GAPS_EVERY_MS = 5000;
  const CHART_WINDOW_MS = 60000;
  const MAX_EVENTS = 60;
  const GAP_LIMIT = 20;
  const INVENTORY_EVERY_MS = 5000;
  const INVENTORY_DAYS = 7;
  // A day's status is its worst stream's.
  const WORST_FIRST = ["failed", "partial", "processing", "complete"];

  /** feed name -> {section, tbody, canvas, shards: Map(shard name -> view), history: [{t, rate}]} */
  const feeds = new Map();

  // With gateway API keys configured, open the page as /?api_key=KEY: the key goes along on every data request.
  const apiKey = new URLSearchParams(location.search).get("api_key");
  const request = (path) => fetch(path, { cache: "no-store", headers: apiKey ? { "X-API-Key": apiKey } : {} });

  const byId = (id) => document.getElementById(id);
  const setText = (el, value) => {
    const s = String(value);
    if (el.textContent !== s) el.textContent = s;
  };
  const clock = (ms) => new Date(ms).toISOString().substring(11, 19);
  const count = (n) => n.toLocaleString("en-US");
  const rate = (r) => (r === null ? "-" : r >= 100 ? r.toFixed(0) : r.toFixed(1));

  // ---- connection events (state changes, reconnects, gateway status events) ----

  function addEvent(kind, message, at) {
    const list = byId("event-rows");
    const item = document.createElement("li");
    item.dataset.kind = kind;
    const time = document.createElement("time");
    time.textContent = clock(at || Date.now());
    item.append(time, document.createTextNode(message));
    list.prepend(item);
    while (list.children.length > MAX_EVENTS) list.lastElementChild.remove();
    byId("no-events").hidden = true;
  }

  // ---- feeds and shards ----

  function feedView(name) {
    let view = feeds.get(name);
    if (view) return view;
    const section = byId("feed-template").content.firstElementChild.cloneNode(true);
    section.dataset.feed = name;
    section.id = "feed-" + name;
    setText(section.querySelector(".feed-name"), name);
    byId("feeds").append(section);
    view = {
      section,
      tbody: section.querySelector("tbody"),
      canvas: section.querySelector("canvas"),
      shards: new Map(),
      history: [],
    };
    feeds.set(name, view);
    byId("no-feeds").hidden = true;
    return view;
  }

  const shardNumber = (name) => Number(name.substring(name.lastIndexOf("-") + 1)) || 0;

  function shardView(feed, name) {
    let view = feed.shards.get(name);
    if (view) return view;
    const row = document.createElement("tr");
    row.className = "shard";
    row.dataset.shard = name;
    const cells = {};
    for (const cls of ["shard-name", "state", "msgs-per-sec", "total-messages", "reconnects", "instrument-count",
      "last-message-age", "node", "last-error"]) {
      const td = document.createElement("td");
      td.className = cls;
      row.append(td);
      cells[cls] = td;
    }
    setText(cells["shard-name"], name);
    const after = [...feed.tbody.children].find((r) => shardNumber(r.dataset.shard) > shardNumber(name));
    feed.tbody.insertBefore(row, after || null);
    view = { row, cells, total: null, reportedAt: null, rate: null, state: null, reconnects: null };
    feed.shards.set(name, view);
    return view;
  }

  function applyShard(feed, report, now) {
    const view = shardView(feed, report.shard);
    const total = Object.values(report.messages || {}).reduce((a, b) => a + b, 0);
    // The shard's own report time makes the rate exact even when polls and reports drift apart.
    const reportedAt = typeof report.reportedAt === "number" ? report.reportedAt : now;
    if (view.total !== null && reportedAt > view.reportedAt) {
      view.rate = total >= view.total ? ((total - view.total) * 1000) / (reportedAt - view.reportedAt) : null;
    }
    if (view.state !== null && view.state !== report.state) {
      addEvent(report.state, report.shard + ": " + view.state + " \u2192 " + report.state);
    }
    if (view.reconnects !== null && report.reconnects > view.reconnects) {
      addEvent("reconnect", report.shard + ": reconnect #" + report.reconnects
        + (report.lastError ? " (" + report.lastError + ")" : ""));
    }
    if (view.total === null || reportedAt > view.reportedAt) {
      view.total = total;
      view.reportedAt = reportedAt;
    }
    view.state = report.state;
    view.reconnects = report.reconnects;

    const c = view.cells;
    view.row.dataset.state = report.state;
    c.state.dataset.state = report.state;
    setText(c.state, report.state);
    setText(c["msgs-per-sec"], rate(view.rate));
    setText(c["total-messages"], count(total));
    c["total-messages"].dataset.value = String(total);
    setText(c.reconnects, report.reconnects);
    setText(c["instrument-count"], (report.instruments || []).length);
    c["instrument-count"].title = (report.instruments || []).join(", ");
    setText(c["last-message-age"], report.lastMessageAgeMs === null ? "-" : ageText(report.lastMessageAgeMs));
    setText(c.node, report.node || "");
    setText(c["last-error"], report.lastError || "");
    return view;
  }

  function ageText(ms) {
    return ms < 1000 ? ms + " ms" : ms < 120000 ? (ms / 1000).toFixed(1) + " s" : Math.round(ms / 60000) + " min";
  }

  function applyFeeds(list, now) {
    if (list.length === 0) setText(byId("no-feeds"), "This environment enables no feed.");
    for (const entry of list) {
      const feed = feedView(entry.feed);
      const seen = new Set();
      let feedRate = 0;
      let rated = false;
      let feedTotal = 0;
      for (const report of entry.shards) {
        const view = applyShard(feed, report, now);
        seen.add(report.shard);
        rated = rated || view.rate !== null;
        feedRate += view.rate || 0;
        feedTotal += view.total;
      }
      for (const [name, view] of feed.shards) {
        if (!seen.has(name)) {
          view.row.remove();
          feed.shards.delete(name);
          addEvent("stopped", name + ": no longer reported (stopped or moved)");
        }
      }
      feed.section.querySelector(".no-shards").hidden = entry.shards.length > 0;
      setText(feed.section.querySelector(".feed-msgs-per-sec"), rated ? rate(feedRate) : "-");
      setText(feed.section.querySelector(".feed-total-messages"), count(feedTotal));
      // Until a shard has two reports there is no rate: drawing 0 would show a drop that never happened.
      if (rated) feed.history.push({ t: now, rate: feedRate });
      while (feed.history.length && feed.history[0].t < now - CHART_WINDOW_MS) feed.history.shift();
      drawChart(feed.canvas, feed.history, now);
    }
    window.SsmdPrices.watch(list.map((f) => f.feed));
  }

  function drawChart(canvas, history, now) {
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width;
    const h = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(w * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    const g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, w, h);
    const max = Math.max(1, ...history.map((p) => p.rate));
    const x = (t) => ((t - (now - CHART_WINDOW_MS)) / CHART_WINDOW_MS) * w;
    const y = (r) => h - 2 - (r / max) * (h - 16);
    const line = getComputedStyle(document.documentElement).getPropertyValue("--chart").trim() || "#2f6fde";
    if (history.length > 1) {
      g.beginPath();
      history.forEach((p, i) => (i ? g.lineTo(x(p.t), y(p.rate)) : g.moveTo(x(p.t), y(p.rate))));
      g.strokeStyle = line;
      g.lineWidth = 1.5;
      g.stroke();
      g.lineTo(x(history[history.length - 1].t), h);
      g.lineTo(x(history[0].t), h);
      g.closePath();
      g.globalAlpha = 0.12;
      g.fillStyle = line;
      g.fill();
      g.globalAlpha = 1;
    }
    g.fillStyle = "#6b7280";
    g.font = "10px system-ui, sans-serif";
    g.fillText("max " + rate(max) + "/s, last 60 s", 4, 10);
  }

  function setNodeStatus(status, label) {
    const el = byId("node-status");
    el.dataset.status = status;
    setText(el, label);
  }

  /** What a failed answer says: ssmd's JSON error when there is one, with a hint for a missing API key. */
  async function failure(response) {
    let reason = "HTTP " + response.status;
    try {
      reason = (await response.json()).error || reason;
    } catch (e) {
      // not JSON: keep the status
    }
    return response.status === 401 && !apiKey ? reason + " (open this page as /?api_key=KEY)" : reason;
  }

  async function pollFeeds() {
    try {
      const response = await request("v1/feeds");
      if (!response.ok) throw new Error(await failure(response));
      const body = await response.json();
      applyFeeds(body.feeds, Date.now());
      setNodeStatus("ok", "node ok");
      setText(byId("updated"), clock(Date.now()));
    } catch (e) {
      setNodeStatus("unreachable", "node unreachable: " + e.message);
    } finally {
      setTimeout(pollFeeds, FEEDS_EVERY_MS);
    }
  }

  // ---- archive gaps ----

  async function pollGaps() {
    const status = byId("gaps-status");
    try {
      const response = await request("v1/gaps?limit=" + GAP_LIMIT);
      if (!response.ok) {
        renderGaps([]);
        setText(status, await failure(response));
        status.hidden = false;
      } else {
        const body = await response.json();
        renderGaps(body.gaps);
        setText(status, "No gaps recorded.");
        status.hidden = body.gaps.length > 0;
      }
    } catch (e) {
      setText(status, "Cannot read /v1/gaps: " + e.message);
      status.hidden = false;
    } finally {
      setTimeout(pollGaps, GAPS_EVERY_MS);
    }
  }

  function renderGaps(gaps) {
    const rows = gaps.map((gap) => {
      const row = document.createElement("tr");
      row.className = "gap";
      row.dataset.feed = gap.feed;
      row.dataset.type = gap.type;
      const at = gap.start !== null ? gap.start : gap.end;
      const seqs = gap.fromSeq === null ? "-" : gap.fromSeq === gap.toSeq ? gap.fromSeq : gap.fromSeq + ".." + gap.toSeq;
      const cells = [at === null ? "-" : new Date(at / 1000).toISOString().replace("T", " ").substring(5, 19),
        gap.feed, gap.type, gap.shard || "-", seqs, gap.reason || ""];
      ["gap-start", "gap-feed", "gap-type", "gap-shard", "gap-seqs", "gap-reason"].forEach((cls, i) => {
        const td = document.createElement("td");
        td.className = cls;
        td.textContent = cells[i];
        row.append(td);
      });
      return row;
    });
    byId("gap-rows").replaceChildren(...rows);
  }

  // ---- data inventory: per feed and UTC day of the last 7, status, quality and gaps ----

  async function pollInventory() {
    const status = byId("inventory-status");
    const from = new Date(Date.now() - (INVENTORY_DAYS - 1) * 86400000).toISOString().substring(0, 10);
    try {
      const response = await request("v1/meta/inventory?from=" + from);
      if (!response.ok) {
        renderInventory([]);
        setText(status, await failure(response));
        status.hidden = false;
      } else {
        const body = await response.json();
        renderInventory(body.inventory);
        setText(status, "No inventory since " + from + ".");
        status.hidden = body.inventory.length > 0;
      }
    } catch (e) {
      setText(status, "Cannot read /v1/meta/inventory: " + e.message);
      status.hidden = false;
    } finally {
      setTimeout(pollInventory, INVENTORY_EVERY_MS);
    }
  }

  function renderInventory(rows) {
    // One line per feed and day, its streams and data types summed: newest day first within each feed.
    const days = new Map();
    for (const r of rows) {
      const key = r.feed + " " + r.date;
      const day = days.get(key) || { feed: r.feed, date: r.date, statuses: [], quality: null, gaps: 0, records: 0 };
      day.statuses.push(r.status);
      if (r.quality_score !== null) {
        day.quality = day.quality === null ? r.quality_score : Math.min(day.quality, r.quality_score);
      }
      day.gaps += r.gap_count;
      day.records += r.record_count;
      days.set(key, day);
    }
    const sorted = [...days.values()].sort((a, b) => a.feed.localeCompare(b.feed) || b.date.localeCompare(a.date));
    const lines = sorted.map((day) => {
      const worst = WORST_FIRST.find((s) => day.statuses.includes(s)) || day.statuses[0];
      const row = document.createElement("tr");
      row.className = "inventory-day";
      row.dataset.feed = day.feed;
      row.dataset.date = day.date;
      row.dataset.status = worst;
      const cells = [day.feed, day.date, worst, day.quality === null ? "-" : Number(day.quality).toFixed(2),
        count(day.gaps), count(day.records)];
      ["inv-feed", "inv-date", "inv-status", "inv-quality num", "inv-gaps num", "inv-records num"].forEach((cls, i) => {
        const td = document.createElement("td");
        td.className = cls;
        td.textContent = cells[i];
        row.append(td);
      });
      return row;
    });
    byId("inventory-rows").replaceChildren(...lines);
  }

  window.SsmdPrices.start(addEvent);
  pollFeeds();
  pollGaps();
  pollInventory();
})();
