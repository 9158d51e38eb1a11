#!/usr/bin/env python3
"""Writes a synthetic ~/.claude/projects tree shaped like real Claude Code transcripts.

Deterministic for a given --seed. What makes it realistic (and what the importer must get right):
one API response on several lines (one per content block), streaming copies whose first line has a
partial output count, tool results from a few hundred bytes to several megabytes on one line,
sub-agent files (<session>/subagents/agent-*.jsonl, isSidechain), resumed sessions that replay
earlier history into a new file, <synthetic> rows, web searches, 1-hour cache writes, legacy
costUSD lines from the 1.0.x era, and Gas Town workdirs as well as ordinary projects.
"""
import argparse
import os
import random
import re
import uuid
from datetime import datetime, timedelta, timezone

RIGS = ["quarry", "orchard", "foundry", "harbor"]
POLECATS = ["obsidian", "jasper", "basalt", "quartz", "flint", "garnet"]
CREW = ["maple", "cedar", "alder"]
PLAIN = ["gasometer", "webshop", "infra-tools", "notes.app", "data_pipeline"]
MODELS_NEW = ["claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-sonnet-4-6"]
SUBAGENT_MODELS = ["claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"]
WORDS = ("the quick brown fox jumps over lazy dog import cost session token cache read write model "
         "rollup snapshot run increment price table polecat witness refinery mayor deacon crew rig").split()


def workdirs():
    dirs = ["/home/dev/gt/mayor", "/home/dev/gt/deacon"]
    for rig in RIGS:
        dirs += [f"/home/dev/gt/{rig}/witness", f"/home/dev/gt/{rig}/refinery/rig"]
        dirs += [f"/home/dev/gt/{rig}/polecats/{p}/{rig}" for p in POLECATS]
        dirs += [f"/home/dev/gt/{rig}/crew/{c}" for c in CREW]
    dirs += [f"/home/dev/src/{p}" for p in PLAIN]
    return dirs


def folder_name(cwd):
    return re.sub(r"[^A-Za-z0-9]", "-", cwd)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


class Writer:
    def __init__(self, rng):
        self.rng = rng
        self.filler = " ".join(rng.choice(WORDS) for _ in range(200_000))

    def text(self, n):
        start = self.rng.randrange(0, len(self.filler) - n - 1) if n < len(self.filler) - 1 else 0
        s = self.filler[start:start + n]
        while len(s) < n:
            s += self.filler[: n - len(s)]
        return s

    def tool_result_size(self):
        r = self.rng.random()
        if r < 0.70:
            return self.rng.randint(300, 4_000)
        if r < 0.95:
            return self.rng.randint(4_000, 40_000)
        if r < 0.995:
            return self.rng.randint(40_000, 400_000)
        return self.rng.randint(1_000_000, 4_000_000)


def common(cwd, session_id, version, sidechain, t, kind, uid, parent):
    return (f'{{"parentUuid":{parent},"isSidechain":{"true" if sidechain else "false"},"userType":"external",'
            f'"cwd":"{cwd}","sessionId":"{session_id}","version":"{version}","gitBranch":"main",')


def user_line(w, cwd, sid, version, sidechain, t, size, first):
    uid = str(uuid.UUID(int=w.rng.getrandbits(128)))
    if first:
        content = f'"{w.text(min(size, 600))}"'
    else:
        content = (f'[{{"tool_use_id":"toolu_{w.rng.getrandbits(64):016x}","type":"tool_result",'
                   f'"content":"{w.text(size)}"}}]')
    return (common(cwd, sid, version, sidechain, t, "user", uid, "null") +
            f'"type":"user","message":{{"role":"user","content":{content}}},"uuid":"{uid}","timestamp":"{stamp(t)}"}}')


