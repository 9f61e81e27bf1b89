#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes bench/RESULTS.md (to stdout) from the logs bench/run left: the machine, the
medians each benchmark printed, the ratios, and each target met or missed."""
import argparse
import datetime
import os
import platform
import re
import subprocess
from pathlib import Path


def sh(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def results(log):
    """The RESULT <name> <value> <unit> lines of a log."""
    found = {}
    for line in log.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "RESULT":
            found[parts[1]] = float(parts[2])
    return found


def store_results(log):
    """store_bench prints figures for people: read them back."""
    patterns = {
        "store.ingest_rate": r"^\s*store\s+([\d.]+) items/s",
        "store.raw_rate": r"^\s*raw\s+([\d.]+) items/s",
        "store.latest20_p50_ms": r"latest 20 .*?p50 ([\d.]+) ms",
        "store.latest20_p99_ms": r"latest 20 .*?p99 ([\d.]+) ms",
        "store.ingest_over_raw": r"store / raw = ([\d.]+)",
        "store.raw_fts_rate": r"raw \+ FTS5\s+([\d.]+) items/s",
        "store.ingest_over_raw_fts": r"store / raw \+ FTS5 = ([\d.]+)",
        "store.published_us": r"only published declared.*?([+-][\d.]+) us",
        "store.updated_us": r"only updated declared.*?([+-][\d.]+) us",
        "store.author_jid_us": r"only author\.jid declared.*?([+-][\d.]+) us",
        "store.categories_us": r"only categories declared.*?([+-][\d.]+) us",
        "store.mid_node_p50_ms": r"20 after an item mid-node\s+p50 ([\d.]+) ms",
        "store.by_ids_p50_ms": r"two items by id.*?p50 ([\d.]+) ms",
        "store.fts_p50_ms": r"FTS search.*?p50 ([\d.]+) ms",
        "store.fts_raw_p50_ms": r"raw FTS5 MATCH.*?p50 ([\d.]+) ms",
        "store.json_p50_ms": r"JSON fields.*?p50 ([\d.]+) ms",
        "store.date_scan_p50_ms": r"published > DateTime.*?p50 ([\d.]+) ms",
        "store.text_scan_p50_ms": r"published > text.*?p50 ([\d.]+) ms",
        "store.date_order_p50_ms": r"order by published desc.*?p50 ([\d.]+) ms",
        "store.stats_p50_ms": r"cache stats .*?p50 ([\d.]+) ms",
        "store.undeclared_rate": r"store without declared fields\s+([\d.]+) items/s",
        "store.author_p50_ms": r"declared author.jid == x, limit 20\s+p50 ([\d.]+) ms",
        "store.author_since_p50_ms": r"declared author.jid == x and published.*?p50 ([\d.]+) ms",
        "store.category_p50_ms": r"declared categories contains.*?p50 ([\d.]+) ms",
    }
    found = {}
    for name, pattern in patterns.items():
        match = re.search(pattern, log, re.MULTILINE)
        if match:
            found[name] = float(match.group(1))
    return found


def fmt(value, digits=3):
    if value is None:
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def machine(args):
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {
        package: sh("dpkg-query", "-W", "-f=${Version}", package) or "not installed"
        for package in ("prosody", "ejabberd", "libsqlite3-0", "libstrophe0", "g++")
    }
    commit = sh("git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD")
    # This file is being rewritten as it runs: it is no change of the code measured.
    dirty = sh("git", "-C", str(Path(__file__).parent), "status", "--porcelain",
               "--untracked-files=no", "--", ":(top)", ":(top,exclude)bench/RESULTS.md")
    rows = [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", f"{commit}{' + uncommitted changes' if dirty else ''}"),
        ("CPU", f"{cpu}, nproc {os.cpu_count()}"),
        ("kernel", platform.release()),
        ("load average (1, 5, 15 min)", f"start {args.load_start}; end {args.load_end}"),
        ("packages", ", ".join(f"{p} {v}" for p, v in versions.items())),
        ("build", "meson --buildtype=release (-O3, NDEBUG)"),
        ("bench/run took", f"{args.seconds} s, {args.runs} runs per benchmark"),
    ]
    return "\n".join(f"| {k} | {v} |" for k, v in rows)


def streams_section(r, note=""):
    """The "Streams (issue 14)" section from stream_bench's RESULT lines; [] without them."""
    get = r.get
    if not any(name.startswith(("store.stream", "ipc_stream.", "latency.")) for name in r):
        return []
    out = ["## Streams (issue 14) (`stream_bench`)\n"]
    if note:
        out.append(note + "\n")
    out.append("1,000 feeds (nodes) of 100 items each, 100,000 items whose times interleave "
               "the feeds, written with the store API and parsed by xep_0277 as a sync would, "
               "every node marked synced. In process: `SqlitePubsubStore::merged_items` on a "
               "fresh database, 1,000 calls per run, one at a time. Over IPC: a real roostd "
               "(its plugins, `streams` among them) on the same kind of database (1,001 feeds), "
               "a stream `s` of 1,000 `node` feeds; `reads` `stream.get` per figure and run from one "
               "`IpcClient`; `stream.define` replacing the rule by another of 1,000 feeds "
               "(999 of the old and 1 other, alternately), 5 per run, timed from a client that "
               "sends the request line encoded beforehand and reads the answer line without "
               "parsing it (the client's own JSON work, 80 KB each way, is not the daemon's), "
               "while 100 other clients are subscribed and read every notification it brings. "
               "Latency: "
               "a Prosody node (`urn:xmpp:microblog:0:...` on the pubsub component) as a stream's "
               "only feed, synced and so subscribed by roostd; alice publishes posts one at a "
               "time; from the publish IQ's answer to the subscriber's `items` notification "
               "(0 when it came first). Each figure is the median of the runs' figures.\n")
    out.append("| what | median | target | |\n| --- | --- | --- | --- |")

    def row(what, name, limit=None, unit=" ms"):
        value = get(name)
        if limit is None:
            out.append(f"| {what} | {fmt(value)}{unit} | | |")
            return
        met = "n/a" if value is None else ("met" if value < limit else "**missed**")
        out.append(f"| {what} | {fmt(value)}{unit} | < {fmt(limit)}{unit} | {met} |")

    row("merged_items, newest 20 of 1,000 feeds, p50", "store.stream1000.first_p50_ms", 1)
    row("merged_items, newest 20 of 1,000 feeds, p99", "store.stream1000.first_p99_ms")
    row("merged_items, next 20 by cursor, 1,000 feeds, p50", "store.stream1000.next_p50_ms", 1)
    row("merged_items, next 20 by cursor, 1,000 feeds, p99", "store.stream1000.next_p99_ms")
    row("merged_items, newest 20 of 10 feeds, p50", "store.stream10.first_p50_ms")
    row("merged_items, newest 20 of 10 feeds, p99", "store.stream10.first_p99_ms")
    row("merged_items, next 20 of 10 feeds, p50", "store.stream10.next_p50_ms")
    row("merged_items, next 20 of 10 feeds, p99", "store.stream10.next_p99_ms")
    row("`stream.get` limit 20, 1,000 feeds, over IPC, p50", "ipc_stream.get20_p50_ms", 2)
    row("`stream.get` limit 20, 1,000 feeds, over IPC, p99", "ipc_stream.get20_p99_ms")
    row("`stream.get` next page (`after`), over IPC, p50", "ipc_stream.next20_p50_ms", 2)
    row("`stream.get` next page (`after`), over IPC, p99", "ipc_stream.next20_p99_ms")
    row("`status` round trip in the same runs, p50 (the socket's floor)", "ipc_stream.status_p50_ms")
    row("`stream.define` replacing 1,000 feeds, no subscriber, p50", "ipc_stream.define_nosub_p50_ms")
    row("`stream.define` replacing 1,000 feeds, 100 subscribers, p50",
        "ipc_stream.define_sub100_p50_ms", 10)
    row("`stream.define` replacing 1,000 feeds, 100 subscribers, slowest of a run's 5",
        "ipc_stream.define_sub100_max_ms")
    row(f"publish answer to subscriber's `items`, {fmt(get('latency.posts'))} posts, p50",
        "latency.publish_answer_to_items_p50_ms")
    row(f"publish answer to subscriber's `items`, {fmt(get('latency.posts'))} posts, p99",
        "latency.publish_answer_to_items_p99_ms", 50)
    row("publish sent to subscriber's `items`, p50", "latency.publish_sent_to_items_p50_ms")
    row("publish sent to subscriber's `items`, p99", "latency.publish_sent_to_items_p99_ms")
    out.append("")
    return out


