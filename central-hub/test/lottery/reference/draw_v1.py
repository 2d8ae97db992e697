#!/usr/bin/env python3
"""An independent implementation of central-hub/src/domain/lottery/DRAW.md (kiosk-lottery-draw/v1),
written from the specification alone. It produced the golden vectors in draw.spec.ts and drbg.spec.ts;
run it on a published draw to check the hub without its code:

    python3 draw_v1.py draw.json          # prints the canonical text and the digest
"""
import hashlib
import hmac
import json
import sys

DOMAIN = b"kiosk-lottery/draw/v1"


class Stream:
    def __init__(self, seed: bytes, label: str):
        self.key = hashlib.sha256(DOMAIN + b"\x00" + seed + b"\x00" + label.encode("utf-8")).digest()
        self.i = 0
        self.buf = b""

    def word(self) -> int:
        if not self.buf:
            self.buf = hashlib.sha256(self.key + self.i.to_bytes(4, "big")).digest()
            self.i += 1
        w, self.buf = int.from_bytes(self.buf[:4], "big"), self.buf[4:]
        return w

    def uniform(self, n: int) -> int:
        if n == 1:
            return 0
        limit = 2**32 - (2**32 % n)
        while True:
            w = self.word()
            if w < limit:
                return w % n


def shuffle(items, stream):
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = stream.uniform(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def minutes(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


def blocks(spans) -> int:
    groups = {}
    for s in spans:
        groups.setdefault((s["unitId"], s["date"]), []).append(s)
    count = 0
    for group in groups.values():
        group.sort(key=lambda s: minutes(s["start"]))
        end = -1
        for s in group:
            if minutes(s["start"]) > end:
                count += 1
            end = max(end, minutes(s["end"]))
    return count


def draw(doc):
    seed = bytes.fromhex(doc["seed"])
    assert hashlib.sha256(seed).hexdigest() == doc["commitment"], "commitment mismatch"
    slots = {s["slotId"]: s for s in doc["slots"]}
    order = shuffle(sorted(slots), Stream(seed, "slot-order"))
    cap = doc["rules"]["maxWinsPerEntrant"]
    won = {}  # entrant -> spans
    result = {}  # ref -> slot
    ranking = {}
    winners_in = {}

    def can_win(entrant, slot):
        return cap is None or blocks(won.get(entrant, []) + [slot]) <= cap

    for choice, key, label in ((1, "first", "first/"), (2, "second", "second/")):
        for s in order:
            cands = sorted(
                (e for e in doc["entries"] if e[key] == s and (choice == 1 or e["ref"] not in result)),
                key=lambda e: e["ref"],
            )
            if not cands:
                continue
            slot = slots[s]
            for e in shuffle(cands, Stream(seed, label + s)):
                ok = winners_in.get(s, 0) < slot["capacity"] and can_win(e["entrant"], slot)
                ranking.setdefault(s, []).append((e["ref"], ok))
                if ok:
                    winners_in[s] = winners_in.get(s, 0) + 1
                    won.setdefault(e["entrant"], []).append(slot)
                    result[e["ref"]] = s

    lines = [
        "kiosk-lottery-draw/v1",
        "round " + doc["roundId"],
        "commitment " + doc["commitment"],
        "seed " + doc["seed"],
        "entries %d" % len(doc["entries"]),
    ]
    for s in sorted(ranking):
        w = [r for r, ok in ranking[s] if ok] or ["-"]
        a = [r for r, ok in ranking[s] if not ok] or ["-"]
        lines.append("slot %s capacity %d winners %s alternates %s" % (s, slots[s]["capacity"], ",".join(w), ",".join(a)))
    text = "\n".join(lines) + "\n"
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def pseudonym(seed_hex: str, identity_id: str) -> str:
    return hmac.new(bytes.fromhex(seed_hex), ("entrant/" + identity_id).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        text, digest = draw(json.load(f))
    sys.stdout.write(text + "digest " + digest + "\n")
