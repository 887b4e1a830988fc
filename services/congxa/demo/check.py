#!/usr/bin/env python3
"""Checks the demo content of Xã Quốc Tuấn (quoctuan.json and files/).

Run: python3 check.py   (exit status 0 when everything holds)

Checks slugs (pattern, uniqueness across all arrays), the referenced PDFs
(exist, start with %PDF), the questions, the one-stop figures, the presence
of the 142/BC-UBND report, and a number of counts and shapes the demo and
the tests rely on.
"""

import collections
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\.pdf$")
TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)([^>]*)>")
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "a"}
ARRAYS_WITH_SLUGS = ["pages", "articles", "documents", "procedures", "plans", "projects",
                     "budget_reports", "democracy", "access_info", "consultations", "questions"]
ARTICLE_SECTIONS = {
    "tin-tuc/hoat-dong-dang-uy": 4, "tin-tuc/hdnd-ubnd": 5, "tin-tuc/mat-tran-doan-the": 3,
    "tin-tuc/quan-su-cong-an": 3, "tin-tuc/kinh-te-xa-hoi": 4, "tin-tuc/van-hoa-giao-duc-y-te": 4,
    "tin-tuc/tin-cac-thon": 3, "tin-tuc/thong-bao": 5, "chi-dao-dieu-hanh/y-kien-chi-dao": 3,
    "chi-dao-dieu-hanh/tra-loi-kien-nghi": 2, "pho-bien-phap-luat": 4,
}
PAGE_SLUGS = {"tong-quan", "co-cau-to-chuc", "chuc-nang-nhiem-vu", "ban-do-dia-gioi", "dieu-kien-tu-nhien", "lich-su-van-hoa"}
DEMOCRACY_SECTIONS = {"dan-chu-co-so/" + s for s in ("dat-dai", "quy-an-sinh", "goi-nhap-ngu", "thanh-tra", "phi-le-phi", "quy-che-dan-chu")}
EXPECTED_COUNTS = {"pages": 6, "articles": 40, "documents": 14, "procedures": 12, "one_stop_results": 12,
                   "schedule": 3, "plans": 5, "projects": 4, "budget_reports": 5, "democracy": 6,
                   "access_info": 8, "consultations": 2, "questions": 10}

errors = []


def err(msg):
    errors.append(msg)


def check_html(where, h):
    for close, name, attrs in TAG.findall(h):
        name = name.lower()
        if name not in ALLOWED_TAGS:
            err(f"{where}: tag <{name}> not allowed")
            continue
        attrs = attrs.strip()
        if close or not attrs:
            if name == "a" and not close:
                err(f"{where}: <a> without href")
            continue
        if name == "a" and re.fullmatch(r'href="https://[^"\s<>]+"', attrs):
            continue
        if name == "th" and attrs == 'scope="col"':
            continue
        err(f"{where}: attributes not allowed: <{name} {attrs}>")
    if re.search(r"<th>", h):
        err(f"{where}: <th> without scope=\"col\"")


def walk_strings(x, path="$"):
    if isinstance(x, str):
        yield path, x
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from walk_strings(v, f"{path}[{i}]")
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from walk_strings(v, f"{path}.{k}")