def assistant_lines(w, cwd, sid, version, sidechain, t, model, usage, legacy_cost, synthetic=False):
    """The lines of one API response: one per content block, maybe a streaming copy first."""
    rng = w.rng
    msg_id = f"msg_01{rng.getrandbits(96):024x}" if not synthetic else str(uuid.UUID(int=rng.getrandbits(128)))
    req = None if synthetic else f"req_011C{rng.getrandbits(80):020x}"
    blocks = rng.choice([1, 1, 2, 2, 3])
    lines = []
    stream_partial = (not synthetic) and rng.random() < 0.15
    for b in range(blocks + (1 if stream_partial else 0)):
        out = usage["output"]
        if stream_partial and b == 0:
            out = max(1, out // rng.randint(5, 50))
        u = (f'"usage":{{"input_tokens":{usage["input"]},"cache_creation_input_tokens":{usage["w5"] + usage["w1"]},'
             f'"cache_read_input_tokens":{usage["read"]},')
        if usage.get("split", True):
            u += f'"cache_creation":{{"ephemeral_5m_input_tokens":{usage["w5"]},"ephemeral_1h_input_tokens":{usage["w1"]}}},'
        u += (f'"output_tokens":{out},"service_tier":"standard","server_tool_use":{{"web_search_requests":{usage["web"]},'
              f'"web_fetch_requests":0}}}}')
        if rng.random() < 0.5:
            block = f'{{"type":"text","text":"{w.text(rng.randint(100, 6_000))}"}}'
        else:
            block = (f'{{"type":"tool_use","id":"toolu_{rng.getrandbits(64):016x}","name":"Bash",'
                     f'"input":{{"command":"{w.text(rng.randint(20, 400))}"}}}}')
        uid = str(uuid.UUID(int=rng.getrandbits(128)))
        line = (common(cwd, sid, version, sidechain, t, "assistant", uid, "null") +
                f'"message":{{"id":"{msg_id}","type":"message","role":"assistant","model":"{"<synthetic>" if synthetic else model}",'
                f'"content":[{block}],"stop_reason":null,"stop_sequence":null,{u}}},')
        if req:
            line += f'"requestId":"{req}",'
        if legacy_cost is not None:
            line += f'"costUSD":{legacy_cost},'
        line += f'"type":"assistant","uuid":"{uid}","timestamp":"{stamp(t)}"}}'
        lines.append((t, line))
        t = t + timedelta(milliseconds=rng.randint(1, 900))
    return lines, t


def conversation(w, cwd, sid, version, sidechain, t, model, turns, legacy):
    """A list of (time, line) for one conversation, with growing cached context."""
    rng = w.rng
    lines = []
    context = rng.randint(8_000, 20_000)
    for i in range(turns):
        size = w.tool_result_size()
        lines.append((t, user_line(w, cwd, sid, version, sidechain, t, size, i == 0)))
        t += timedelta(seconds=rng.uniform(2, 40))
        if rng.random() < 0.02:
            more, t = assistant_lines(w, cwd, sid, version, sidechain, t, model,
                                      {"input": 0, "output": 0, "w5": 0, "w1": 0, "read": 0, "web": 0, "split": False}, None, True)
            lines += more
            continue
        write = size // 4 + rng.randint(50, 2_000)
        one_hour = (not legacy) and rng.random() < 0.5
        usage = {"input": rng.randint(1, 40), "output": rng.randint(20, 3_000),
                 "w5": 0 if one_hour else write, "w1": write if one_hour else 0,
                 "read": context, "web": 1 if rng.random() < 0.01 else 0, "split": not legacy}
        context = min(context + write, 400_000 if rng.random() < 0.3 else 190_000)
        cost = None
        if legacy:  # Sonnet 4 list prices, as Claude Code 1.0 wrote them
            cost = round((usage["input"] * 3 + usage["output"] * 15 + write * 3.75 + usage["read"] * 0.3) / 1e6, 6)
        more, t = assistant_lines(w, cwd, sid, version, sidechain, t, model, usage, cost)
        lines += more
        t += timedelta(seconds=rng.uniform(1, 20))
    return lines, t


def write_file(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for _, line in lines:
            f.write(line)
            f.write("\n")
    return os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the projects folder to create")
    ap.add_argument("--size-mb", type=int, default=1100)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    w = Writer(rng)
    dirs = workdirs()
    total, sessions, files = 0, 0, 0
    target = args.size_mb * 1_000_000
    base = datetime(2026, 1, 5, tzinfo=timezone.utc)
    while total < target:
        cwd = rng.choice(dirs)
        project = os.path.join(args.out, folder_name(cwd))
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        legacy = rng.random() < 0.08
        start = (datetime(2025, 6, 2, tzinfo=timezone.utc) if legacy else base) + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
        model = "claude-sonnet-4-20250514" if legacy else rng.choice(MODELS_NEW)
        version = "1.0.17" if legacy else rng.choice(["2.0.14", "2.1.3"])
        lines, end = conversation(w, cwd, sid, version, False, start, model, rng.randint(8, 140), legacy)
        sessions += 1
        if legacy and rng.random() < 0.5:
            # 1.0.x: sidechain turns inline in the main file
            side, _ = conversation(w, cwd, sid, version, True, start + timedelta(minutes=3), model, rng.randint(2, 8), True)
            lines = sorted(lines + side, key=lambda x: x[0])
        total += write_file(os.path.join(project, sid + ".jsonl"), lines)
        files += 1
        if not legacy and rng.random() < 0.25:
            for _ in range(rng.randint(1, 3)):
                at = start + (end - start) * rng.random()
                sub, _ = conversation(w, cwd, sid, version, True, at, rng.choice(SUBAGENT_MODELS), rng.randint(3, 25), False)
                total += write_file(os.path.join(project, sid, "subagents", f"agent-a{rng.getrandbits(64):016x}.jsonl"), sub)
                files += 1
        if not legacy and rng.random() < 0.10:
            # Resumed: a new session file that replays the earlier history, then goes on.
            sid2 = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            k = rng.randint(1, len(lines))
            replay = [(t, l.replace(sid, sid2)) for t, l in lines[:k]]
            more, _ = conversation(w, cwd, sid2, version, False, end + timedelta(hours=rng.randint(1, 30)), model, rng.randint(3, 40), False)
            total += write_file(os.path.join(project, sid2 + ".jsonl"), replay + more)
            files += 1
            sessions += 1
    print(f"wrote {files} files, {sessions} sessions, {total / 1e6:.1f} MB under {args.out}")


if __name__ == "__main__":
    main()
