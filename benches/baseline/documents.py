"""Document-only baseline: the three documents of an employee (cover checklist, salary
certificate, guarantee letter) typeset by reportlab as `baseline.py` does (wrapped
`Paragraph`s with `wordWrap="CJK"`, a subset-embedded CJK TrueType font), on one thread,
nothing else: no roster, photo, scans or zip. Prints the CPU time per employee (best of
`--rounds` rounds, `time.process_time`), the figure `cargo bench --bench render -- --employee`
prints for permitpack's three documents.

    target/bench-venv/bin/python benches/baseline/documents.py [--employees 100] [--rounds 5]
"""

import argparse
import datetime as dt
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import baseline  # noqa: E402


def person(i):
    return {
        "name": f"Employee {i:04d} Example-Surname",
        "nationality": "France",
        "position": "Senior Software Engineer",
        "dob": "1988-03-14",
        "rp_expiry": "2027-02-10",
        "wp_expiry": "2027-02-10",
    }


def uploads():
    # Six upload files, as a synthetic employee of bench.sh has.
    items = ["passport", "labour_contract", "degree_certificate", "work_permit", "residence_permit", "photo_page"]
    return [{"entry": f"upload/{n + 1:02d}_{it}.pdf", "pages": 1 + n % 3, "bytes": 400_000 + 1000 * n,
             "fits": True, "files": [f"{it}.jpg"]} for n, it in enumerate(items)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--employees", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--font", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    a = ap.parse_args()
    baseline.init(a.font, ([], []))
    as_of = dt.date(2026, 11, 26)
    scans = ["passport.jpg", "labour_contract.pdf", "work_permit_front.jpg"]
    up = uploads()
    # One employee first: fonts are loaded and subset tables built once, as in a real run.
    baseline.letters_paragraph(person(0), "E0000000", 360000.0, as_of, "ready", 60, scans, up)
    best = None
    size = 0
    for _ in range(a.rounds):
        t = time.process_time()
        for i in range(a.employees):
            docs = baseline.letters_paragraph(person(i), f"E{i:07d}", 360000.0 + i, as_of, "ready", 60,
                                              scans, up)
            size += sum(len(d) for d in docs)
        spent = time.process_time() - t
        best = spent if best is None else min(best, spent)
    per = best / a.employees * 1000
    print(f"reportlab, three documents an employee: {per:.2f} ms CPU "
          f"(best of {a.rounds} rounds of {a.employees}; {size / a.rounds / a.employees / 1000:.0f} KB a set)")


if __name__ == "__main__":
    main()