def main():
    with open(os.path.join(HERE, "quoctuan.json"), encoding="utf-8") as f:
        data = json.load(f)

    for path, s in walk_strings(data):
        if unicodedata.normalize("NFC", s) != s:
            err(f"{path}: not NFC")

    for k, n in EXPECTED_COUNTS.items():
        if len(data.get(k, [])) != n:
            err(f"{k}: {len(data.get(k, []))} entries, expected {n}")

    # slugs
    seen = {}
    for arr in ARRAYS_WITH_SLUGS:
        for i, e in enumerate(data[arr]):
            s = e.get("slug", "")
            if not SLUG.match(s):
                err(f"{arr}[{i}]: bad slug {s!r}")
            if s in seen:
                err(f"{arr}[{i}]: slug {s!r} already used in {seen[s]}")
            seen[s] = arr
    if {p["slug"] for p in data["pages"]} != PAGE_SLUGS:
        err("pages: slugs differ from the expected set")

    # files
    referenced = set()
    for arr in ARRAYS_WITH_SLUGS:
        for i, e in enumerate(data[arr]):
            if "file" not in e:
                continue
            name = e["file"]
            referenced.add(name)
            if not FILE.match(name):
                err(f"{arr}[{i}]: bad file name {name!r}")
                continue
            p = os.path.join(FILES, name)
            if not os.path.isfile(p):
                err(f"{arr}[{i}]: missing file {name}")
                continue
            with open(p, "rb") as f:
                if f.read(5) != b"%PDF-":
                    err(f"{arr}[{i}]: {name} does not start with %PDF")
            if os.path.getsize(p) > 60 * 1024:
                print(f"note: {name} is {os.path.getsize(p)} bytes (> 60 KB)")
    for arr in ("documents", "plans", "budget_reports", "consultations"):
        for i, e in enumerate(data[arr]):
            if not e.get("file"):
                err(f"{arr}[{i}]: file required")
    if os.path.isdir(FILES):
        for name in sorted(os.listdir(FILES)):
            if name not in referenced:
                err(f"files/{name} is not referenced by quoctuan.json")

    # html bodies
    for arr in ("pages", "articles", "procedures", "plans", "projects", "budget_reports", "democracy", "consultations"):
        for i, e in enumerate(data[arr]):
            check_html(f"{arr}[{i}].body", e["body"])
    for i, q in enumerate(data["questions"]):
        check_html(f"questions[{i}].answer", q["answer"])

    # profile, officials
    prof = data["profile"]
    if prof["agency"] != "Ủy ban nhân dân xã Quốc Tuấn":
        err("profile.agency")
    emails = [prof["email"]] + [o["email"] for o in data["officials"]]
    for m in emails:
        if not m.endswith("@haiphong.gov.vn"):
            err(f"e-mail {m} not @haiphong.gov.vn")
    offs = data["officials"]
    if not 8 <= len(offs) <= 10:
        err(f"officials: {len(offs)}")
    if sum(1 for o in offs if o["is_info_focal"]) != 1:
        err("officials: exactly one is_info_focal expected")

    # articles
    arts = data["articles"]
    per = collections.Counter(a["section"] for a in arts)
    if dict(per) != ARTICLE_SECTIONS:
        err(f"articles per section: {dict(per)}")
    featured = [a for a in arts if a["featured"]]
    if len(featured) != 3 or any(not a["section"].startswith("tin-tuc/") for a in featured):
        err("articles: 3 featured news articles expected")
    if not any("Quốc Tuấn" in a["title"] for a in arts):
        err("articles: no title contains 'Quốc Tuấn'")
    if sum(1 for a in arts if "đường" in a["title"]) < 2:
        err("articles: fewer than two titles contain 'đường'")
    if sum(1 for a in arts if a["days_ago"] < 7) < 3:
        err("articles: fewer than three articles under 7 days")
    for i, a in enumerate(arts):
        if not 0 <= a["days_ago"] <= 120:
            err(f"articles[{i}]: days_ago {a['days_ago']} outside 0..120")
        n = a["body"].count("<p>")
        if not 3 <= n <= 7:
            err(f"articles[{i}]: {n} paragraphs")
        if len(a["slug"]) > 80:
            err(f"articles[{i}]: slug longer than 80")

    # documents
    docs = data["documents"]
    rep = [d for d in docs if d["number_symbol"] == "142/BC-UBND"]
    if len(rep) != 1 or rep[0]["doc_type"] != "Báo cáo":
        err("documents: exactly one Báo cáo 142/BC-UBND expected")
    for i, d in enumerate(docs):
        if not 0 <= d["issued_days_ago"] <= 300:
            err(f"documents[{i}]: issued_days_ago outside 0..300")

    # one-stop results
    months = sorted(r["months_ago"] for r in data["one_stop_results"])
    if months != list(range(12)):
        err(f"one_stop_results: months_ago {months}")
    for r in data["one_stop_results"]:
        if r["on_time"] + r["late"] + r["in_progress"] != r["received"]:
            err(f"one_stop_results month {r['months_ago']}: on_time+late+in_progress != received")
        if not 0 <= r["online"] <= r["received"]:
            err(f"one_stop_results month {r['months_ago']}: online out of range")

    # schedule
    weeks = sorted(w["weeks_from_now"] for w in data["schedule"])
    if weeks != [-1, 0, 1]:
        err(f"schedule: weeks {weeks}")
    for w in data["schedule"]:
        if not 8 <= len(w["entries"]) <= 12:
            err(f"schedule week {w['weeks_from_now']}: {len(w['entries'])} entries")
        for e in w["entries"]:
            if not 0 <= e["day"] <= 5 or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", e["time"]):
                err(f"schedule week {w['weeks_from_now']}: bad day/time {e['day']} {e['time']}")

    # projects
    stages = sorted(p["stage"] for p in data["projects"])
    if stages != ["building", "completed", "preparing", "procuring"]:
        err(f"projects: stages {stages}")
    for p in data["projects"]:
        if p["stage"] == "procuring" and not (p["bid_closes_in_days"] or 0) > 0:
            err("projects: procuring project needs bid_closes_in_days > 0")

    # democracy
    if {d["section"] for d in data["democracy"]} != DEMOCRACY_SECTIONS:
        err("democracy: one entry per section expected")

    # consultations
    closes = sorted(c["closes_in_days"] for c in data["consultations"])
    if not (closes[0] < 0 < closes[-1]):
        err("consultations: one open and one closed expected")
    for c in data["consultations"]:
        if not 2 <= len(c["comments"]) <= 4:
            err(f"consultation {c['slug']}: {len(c['comments'])} comments")

    # questions
    answered = unanswered = 0
    for i, q in enumerate(data["questions"]):
        if q["answer"]:
            answered += 1
            if not q["answered_by"] or not isinstance(q["answered_days_ago"], int) or not q["is_public"]:
                err(f"questions[{i}]: answered question needs answered_by, answered_days_ago and is_public")
            elif q["answered_days_ago"] > q["asked_days_ago"]:
                err(f"questions[{i}]: answered before it was asked")
        else:
            unanswered += 1
            if q["answered_by"] or q["answered_days_ago"] is not None or q["is_public"]:
                err(f"questions[{i}]: unanswered question must have empty answered_by, null answered_days_ago, is_public false")
    if (answered, unanswered) != (8, 2):
        err(f"questions: {answered} answered, {unanswered} unanswered; expected 8 and 2")

    if errors:
        for e in errors:
            print("ERROR:", e)
        print(f"{len(errors)} problem(s)")
        return 1
    counts = ", ".join(f"{k} {len(v)}" for k, v in data.items() if isinstance(v, list))
    size = sum(os.path.getsize(os.path.join(FILES, n)) for n in os.listdir(FILES))
    print(f"ok: {counts}; files/ {len(os.listdir(FILES))} PDFs, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
