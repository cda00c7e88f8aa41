"""Sweep: the corpus questions the project answers right, asked again in rule-made paraphrases.

    .venv/bin/python benchmarks/sweep_questions.py [--manifest] [--rules a,b] [--corpora a,b,c] [--show N]

Each corpus folder of ``../shared/realworld`` (a, b, c) is ingested through the command line into a fresh
temporary database (``--manifest``: with the corpus manifest, as ``score.py --manifest`` hands it), its
questions are asked (``ask -``), and every question answered right is asked again in each paraphrase a
rule makes of it that keeps the meaning: the year written otherwise (23年, 二〇二三年, 2023年度), the
agency named otherwise (full name, short name, department abbreviation of
``store/template/abbreviations.py``, region shortened, traditional characters), figure words swapped for
their template synonyms and colloquial aliases, question words swapped (多少 / 几件 / 数量是多少 / 有多少),
word order moved (year first, agency first), polite openers, trailing punctuation, full-width digits, a
space between agency and year.

Prints per rule: paraphrases right / wrong / not answered, and examples of failures.  Scored as
``score.py ask`` scores answers, a little stricter: *wrong* is a figure given that is not the expected one
(an invented figure for an unanswerable question, a wrong first agency for a rank, a figure of a list not
asked for, or "未填写" said where a figure was expected).  Wrong must be 0.  Not a test (a minute or two).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from realworld_corpus import REALWORLD, load  # noqa: E402

from store.template.abbreviations import ABBREVIATIONS  # noqa: E402

BIN = ROOT / ".venv" / "bin" / "disclosure-bot"


# --------------------------------------------------------------------------- the project, by command line

class Project:
    def __init__(self, workdir: Path):
        self.env = dict(os.environ, DISCLOSURE_BOT_STORE_DATABASE=str(workdir / "sweep.db"),
                        DISCLOSURE_BOT_STORE_LOAD_SAMPLES="false", DISCLOSURE_BOT_STORE_INBOX=str(workdir / "inbox"))

    def run(self, *args, stdin=None):
        return subprocess.run([str(BIN), *args], env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=3600)

    def ask(self, questions: list[str]) -> list[dict]:
        out = self.run("ask", "-", stdin="\n".join(q.replace("\n", " ") for q in questions) + "\n").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def manifest_file(corpus: str, where: Path) -> Path:
    rows = [{"path": str((REALWORLD / corpus / m["file"]).resolve()), "agency": m["agency"], "year": m["year"],
             "province": m.get("province"), "city": m.get("city"), "district": m.get("district"),
             "source_url": m.get("source")} for m in load(corpus, "manifest.json")]
    out = where / "manifest.json"
    out.write_text(json.dumps(rows, ensure_ascii=False))
    return out


# --------------------------------------------------------------------------- scoring (as score.py, stricter)

def same(a, b) -> bool:
    try:
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def agency_right(stored: str, m: dict) -> bool:
    s = re.sub(r"\s+", "", stored or "")
    full, short = re.sub(r"\s+", "", m["agency"]), re.sub(r"\s+", "", m.get("short_agency") or m["agency"])
    return bool(s) and (s in full or full in s or short in s or s in short)


def judge(q: dict, a: dict, by_stem: dict) -> str:
    """right / wrong / unanswered."""
    kind, expect = q.get("kind", "cell"), q.get("expect")
    value, answered = a.get("value"), a.get("status") == "answered"
    given = [g for g in [value] + [v.get("value") for v in a.get("values") or []] if g is not None]
    if isinstance(expect, list):
        if answered and all(any(same(g, e) for g in given) for e in expect):
            return "right"
        return "wrong" if answered and any(not any(same(g, e) for e in expect) for g in given) else "unanswered"
    if isinstance(expect, str):
        m = by_stem.get(expect, {})
        first = (a.get("values") or [{}])[0].get("agency") or (a.get("agency") or {}).get("name") or ""
        if answered and m and agency_right(first, m):
            return "right"
        return "wrong" if answered and first else "unanswered"
    if expect is None:
        if not answered or value is None:
            return "right" if kind != "ambiguous" or not answered or a.get("warnings") or value is None else "wrong"
        return "right" if kind == "ambiguous" and a.get("warnings") else "wrong"
    if answered and any(same(g, expect) for g in given):
        return "right"
    if answered and value is not None or "未填写" in (a.get("text") or ""):
        return "wrong"
    return "unanswered"


# --------------------------------------------------------------------------- paraphrase rules

YEAR = re.compile(r"(?<![\d０-９])(20\d\d)年(?!度)")
CN_DIGITS = "〇一二三四五六七八九"



def one_year(q: str):
    found = YEAR.findall(q)
    return found[0] if len(found) == 1 and len(re.findall(r"\d\d", q)) == 2 else None


def year_short(q, m):
    return YEAR.sub(lambda x: x.group(1)[2:] + "年", q) if YEAR.search(q) else None


def year_chinese(q, m):
    return YEAR.sub(lambda x: "".join(CN_DIGITS[int(c)] for c in x.group(1)) + "年", q) if YEAR.search(q) else None


def year_niandu(q, m):
    return YEAR.sub(lambda x: x.group(1) + "年度", q) if one_year(q) else None


def year_first(q, m):
    y = one_year(q)
    if not y or q.startswith(y):
        return None
    rest = YEAR.sub("", q, count=1)
    return f"{y}年{rest}"


def names_of(m: dict | None) -> list[str]:
    if not m:
        return []
    return sorted({n for n in (m["agency"], m.get("short_agency")) if n and _WHOLE_NAME.fullmatch(n)},
                  key=len, reverse=True)


#: A name as the manifest has it that a person would write: Chinese characters only, not starting with a bare
#: 市/县/区 (市发展改革委: the region left out) — spam and bracketed remarks are no names to paraphrase.
_WHOLE_NAME = re.compile(r"(?![市县区省])[\u4e00-\u9fff]{2,30}")


def mention(q: str, m: dict | None):
    """(start, end, name) of the agency named in q by its full or short name, where the name stands alone
    (not the tail of a longer name: 迁安大五里镇)."""
    for n in names_of(m):
        i = q.find(n)
        if i >= 0 and (i == 0 or not re.match(r"[\u4e00-\u9fff]", q[i - 1]) or q[:i].endswith("年")) \
                and not q[i + len(n):].startswith(("公室", "公厅", "事处", "道")):
            return i, i + len(n), n
    return None


def swap_name(q: str, m: dict | None, new: str | None):
    at = mention(q, m)
    if not at or not new or new == at[2] or not _WHOLE_NAME.fullmatch(new) \
            or q[at[1]:].startswith(("政府", "人民政府", "管委会")):
        return None
    return q[:at[0]] + new + q[at[1]:]


def agency_full(q, m):
    return swap_name(q, m, m and m["agency"])


def agency_short(q, m):
    return swap_name(q, m, m and m.get("short_agency"))


def region_prefix(m: dict) -> str:
    full = m["agency"]
    best = ""
    for r in (m.get("province"), m.get("city"), m.get("district")):
        if r and full.startswith(best + r):
            best += r
        elif r and full.startswith(r) and len(r) > len(best):
            best = r
    return best


def abbreviated(name: str) -> str | None:
    """The name with its longest department part replaced by an abbreviation standing for it."""
    best = None
    for abbr, parts in ABBREVIATIONS.items():
        for part in parts:
            if name.endswith(part) and len(name) > len(part) and len(abbr) < len(part):
                if best is None or len(part) > len(best[1]):
                    best = (abbr, part)
    return name[: -len(best[1])] + best[0] if best else None


def agency_abbrev(q, m):
    return swap_name(q, m, m and abbreviated(m["agency"]))


def agency_region_short(q, m):
    """Region + abbreviation: 垫江县应急管理局 -> 垫江应急局 (region suffix dropped)."""
    if not m:
        return None
    from bot.agencies import region_forms, region_short

    region = region_prefix(m)
    if not region or not m["agency"][len(region):]:
        return None
    name = abbreviated(m["agency"]) or m["agency"]
    # a zone by its abbreviation (郑州高新区, 武汉经开区), any other region without its suffix (垫江, 汉中)
    zone = [f for f in region_forms(region) if f != region and len(f) > len(region_short(region)) + 1]
    short_region = min(zone, key=len) if zone else region_short(region)
    name = short_region + name[len(region):]
    return swap_name(q, m, name)


def traditional(q, m):
    import opencc

    out = opencc.OpenCC("s2t").convert(q)
    return out if out != q else None


#: Words a question uses loosely (公开 of 主动公开, 申请 of 收到申请): swapping them for a row's other words
#: would change what is asked.
LOOSE_WORDS = ("公开", "公开了", "申请", "处理", "收到", "受理")


def figure_synonym(q, m):
    """The first figure word of the question swapped for another word of the template for the same figure."""
    from bot.metrics import find_hits, synonym_index

    words = collections.defaultdict(list)
    for w, t in synonym_index():
        if not t.weak and t.kind == "row" and re.fullmatch(r"[\u4e00-\u9fff]{2,8}", w) \
                and not re.match(r"[一二三四五六七八九十]、", w):
            words[t].append(w)
    at = mention(q, m)
    out = []
    for start, end, target in find_hits(q):
        if target.weak or target.kind != "row" or q[start:end] in LOOSE_WORDS or (at and start < at[1] and end > at[0]):
            continue
        word = q[start:end]
        for other in sorted(words[target], key=lambda w: (-len(w), w)):
            if other != word and other not in q:
                out.append(q[:start] + other + q[end:])
                break
        if out:
            break
    return out or None


def colloquial(q, m):
    """A template word said the way people say it (尚未审结 -> 还没审完, 行政诉讼 -> 打官司): WORD_ALIASES."""
    from store.template.facts import WORD_ALIASES

    at = mention(q, m)
    for alias, word in sorted(WORD_ALIASES.items(), key=lambda kv: (-len(kv[1]), -len(kv[0]))):
        i = q.find(word)
        if i >= 0 and not (at and i < at[1] and i + len(word) > at[0]):
            return q[:i] + alias + q[i + len(word):]
    return None


ASK_SWAPS = (
    (re.compile(r"多少(件|条|个|项|次|起|篇|场|期)"), r"几\1"),
    (re.compile(r"(?<!多少)几(件|条|个|项|次|起|篇|场|期)"), r"多少\1"),
)


def ask_words(q, m):
    out = []
    for pat, rep in ASK_SWAPS:
        if pat.search(q):
            out.append(pat.sub(rep, q, count=1))
    if re.search(r"(?:有|是|共|了)?(?:多少|几)(?:件|条|个|项|次|起)?[？?。]?$", q):
        stem = re.sub(r"(?:有|是|共|了)?(?:多少|几)(?:件|条|个|项|次|起)?[？?。]?$", "", q)
        if stem and not stem.endswith(("一共", "共", "总共", "合计", "多", "少", "差", "高", "低", "？", "，")):
            out.append(stem + "的数量是多少？")
            out.append(stem + "有多少？")
    return out or None


def agency_first(q, m):
    at = mention(q, m)
    if not at or at[0] == 0:
        return None
    head = q[:at[0]].rstrip("，, ")
    return q[at[0]:at[1]] + head + q[at[1]:]


def polite(q, m):
    return ["请问" + q, "麻烦问一下，" + q]


def punctuation(q, m):
    core = q.rstrip("？?。！! ")
    return [core, core + "?", core + "。"] if core != q else [core + "？", core + "?"]


def fullwidth(q, m):
    out = q.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    return out if out != q else None


def spaced(q, m):
    at = mention(q, m)
    if not at:
        return None
    return q[:at[1]] + " " + q[at[1]:].lstrip()


def combined(q, m):
    """Several rules at once, as a hurried user writes: short year, region + abbreviation, 几 for 多少, no
    trailing punctuation, an opener."""
    out = q
    for rule in (agency_region_short, year_short, ask_words, punctuation):
        got = RULES[rule.__name__ if rule.__name__ in RULES else "agency_region_abbrev"](out, m)
        got = got[0] if isinstance(got, list) and got else got
        if got:
            out = got
    return "请问" + out if out != q else None


RULES = {
    "year_short": year_short, "year_chinese": year_chinese, "year_niandu": year_niandu,
    "agency_full": agency_full, "agency_short": agency_short, "agency_abbrev": agency_abbrev,
    "agency_region_abbrev": agency_region_short, "traditional": traditional,
    "figure_synonym": figure_synonym, "colloquial": colloquial, "ask_words": ask_words, "year_first": year_first,
    "agency_first": agency_first, "polite": polite, "punctuation": punctuation, "fullwidth": fullwidth,
    "space_after_agency": spaced, "combined": combined,
}


def variants(rule: str, q: str, m: dict | None) -> list[str]:
    out = RULES[rule](q, m)
    if out is None:
        return []
    return [v for v in ([out] if isinstance(out, str) else out) if v and v != q]


# --------------------------------------------------------------------------- the sweep

def sweep(corpus: str, rules: list[str], with_manifest: bool):
    questions = [q for q in load(corpus, "questions.jsonl") if not isinstance(q.get("expect"), bool)]
    manifest = load(corpus, "manifest.json")
    by_stem = {Path(m["file"]).stem: m for m in manifest}
    files = [str((REALWORLD / corpus / m["file"]).resolve()) for m in manifest]
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp))
        extra = ["--manifest", str(manifest_file(corpus, Path(tmp)))] if with_manifest else []
        project.run("ingest", "-q", *extra, *files)
        answers = project.ask([q["q"] for q in questions])
        base = [q for q, a in zip(questions, answers) if judge(q, a, by_stem) == "right"]
        asked = []  # (rule, question, paraphrase)
        for q in base:
            f = q.get("file")
            m = by_stem.get(Path(f).stem) if isinstance(f, str) else None
            for rule in rules:
                for v in variants(rule, q["q"], m):
                    asked.append((rule, q, v))
        answers = project.ask([v for _, _, v in asked])
    out = []
    for (rule, q, v), a in zip(asked, answers):
        out.append((rule, q, v, a, judge(q, a, by_stem)))
    return len(questions), len(base), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifest", action="store_true")
    ap.add_argument("--rules", default=",".join(RULES))
    ap.add_argument("--corpora", default="a,b,c")
    ap.add_argument("--show", type=int, default=4)
    args = ap.parse_args()
    rules = [r for r in args.rules.split(",") if r]
    table = {r: collections.Counter() for r in rules}
    fails = collections.defaultdict(list)
    n_all = n_base = 0
    for corpus in args.corpora.split(","):
        n, nb, results = sweep(corpus, rules, args.manifest)
        n_all, n_base = n_all + n, n_base + nb
        for rule, q, v, a, verdict in results:
            table[rule][verdict] += 1
            if verdict != "right":
                fails[rule].append(f"{verdict}: {v}  expect {q.get('expect')}  got {a.get('status')} "
                                   f"{a.get('value')}")
    print(f"{'with' if args.manifest else 'without'} manifest; {n_base}/{n_all} corpus questions answered "
          f"right, each asked again per rule")
    print(f"{'rule':22} {'right':>6} {'wrong':>6} {'unans':>6} {'of':>6}")
    total = collections.Counter()
    for rule in rules:
        t = table[rule]
        total.update(t)
        print(f"{rule:22} {t['right']:6} {t['wrong']:6} {t['unanswered']:6} {sum(t.values()):6}")
    print(f"{'all':22} {total['right']:6} {total['wrong']:6} {total['unanswered']:6} {sum(total.values()):6}")
    for rule in rules:
        bad = sorted(fails[rule], key=lambda f: not f.startswith("wrong"))
        for line in bad[:args.show]:
            print(f"  ✗ [{rule}] {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