def reconnect_section(r):
    get = r.get
    nodes, items = get("reconnect.nodes"), get("reconnect.items")
    out = ["## Reconnects (issue 15, target 7) (`reconnect_bench`, ejabberd)\n"]
    out.append(f"bob's roostd follows {int(nodes or 0)} nodes, {fmt(items)} items in all, through a "
               "relay that counts the bytes the server sends and cuts the line as an outage "
               "would. A new session (`profile.disconnect` + `profile.connect`) resyncs every "
               "node; after a short outage the stream resumes (XEP-0198). A time runs from "
               "the disconnect, or from the line's return, until the cache is current.\n")
    out.append("| reconnect | bytes from the server | / full refetch | time |\n"
               "| --- | --- | --- | --- |")
    for what, key, ratio in [
        ("new session: every node resynced (the full refetch)", "full", None),
        ("short outage, nothing changed: resumed", "resumed_quiet", "resumed_quiet_over_full"),
        ("short outage, one post and one edit in every node: resumed", "resumed_changed",
         "resumed_changed_over_full"),
    ]:
        share = f"{fmt(get('reconnect.' + ratio), 4)}x" if ratio else "1x"
        out.append(f"| {what} | {fmt(get('reconnect.' + key + '_bytes'))} | {share} | "
                   f"{fmt(get('reconnect.' + key + '_ms'))} ms |")
    out.append("")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logs", required=True)
    parser.add_argument("--runs", required=True)
    parser.add_argument("--load-start", required=True)
    parser.add_argument("--load-end", required=True)
    parser.add_argument("--seconds", required=True)
    parser.add_argument("--only-streams", action="store_true",
                        help="print only the Streams section, from streams.log")
    args = parser.parse_args()
    logs = Path(args.logs)
    r = {}
    if (logs / "streams.log").exists():
        r.update(results((logs / "streams.log").read_text()))
    if args.only_streams:
        print("\n".join(streams_section(r)))
        return
    for name in ("ipc", "sync_prosody", "sync_ejabberd", "store_scale", "reconnect"):
        if (logs / f"{name}.log").exists():
            r.update(results((logs / f"{name}.log").read_text()))
    r.update(store_results((logs / "store.log").read_text()))
    get = r.get

    def ratio(a, b):
        return get(a) / get(b) if get(a) is not None and get(b) else None

    if "store.ingest_over_raw" not in r:  # older store_bench: the ratio of the medians
        r["store.ingest_over_raw"] = ratio("store.ingest_rate", "store.raw_rate")

    targets = []  # (what, figure, target text, met)

    def target(what, name, limit, at_most=True, unit=""):
        value = get(name)
        met = None if value is None else (value <= limit if at_most else value >= limit)
        sign = "≤" if at_most else "≥"
        targets.append((what, f"{fmt(value)}{unit}", f"{sign} {fmt(limit)}{unit}",
                        "n/a" if met is None else ("met" if met else "**missed**")))

    target("cold sync 10,000 items, Prosody (one request) / wire", "prosody.sync_over_wire", 1.3, unit="x")
    target("cold sync 10,000 items, ejabberd (RSM pages) / wire", "ejabberd.sync_over_wire", 1.3, unit="x")
    target("store ingest (in process)", "store.ingest_rate", 50000, at_most=False, unit=" items/s")
    target("store ingest / raw INSERT", "store.ingest_over_raw", 0.5, at_most=False, unit="x")
    target("store ingest / raw INSERT + FTS5 (issue 15)", "store.ingest_over_raw_fts", 0.5,
           at_most=False, unit="x")
    target("cached get of 20 over IPC, p50", "ipc.get20_p50_ms", 1, unit=" ms")
    target("cached get of 20 over IPC, p99", "ipc.get20_p99_ms", 5, unit=" ms")
    target("FTS over 100,000 items over IPC, p50", "ipc.fts_p50_ms", 2, unit=" ms")
    target("latest-20 read on 100,000 items in process, p50", "store.latest20_p50_ms", 0.1, unit=" ms")
    target("roostd VmRSS after the 10,000-item sync, Prosody", "prosody.rss_mb", 40, unit=" MB")
    target("roostd VmRSS after the 10,000-item sync, ejabberd", "ejabberd.rss_mb", 40, unit=" MB")
    target("database bytes / raw XML bytes stored, Prosody", "prosody.db_over_xml", 2.5, unit="x")
    target("database bytes / raw XML bytes stored, ejabberd", "ejabberd.db_over_xml", 2.5, unit="x")
    # Issue 15, target 1: the cache keeps up with an ejabberd flood, and stays responsive.
    if get("ejabberd.events_cached_rate") is not None:
        r["ejabberd.events_cached_over_acked"] = ratio("ejabberd.events_cached_rate",
                                                       "ejabberd.events_publish_rate")
    target("event ingest, ejabberd: cached / acknowledged (issue 15)",
           "ejabberd.events_cached_over_acked", 0.9, at_most=False, unit="x")
    target("`status` during the ejabberd event flood, p99 (issue 15)",
           "ejabberd.events_status_p99_ms", 50, unit=" ms")
    # Issue 15, target 3: p99 within 100 ms, and no turn over 100 ms (the slowest call).
    target("`status` while a 9 MiB item is stored, Prosody, p99 (issue 15)",
           "prosody.large_status_p99_ms", 100, unit=" ms")
    target("`status` while a 9 MiB item is stored, Prosody, slowest (issue 15)",
           "prosody.large_status_max_ms", 100, unit=" ms")
    # Issue 15, target 7: a short outage resumes the session, nothing is fetched again.
    target("reconnect after a short outage, nothing changed: bytes / full refetch (issue 15)",
           "reconnect.resumed_quiet_over_full", 0.1, unit="x")

    out = []
    out.append("# Benchmark results\n")
    out.append("Written by `bench/run`; what each figure means and what bounds it: "
               "`doc/performance.md`. Every figure is the median of the runs below; a ratio "
               "compares two figures measured in the same run (its median over the runs). "
               "The machine is shared: read the load average with the figures.\n")
    out.append("## Machine\n\n| | |\n| --- | --- |\n" + machine(args) + "\n")
    out.append("## Targets (issues 6 and 15)\n\n| what | median | target | |\n| --- | --- | --- | --- |")
    for what, figure, limit, met in targets:
        out.append(f"| {what} | {figure} | {limit} | {met} |")
    out.append("")

    out.append("## Cold sync, memory, database (`sync_bench`)\n")
    out.append("A fresh roostd per run syncs a 10,000-item node (`pubsub.cache.sync` over IPC, "
               "timed until it answers `completed`); in the same run a bare client "
               "(`bench/BareClient`, src/xmpp only) fetches the same node the same way "
               f"(Prosody: one answer; ejabberd: RSM pages of {fmt(get('ejabberd.page_size'))} "
               "items, NodeSync's page size, from the last back) and stores nothing. Items are ~500-byte Atom entries, parsed by "
               "xep_0277 into JSON and FTS text as a blog's are. "
               "ejabberd's node is published over XMPP (100 publishes in flight). Prosody 0.12 "
               "rereads a node's whole item list on every publish (its rate below is measured "
               "on the first 200 items and falls as the node grows), so its 10,000 items are "
               "written into its file storage in its own format while it is stopped "
               "(`bench/ProsodyNodeFile`), then served by it as published ones. Event ingest: "
               "per run a fresh node, synced empty by a fresh roostd, then another account "
               "publishes into it (Prosody 100 items, ejabberd 2,000, 100 in flight); timed "
               "until the last item is in the cache and the cache holds them all. Large item "
               "(Prosody only; an ejabberd node takes 250,000-byte payloads by default): per "
               "run a fresh node synced empty by a fresh roostd with `max_item_bytes = 0`, "
               "then one 9 MiB Atom entry (a 15-word vocabulary) published into it; timed "
               "until it is in the cache. Both floods are watched by a client calling "
               "`status` every 10 ms.\n")
    out.append("| | Prosody | ejabberd |\n| --- | --- | --- |")
    rows = [
        ("publishing 10,000 items (setup, 100 in flight)", "publish_setup_rate", " items/s"),
        ("wire limit (bare client)", "wire_ms", " ms"),
        ("cold sync through roostd", "sync_ms", " ms"),
        ("sync / wire", "sync_over_wire", "x"),
        ("CPU of the bare client for its fetch", "wire_cpu_ms", " ms"),
        ("CPU of roostd for the sync", "sync_cpu_ms", " ms"),
        ("bare client's own VmHWM after its fetch", "wire_client_hwm_mb", " MB"),
        ("roostd VmRSS connected, before the sync", "rss_before_mb", " MB"),
        ("roostd VmRSS after the sync", "rss_mb", " MB"),
        ("roostd VmHWM (peak) after the sync", "hwm_mb", " MB"),
        ("database bytes per item", "db_bytes_per_item", " B"),
        ("database + WAL on disk per item, roostd still running after the sync",
         "db_running_bytes_per_item", " B"),
        ("database + WAL on disk per item, 3 s later (roostd idle: WAL given back)",
         "db_idle_bytes_per_item", " B"),
        ("database / raw XML bytes", "db_over_xml", "x"),
        ("database / stored bytes (XML + JSON + text)", "db_over_stored", "x"),
        ("event ingest: publisher, server acks", "events_publish_rate", " items/s"),
        ("event ingest: until the last item is cached", "events_cached_rate", " items/s"),
        ("`status` round trip during the event ingest, p99", "events_status_p99_ms", " ms"),
        ("`status` round trip during the event ingest, slowest", "events_status_max_ms", " ms"),
        ("a 9 MiB item: from its publish until it is cached", "large_cached_ms", " ms"),
        ("`status` while it is stored, p99", "large_status_p99_ms", " ms"),
        ("`status` while it is stored, slowest", "large_status_max_ms", " ms"),
    ]
    for label, key, unit in rows:
        if get("prosody." + key) is None and get("ejabberd." + key) is None:
            continue  # a figure this run's benchmark did not print yet
        out.append(f"| {label} | {fmt(get('prosody.' + key))}{unit} | {fmt(get('ejabberd.' + key))}{unit} |")
    out.append("")
    out.append("## Reads over IPC (`ipc_bench`)\n")
    out.append(f"{fmt(get('ipc.items'))} items were written into roostd's database with the "
               "store API before it started (publishing them would take longer than every "
               "other benchmark together), parsed by xep_0277's Atom parser as a sync would. "
               "1,000 calls per run, one at a time, from one `IpcClient`.\n")
    out.append("| | median |\n| --- | --- |")
    for label, key in [
        ("`status` round trip, p50 (the socket's floor)", "ipc.status_p50_ms"),
        ("`status` round trip, p99", "ipc.status_p99_ms"),
        ("`pubsub.cache.get` max 20, p50", "ipc.get20_p50_ms"),
        ("`pubsub.cache.get` max 20, p99", "ipc.get20_p99_ms"),
        ("`pubsub.cache.search` fts, two words, limit 20, p50", "ipc.fts_p50_ms"),
        ("the same get through the store API in process, p50", "ipc.get20_store_p50_ms"),
        ("the same search through the store API in process, p50", "ipc.fts_store_p50_ms"),
        ("the same words on the FTS5 table in process (first 20 rowids), p50", "ipc.fts_raw_sqlite_p50_ms"),
    ]:
        out.append(f"| {label} | {fmt(get(key))} ms |")
    out.append("")
    out.append("## Storage in process (`store_bench`, its own medians of 5)\n")
    out.append("| | median |\n| --- | --- |")
    for label, key, unit in [
        ("ingest, 500 per transaction", "store.ingest_rate", " items/s"),
        ("raw INSERT limit, one transaction", "store.raw_rate", " items/s"),
        ("ingest / raw (median of the runs' ratios)", "store.ingest_over_raw", "x"),
        ("raw INSERT + FTS5 limit, one transaction", "store.raw_fts_rate", " items/s"),
        ("ingest / raw + FTS5 (median of the runs' ratios)", "store.ingest_over_raw_fts", "x"),
        ("ingest without the declared fields' indexes", "store.undeclared_rate", " items/s"),
        ("what declaring `published` (date and time) adds an item", "store.published_us", " µs"),
        ("what declaring `updated` (date and time) adds an item", "store.updated_us", " µs"),
        ("what declaring `author.jid` (value) adds an item", "store.author_jid_us", " µs"),
        ("what declaring `categories` (list) adds an item", "store.categories_us", " µs"),
        ("latest 20 of 100,000, p50", "store.latest20_p50_ms", " ms"),
        ("latest 20 of 100,000, p99", "store.latest20_p99_ms", " ms"),
        ("20 after an item mid-node, p50", "store.mid_node_p50_ms", " ms"),
        ("two items by id (what each event reads), p50", "store.by_ids_p50_ms", " ms"),
        ("FTS two words, limit 20, p50", "store.fts_p50_ms", " ms"),
        ("raw FTS5 MATCH, first 20 rowids, p50", "store.fts_raw_p50_ms", " ms"),
        ("undeclared JSON fields filter (a scan), limit 20, p50", "store.json_p50_ms", " ms"),
        ("declared date filter, no match (instants, its index), p50", "store.date_scan_p50_ms",
         " ms"),
        ("the same filter as text (not in the index: a scan), p50", "store.text_scan_p50_ms",
         " ms"),
        ("order by a declared date field, limit 20, p50", "store.date_order_p50_ms", " ms"),
        ("`cache stats` of the 100,000 items, p50", "store.stats_p50_ms", " ms"),
    ]:
        out.append(f"| {label} | {fmt(get(key))}{unit} |")
    out.append("")
    if get("scale.items") is not None:
        out.append("## A large cache (issue 15) (`store_bench --only scale`)\n")
        out.append(f"{fmt(get('scale.items'))} items (~500-byte Atom, JSON, FTS text) in nodes of "
                   "100, written with the store API; the same calls on the 100,000-item node of "
                   "the section above beside them, so that the growth shows.\n")
        out.append("| | 100,000 items | 1,000,000 items | target at 1,000,000 |\n"
                   "| --- | --- | --- | --- |")
        declared = "declared field filter (target 4: < 1 ms at 100,000, < 2 ms at 1,000,000): "
        for label, small, large, limit, small_limit in [
            ("`cache stats`, p50", "store.stats_p50_ms", "scale.stats_p50_ms", 50, None),
            ("listing the profile's nodes (what `cache stats` of one profile adds), p50",
             None, "scale.list_nodes_p50_ms", None, None),
            ("what it cost before 0007: every item's bytes summed, p50", None,
             "scale.bytes_scan_p50_ms", None, None),
            ("FTS two words, limit 20, p50", "store.fts_p50_ms", "scale.fts_p50_ms", 10, None),
            ("latest 20 of a node, p50", "store.latest20_p50_ms", "scale.latest20_p50_ms", None,
             None),
            (declared + "an author's newest 20, p50", "store.author_p50_ms",
             "scale.author_p50_ms", 2, 1),
            (declared + "an author's since a date, p50", "store.author_since_p50_ms",
             "scale.author_since_p50_ms", 2, 1),
            (declared + "a category's newest 20, p50", "store.category_p50_ms",
             "scale.category_p50_ms", 2, 1),
            (declared + "newest 20 by `published`, p50", "store.date_order_p50_ms",
             "scale.date_order_p50_ms", 2, 1),
        ]:
            value = get(large)
            verdict = "" if limit is None or value is None else (
                f"< {limit} ms: " + ("met" if value < limit else "**missed**"))
            if small_limit is not None and get(small) is not None:
                verdict = (f"< {small_limit} ms at 100,000: " +
                           ("met" if get(small) < small_limit else "**missed**") + "; " + verdict)
            before = "" if small is None else f"{fmt(get(small))} ms"
            out.append(f"| {label} | {before} | {fmt(value)} ms | {verdict} |")
        out.append("")
    if get("reconnect.full_bytes") is not None:
        out.extend(reconnect_section(r))
    out.extend(streams_section(r))
    out.append("Full output of each benchmark: the `bench-logs/` directory of the build.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
