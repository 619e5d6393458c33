"""scikit-learn peer for the category classifier benchmark (Benchmarks/classifier.sh).

Reads classifier.csv written by `ticketlens-bench classifier`, trains TF-IDF + MultinomialNB on the
labelled `train` rows and scores the labelled `test` rows: accuracy and macro-F1 against the
recorded label, and accuracy against the true topic. Two configurations: scikit-learn's defaults
(unigrams, alpha 1.0) and ours (unigrams and bigrams, English stop words, sublinear tf, alpha 0.1).
Times cover vectorizing and fitting, not reading the file.
"""
import sys
import time

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.naive_bayes import MultinomialNB

path = sys.argv[1]
df = pd.read_csv(path, dtype=str, keep_default_na=False)
labelled = df[df.label != ""]
train = labelled[labelled.split == "train"]
test = labelled[labelled.split == "test"]

configs = {
    "sklearn-default": (dict(), 1.0),
    "sklearn-like-ours": (
        dict(ngram_range=(1, 2), stop_words="english", sublinear_tf=True, min_df=2), 0.1),
}
for name, (vec_args, alpha) in configs.items():
    start = time.perf_counter()
    vec = TfidfVectorizer(**vec_args)
    x_train = vec.fit_transform(train.text)
    vectorized = time.perf_counter()
    model = MultinomialNB(alpha=alpha).fit(x_train, train.label)
    end = time.perf_counter()
    pred = model.predict(vec.transform(test.text))
    # The priority task on the same split (every ticket with a priority).
    ptrain = df[(df.split == "train") & (df.priority != "")]
    ptest = df[(df.split == "test") & (df.priority != "")]
    pvec = TfidfVectorizer(**vec_args)
    pmodel = MultinomialNB(alpha=alpha).fit(pvec.fit_transform(ptrain.text), ptrain.priority)
    ppred = pmodel.predict(pvec.transform(ptest.text))
    print(
        f"{name} tickets={len(df)} train={len(train)} test={len(test)} "
        f"vocabulary={len(vec.vocabulary_)} vectorize={vectorized - start:.3f} "
        f"fit={end - vectorized:.3f} seconds={end - start:.3f} "
        f"accuracy={accuracy_score(test.label, pred):.4f} "
        f"macro_f1={f1_score(test.label, pred, average='macro'):.4f} "
        f"truth_accuracy={accuracy_score(test.topic, pred):.4f} "
        f"priority_accuracy={accuracy_score(ptest.priority, ppred):.4f} "
        f"priority_macro_f1={f1_score(ptest.priority, ppred, average='macro'):.4f}")
