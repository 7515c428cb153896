#!/usr/bin/env python3
"""Regenerates reference.txt from the Python "packaging" library.

Run: python3 gen_reference.py > reference.txt

Version parsing, canonical form and ordering, and specifier syntax are the
same in packaging 22 through 26, so any of those releases gives the same
file. (Specifier *matching* changed in 26 and is tested by hand-written
tables instead.) Lines are tab-separated, strings JSON-quoted:

    version <input> <canonical or "ERR">
    order <v1> <v2> ...            (sorted ascending; "=" joins equal runs)
    spec <input> <str(SpecifierSet) or "ERR">
"""
import json
import random

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

rng = random.Random(440)
q = json.dumps

TOKENS = ["1", "0", "2", "10", "007", "00", "12345678901234567890123", ".", " ", "v", "V",
          "!", "a", "alpha", "b", "beta", "c", "rc", "pre", "preview", "RC", "Alpha", "post",
          "rev", "r", "-", "_", "dev", "DEV", "+", "abc", "ABC", "x1", "0a", "1.2", ".*",
          "\t", "\x1c", "\u3000", "é", "+1", ".post", "-1"]


def structured():
    s = ""
    if rng.random() < 0.1:
        s += "v"
    if rng.random() < 0.1:
        s += str(rng.randint(0, 2)) + "!"
    s += ".".join(str(rng.choice([0, 0, 1, 2, 10, "00", "01"])) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.4:
        s += rng.choice(["", ".", "-", "_"]) + rng.choice(["a", "b", "rc", "c", "alpha", "pre", "A"])
        s += rng.choice(["", "0", "1", "2", ".", "-1"])
    if rng.random() < 0.4:
        s += rng.choice(["-1", "-0", ".post", "post", "-post", "_r", "rev", "r1", ".post2"])
    if rng.random() < 0.4:
        s += rng.choice([".dev", "dev", "-dev1", ".dev0", "_dev2", "dev.3"])
    if rng.random() < 0.3:
        s += "+" + rng.choice(["abc", "1", "01", "a.b", "A-1_b", "x.1.2", "1.abc", "0", "z9"])
    return s


def main():
    valid = []
    for i in range(3000):
        if i % 2:
            s = structured()
        else:
            s = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 7)))
        try:
            v = Version(s)
            valid.append(v)
            out = str(v)
        except InvalidVersion:
            out = "ERR"
        print("version", q(s), q(out), sep="\t")
    for _ in range(20):
        vs = sorted(rng.sample(valid, 40))
        row = [q(str(vs[0]))]
        for a, b in zip(vs, vs[1:]):
            if a == b:
                row.append(q("="))
            row.append(q(str(b)))
        print("order", *row, sep="\t")
    ops = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="]
    stoks = ops + ["=", " ", "1", "0", "2", ".", "*", ".*", "a", "b", "rc", "post", "dev",
                   "-", "_", "+", "abc", "v", "!", ",", "1.0", "1!", "\x1c", ";", ")", "01"]
    for _ in range(3000):
        s = "".join(rng.choice(stoks) for _ in range(rng.randint(1, 7)))
        if rng.random() < 0.7:
            s = rng.choice(ops) + s
        try:
            out = str(SpecifierSet(s))
        except InvalidSpecifier:
            out = "ERR"
        print("spec", q(s), q(out), sep="\t")


main()
