#!/usr/bin/env python3
"""Splits the Matrix bench's server-timestamp gaps into the homeserver's part and the bot's.

For each command a bot answered (a member's message followed by the bot's, in one room), from
Synapse's own records:

  to the bot   the command's server timestamp -> the end of the bot's /sync that brought it
  in the bot   the end of that /sync -> the start of the bot's PUT /send of its reply
  send         the start of that PUT -> the reply's server timestamp

and which long poll Synapse answered first after the command: the bot's or the member's.
The three add up, command by command, to the gap that `cargo bench --bench matrix` prints.

Usage:
  LABCIRCLE_SYNAPSE_ACCESS_LOG=1 scripts/synapse.sh start /dev/shm/gap
  (note the url= and config= it prints; stop and start again keeps the users)
  date +%s > /tmp/gap-since
  LABCIRCLE_SYNAPSE_URL=<url> LABCIRCLE_SYNAPSE_CONFIG=<config> cargo bench --bench matrix
  scripts/matrix-gap.py /dev/shm/gap $(cat /tmp/gap-since)

Reads DIR/homeserver.db (events) and DIR/homeserver.log (the access log, which the
LABCIRCLE_SYNAPSE_ACCESS_LOG setting turns on). Only 127.0.0.1 and local files are touched.
"""

import collections
import re
import sqlite3
import statistics
import sys

# The users the bench registers: the member ("benchhost..."), labcircle ("bot..."), the
# floor ("floor...") and, with LABCIRCLE_BENCH_TWIN=1, a second floor ("twin...").
ROLES = (("benchhost", "member"), ("bot", "labcircle"), ("floor", "floor"), ("twin", "twin"))

ACCESS = re.compile(
    r"^(?P<end>\d+\.\d+) - synapse\.access\.http\.\d+ - INFO - \S+ - \S+ - \d+ - "
    r"\{(?P<user>[^}]*)\} Processed request: (?P<secs>[\d.]+)sec/.*?"
    r"\"(?P<method>\w+) (?P<path>\S+) HTTP"
)


def role(user):
    name = user.lstrip("@").split(":")[0]
    return next((r for prefix, r in ROLES if name.startswith(prefix)), None)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    d = sys.argv[1]
    try:
        since = float(sys.argv[2]) if len(sys.argv) == 3 else 0.0
    except ValueError:
        sys.exit(f"matrix-gap: SINCE must be seconds since the epoch (date +%s), not {sys.argv[2]!r}")

    requests = collections.defaultdict(list)  # user -> [(start, end, method, path)]
    try:
        log = open(f"{d}/homeserver.log", encoding="utf8", errors="replace")
    except OSError as e:
        sys.exit(f"matrix-gap: cannot read the log: {e}")
    with log:
        for line in log:
            m = ACCESS.match(line)
            if m and float(m["end"]) >= since:
                end = float(m["end"])
                requests[m["user"]].append((end - float(m["secs"]), end, m["method"], m["path"]))
    if not requests:
        sys.exit("matrix-gap: no access log lines; start Synapse with LABCIRCLE_SYNAPSE_ACCESS_LOG=1")
    for rows in requests.values():
        rows.sort(key=lambda r: r[1])

    try:
        db = sqlite3.connect(f"file:{d}/homeserver.db?mode=ro", uri=True)
        events = db.execute(
            "SELECT room_id, sender, type, origin_server_ts FROM events "
            "WHERE type IN ('m.room.message', 'm.room.encrypted') AND origin_server_ts >= ? "
            "ORDER BY stream_ordering",
            (since * 1000,),
        ).fetchall()
    except sqlite3.Error as e:
        sys.exit(f"matrix-gap: cannot read Synapse's events from {d}/homeserver.db: {e}")
    by_room = collections.defaultdict(list)
    for e in events:
        by_room[e[0]].append(e)
    member_syncs = sorted(
        r for u, rows in requests.items() if role(u) == "member" for r in rows if "/sync" in r[3]
    )

    split = collections.defaultdict(list)
    for room_events in by_room.values():
        for asked, answer in zip(room_events, room_events[1:]):
            bot = role(answer[1])
            if role(asked[1]) != "member" or bot not in ("labcircle", "floor", "twin"):
                continue
            asked_at, answered_at = asked[3] / 1000, answer[3] / 1000
            mine = requests.get(answer[1], [])
            put = next(
                (r for r in mine
                 if r[2] == "PUT" and "/send/" in r[3] and r[0] - 0.002 <= answered_at <= r[1] + 0.002),
                None,
            )
            if put is None:
                continue
            sync = next((r for r in mine if "/sync" in r[3] and asked_at <= r[1] <= put[0] + 0.002), None)
            if sync is None:
                continue
            member = next((r for r in member_syncs if r[1] >= asked_at), None)
            room = "encrypted" if answer[2] == "m.room.encrypted" else "unencrypted"
            split[(bot, room)].append({
                "gap": (answered_at - asked_at) * 1000,
                "to the bot": (sync[1] - asked_at) * 1000,
                "in the bot": (put[0] - sync[1]) * 1000,
                "send": (answered_at - put[0]) * 1000,
                "bot first": member is None or member[1] > sync[1],
            })

    if not split:
        sys.exit("matrix-gap: no answered commands found after the given time")
    print("medians in ms; 'bot first': Synapse answered the bot's long poll before the member's")
    for (bot, room), rows in sorted(split.items()):
        med = {k: statistics.median(r[k] for r in rows) for k in ("gap", "to the bot", "in the bot", "send")}
        first = sum(r["bot first"] for r in rows)
        print(
            f"{bot:9} {room:11} n={len(rows):4}  gap {med['gap']:5.1f} = to the bot {med['to the bot']:5.1f}"
            f" + in the bot {med['in the bot']:5.1f} + send {med['send']:4.1f}   bot first {first}/{len(rows)}"
        )


if __name__ == "__main__":
    main()
