"""Score a `ticketlens gaps` list against a gap set's truth.json (standard library only).

  python score_gaps.py GAPSET_DIR_OR_TRUTH_JSON GAPS.csv [--json] [-q]

GAPS.csv is what `ticketlens gaps --format csv` prints (columns include rank, topic and
example_ticket_ids, a space-separated list of "source/id" keys; "-" reads stdin). Each listed
row gets the majority intent of its example tickets (ties: the intent of the example nearest
the topic's centre, i.e. listed first). With U uncovered intents:

  recall         uncovered intents that are the majority of some row among the first 2U rows, / U
  precision      rows whose majority intent is uncovered / rows listed
  precision@U    the same within the first U rows
  duplicates     uncovered intents that are the majority of more than one listed row
  missed         uncovered intents not found in the first 2U rows (and whether found later)

A row without example tickets (a topic of chats only) has no majority intent; it counts as
listed (so it lowers precision) and is shown as "no-examples".

Example keys are matched as "source/id"; a key whose source differs from truth.json's (e.g.
loaded under "default") is matched by its id alone (ticket ids start with "t", chat ids with
"c", so ids are unambiguous within a set).
"""
import argparse
import csv
import io
import json
import os
import sys
from collections import Counter


def load_truth(path):
    if os.path.isdir(path):
        path = os.path.join(path, "truth.json")
    with open(path, encoding="utf-8") as f:
        truth = json.load(f)
    by_key = truth["contacts"]
    by_id = {}
    for k, v in by_key.items():
        by_id[k.rsplit("/", 1)[-1]] = v
    return truth, by_key, by_id


def read_gaps(path):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8", newline="").read()
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    if rows and "rank" in rows[0]:
        rows.sort(key=lambda r: int(r["rank"]) if r["rank"].strip().isdigit() else 10**9)
    return rows


def majority(intents):
    known = [i for i in intents if i is not None]
    if not known:
        return None, 0.0
    counts = Counter(known)
    best = max(counts.values())
    winner = next(i for i in known if counts[i] == best)  # first listed among the tied
    return winner, best / len(intents)


def score(truth_path, gaps_path):
    truth, by_key, by_id = load_truth(truth_path)
    uncovered = list(truth["uncovered"])
    covered = set(truth["covered"])
    u = len(uncovered)
    rows = read_gaps(gaps_path)
    listed = []
    unknown = 0
    for pos, r in enumerate(rows, start=1):
        keys = (r.get("example_ticket_ids") or "").split()
        intents = []
        for k in keys:
            intent = by_key.get(k)
            if intent is None:
                intent = by_id.get(k.rsplit("/", 1)[-1])
            if intent is None:
                unknown += 1
            intents.append(intent)
        m, purity = majority(intents)
        listed.append({
            "rank": int(r["rank"]) if (r.get("rank") or "").strip().isdigit() else pos,
            "topic": r.get("topic", ""), "examples": len(keys), "majority": m,
            "purity": round(purity, 3),
            "kind": ("uncovered" if m in uncovered else "covered" if m in covered
                     else "no-examples" if not keys else "unknown"),
            "match_score": r.get("match_score", ""),
        })
    head2u = listed[:2 * u]
    found = {x["majority"] for x in head2u if x["kind"] == "uncovered"}
    found_anywhere = {x["majority"] for x in listed if x["kind"] == "uncovered"}
    per_intent = Counter(x["majority"] for x in listed if x["kind"] == "uncovered")
    n_unc_rows = sum(x["kind"] == "uncovered" for x in listed)
    n_unc_head = sum(x["kind"] == "uncovered" for x in listed[:u])
    result = {
        "corpus": truth.get("corpus"), "uncovered_intents": u, "rows": len(listed),
        "recall": round(len(found) / u, 4) if u else None,
        "recall_anywhere": round(len(found_anywhere) / u, 4) if u else None,
        "precision": round(n_unc_rows / len(listed), 4) if listed else None,
        "precision_at_u": round(n_unc_head / min(u, len(listed)), 4) if listed and u else None,
        "covered_rows": sum(x["kind"] == "covered" for x in listed),
        "duplicates": {k: v for k, v in sorted(per_intent.items()) if v > 1},
        "missed": [i for i in uncovered if i not in found],
        "missed_but_listed_later": [i for i in uncovered if i not in found and i in found_anywhere],
        "unknown_example_ids": unknown,
        "table": listed,
    }
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("truth", help="gap-set folder or its truth.json")
    ap.add_argument("gaps", help="CSV from `ticketlens gaps` (- for stdin)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("-q", "--quiet", action="store_true", help="only the summary line")
    a = ap.parse_args()
    r = score(a.truth, a.gaps)
    if a.json:
        print(json.dumps(r, indent=1))
        return
    if not a.quiet:
        print("rank  kind         purity  majority_intent                      topic")
        for x in r["table"]:
            print(f"{x['rank']:>4}  {x['kind']:<11}  {x['purity']:>6.2f}  "
                  f"{str(x['majority']):<36} {x['topic']}")
        print(f"duplicates: {r['duplicates'] or 'none'}")
        print(f"missed (not in first 2U rows): {', '.join(r['missed']) or 'none'}")
        if r["missed_but_listed_later"]:
            print(f"  of which listed after row 2U: {', '.join(r['missed_but_listed_later'])}")
        if r["unknown_example_ids"]:
            print(f"warning: {r['unknown_example_ids']} example ids not in truth.json")
    print(f"corpus={r['corpus']} U={r['uncovered_intents']} rows={r['rows']} "
          f"recall={r['recall']} precision={r['precision']} precision_at_U={r['precision_at_u']} "
          f"covered_rows={r['covered_rows']} duplicates={sum(r['duplicates'].values())} "
          f"missed={len(r['missed'])}")


if __name__ == "__main__":
    main()
