"""The plain peer of `ticketlens gaps`: TF-IDF + k-means topics matched to the articles by TF-IDF
cosine (scikit-learn), on a public gap set (TextEval/gaps-*), written as a gap CSV that
score_gaps.py reads.

  python tfidf_kmeans_gaps.py GAPSET_DIR OUT.csv [--k K] [--threshold T]

Contacts: the window's tickets (subject + description) and chats (visitor lines), as the
product reads them. Topics: TfidfVectorizer (words and pairs, sublinear tf, min_df 2, English
stop words) and KMeans (k = the number of intents in the set unless --k: generous, the product
chooses its own number), seed 0. Coverage: a topic is a gap when the cosine of its centroid and
its nearest article (the same vectorizer over title + body) is below the threshold; rows ranked
by size x (1 - cosine), examples are the five members nearest the centroid. Without
--threshold every threshold from 0.05 to 0.60 is tried and each list is scored (the peer gets
its best threshold, chosen on the very set it is scored on).
"""
import argparse
import csv
import datetime as dt
import html
import json
import os
import re
import subprocess
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer


def load(folder):
    truth = json.load(open(os.path.join(folder, "truth.json")))
    as_of = dt.datetime.fromisoformat(truth["as_of"].replace("Z", "+00:00"))
    start = as_of - dt.timedelta(days=truth.get("window_days", 28))
    keys, texts = [], []
    for r in csv.DictReader(open(os.path.join(folder, "tickets.csv"), encoding="utf-8")):
        t = dt.datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
        if start <= t <= as_of:
            keys.append("helpdesk/" + r["id"])
            texts.append(r["subject"] + "\n" + r["description"])
    for line in open(os.path.join(folder, "chats.ndjson"), encoding="utf-8"):
        c = json.loads(line)
        t = dt.datetime.fromisoformat(c["started_at"].replace("Z", "+00:00"))
        if start <= t <= as_of:
            keys.append("chat/" + c["id"])
            texts.append("\n".join(m["text"] for m in c["messages"] if m["author"] == "visitor"))
    articles = json.load(open(os.path.join(folder, "articles.json"), encoding="utf-8"))["articles"]
    article_texts = [a["title"] + "\n" + html.unescape(re.sub(r"<[^>]+>", " ", a["body"]))
                     for a in articles]
    intents = len(set(truth["contacts"][k] for k in keys if k in truth["contacts"]))
    return keys, texts, articles, article_texts, intents


def topics(keys, texts, article_texts, k):
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, stop_words="english")
    x = vec.fit_transform(texts)
    a = vec.transform(article_texts)
    km = KMeans(n_clusters=k, n_init=1, random_state=0).fit(x)
    centres = km.cluster_centers_ / np.maximum(
        np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True), 1e-12)
    sims = (a @ centres.T).T  # topics x articles
    sims = np.asarray(sims)
    out = []
    for j in range(k):
        members = np.where(km.labels_ == j)[0]
        if len(members) < 11:
            continue
        best = float(sims[j].max())
        near = np.asarray(x[members] @ centres[j]).ravel()
        examples = [keys[members[i]] for i in np.argsort(-near, kind="stable")[:5]]
        out.append((len(members) * (1 - best), best, examples))
    out.sort(key=lambda r: -r[0])
    return out


def write(rows, threshold, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["rank", "match_score", "example_ticket_ids"])
        rank = 0
        for _, best, examples in rows:
            if best < threshold:
                rank += 1
                w.writerow([rank, f"{best:.4f}", " ".join(examples)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("out")
    p.add_argument("--k", type=int)
    p.add_argument("--threshold", type=float)
    args = p.parse_args()
    keys, texts, _, article_texts, intents = load(args.folder)
    rows = topics(keys, texts, article_texts, args.k or intents)
    score = os.path.join(os.path.dirname(os.path.abspath(__file__)), "score_gaps.py")
    if args.threshold is not None:
        write(rows, args.threshold, args.out)
        return
    for t in [round(0.05 * i, 2) for i in range(1, 13)]:
        write(rows, t, args.out)
        r = subprocess.run([sys.executable, score, args.folder, args.out, "-q"],
                           capture_output=True, text=True)
        print(f"threshold {t:.2f}: " + " ".join(r.stdout.split("\n")[:1]))


if __name__ == "__main__":
    main()
