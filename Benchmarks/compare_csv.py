"""Checks that two folders of metric CSVs agree: same rows (by their text columns), counts
exactly, reals within 0.01. usage: compare_csv.py DIR_A DIR_B; exits 1 on a difference."""
import csv
import os
import sys


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


a_dir, b_dir = sys.argv[1], sys.argv[2]
problems = 0
for name in sorted(os.listdir(a_dir)):
    if not name.endswith(".csv"):
        continue
    ha, ra = load(os.path.join(a_dir, name))
    hb, rb = load(os.path.join(b_dir, name))
    if ha != hb:
        print(f"{name}: headers differ: {ha} vs {hb}")
        problems += 1
        continue
    if len(ra) != len(rb):
        print(f"{name}: {len(ra)} rows vs {len(rb)}")
        problems += 1
    for x, y in zip(ra, rb):
        for col, u, v in zip(ha, x, y):
            u = u.lstrip("'")  # the formula guard
            if is_number(u) and is_number(v):
                fu, fv = float(u), float(v)
                exact = u.lstrip("-").isdigit() and v.lstrip("-").isdigit()
                if (exact and fu != fv) or abs(fu - fv) > 0.01:
                    print(f"{name}: {col}: {u} vs {v} in {x}")
                    problems += 1
            elif u != v:
                print(f"{name}: {col}: {u!r} vs {v!r}")
                problems += 1
        if problems > 20:
            break
print("agree" if problems == 0 else f"{problems} differences")
sys.exit(1 if problems else 0)
