"""Convert the public intent corpora into Tests/EndToEndTests/TextEval/<corpus>/{train,test}.csv.

Each output is `text,label` (UTF-8, RFC 4180 quoting, LF line ends), exactly the rows of the
official split in their original order; nothing else is changed. The sources are read from git
snapshots of the upstream repositories (bare git directories), at the commit given:

  python convert_corpora.py --banking GITDIR --clinc GITDIR [--hwu GITDIR] [--out DIR]

  banking77: PolyAI-LDN/task-specific-datasets  banking_data/{train,test}.csv (text,category)
  clinc150:  clinc/oos-eval  data/data_full.json  train / test (in-scope only; val and oos_* unused)
             plus data/domains.json copied verbatim (the intent -> domain map the gap sets use)
  hwu64:     xliuhw/NLU-Evaluation-Data  CrossValidation/.../KFold_1/{trainset,testset/csv}/*.csv
             (semicolon CSVs, one per intent; text = answer_from_anno, label = scenario_intent;
             intents in file-name order, rows in file order)
"""
import argparse
import csv
import io
import json
import os
import subprocess

HWU_DIR = ("CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/"
           "CrossValidation/KFold_1")


def show(gitdir, path, commit="HEAD"):
    return subprocess.run(["git", "--git-dir", gitdir, "show", f"{commit}:{path}"],
                          check=True, capture_output=True).stdout.decode("utf-8")


def ls(gitdir, path, commit="HEAD"):
    out = subprocess.run(["git", "--git-dir", gitdir, "ls-tree", "--name-only", f"{commit}:{path}"],
                         check=True, capture_output=True).stdout.decode("utf-8")
    return sorted(x for x in out.splitlines() if x)


def write(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows, {len({r[1] for r in rows})} labels")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--banking")
    ap.add_argument("--clinc")
    ap.add_argument("--hwu")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "Tests",
                                                  "EndToEndTests", "TextEval"))
    a = ap.parse_args()
    if a.banking:
        for split in ("train", "test"):
            rows = list(csv.reader(io.StringIO(show(a.banking, f"banking_data/{split}.csv"))))
            assert rows[0] == ["text", "category"], rows[0]
            write(os.path.join(a.out, "banking77", f"{split}.csv"), [r for r in rows[1:]])
    if a.clinc:
        data = json.loads(show(a.clinc, "data/data_full.json"))
        for split in ("train", "test"):
            write(os.path.join(a.out, "clinc150", f"{split}.csv"), [list(r) for r in data[split]])
        with open(os.path.join(a.out, "clinc150", "domains.json"), "w", encoding="utf-8") as f:
            f.write(show(a.clinc, "data/domains.json"))
    if a.hwu:
        for split, sub in (("train", "trainset"), ("test", "testset/csv")):
            rows = []
            for name in ls(a.hwu, f"{HWU_DIR}/{sub}"):
                text = show(a.hwu, f"{HWU_DIR}/{sub}/{name}")
                for r in csv.DictReader(io.StringIO(text), delimiter=";"):
                    rows.append([r["answer_from_anno"], r["scenario"] + "_" + r["intent"]])
            write(os.path.join(a.out, "hwu64", f"{split}.csv"), rows)


if __name__ == "__main__":
    main()
