"""scikit-learn peer for the category classifier on public intent corpora.

  python sklearn_intents.py [--fixed] [--jobs N] TRAIN.csv TEST.csv [TRAIN2.csv TEST2.csv ...]

Each pair is `text,label` CSV (Tests/EndToEndTests/TextEval/<corpus>/{train,test}.csv); the
corpus name is the folder of the train file. TF-IDF (unigrams and bigrams, sublinear tf,
min_df=1) with three classifiers, the hyperparameter chosen by 5-fold stratified CV (accuracy)
on the train split only (the vectorizer is refitted inside each fold), then refitted on all of
train and scored once on test:

  MultinomialNB        alpha in [0.01, 0.03, 0.1, 0.3, 1]
  LinearSVC            C in [0.1, 0.3, 1, 3, 10]
  LogisticRegression   C in [1, 3, 10, 30, 100], max_iter 2000

--fixed skips the CV (alpha=0.1, C=1). One line per model:
corpus, model, chosen hyperparameter, accuracy, macro_f1, fit seconds (vectorize + fit on all of
train), cv seconds.
"""
import argparse
import os
import time
import warnings

import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

MODELS = [
    ("MultinomialNB", lambda: MultinomialNB(), "alpha", [0.01, 0.03, 0.1, 0.3, 1], 0.1),
    ("LinearSVC", lambda: LinearSVC(), "C", [0.1, 0.3, 1, 3, 10], 1),
    ("LogisticRegression", lambda: LogisticRegression(max_iter=2000), "C", [1, 3, 10, 30, 100], 1),
]


def pipeline(model, **params):
    return Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("clf", model().set_params(**params)),
    ])


def read(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df.text.tolist(), df.label.tolist()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixed", action="store_true", help="no CV: alpha=0.1, C=1")
    ap.add_argument("--jobs", type=int, default=1, help="parallel CV fits")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if len(a.files) % 2:
        ap.error("give TRAIN.csv TEST.csv pairs")
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("corpus,model,param,value,accuracy,macro_f1,fit_seconds,cv_seconds", flush=True)
    for train_path, test_path in zip(a.files[::2], a.files[1::2]):
        corpus = os.path.basename(os.path.dirname(os.path.abspath(train_path)))
        x_train, y_train = read(train_path)
        x_test, y_test = read(test_path)
        for name, model, param, grid, fixed in MODELS:
            cv_seconds = 0.0
            value = fixed
            if not a.fixed:
                start = time.perf_counter()
                search = GridSearchCV(
                    pipeline(model), {f"clf__{param}": grid}, scoring="accuracy",
                    cv=StratifiedKFold(5, shuffle=True, random_state=0), n_jobs=a.jobs,
                    refit=False)
                search.fit(x_train, y_train)
                cv_seconds = time.perf_counter() - start
                value = search.best_params_[f"clf__{param}"]
            start = time.perf_counter()
            p = pipeline(model, **{param: value}).fit(x_train, y_train)
            fit_seconds = time.perf_counter() - start
            pred = p.predict(x_test)
            print(f"{corpus},{name},{param},{value},{accuracy_score(y_test, pred):.4f},"
                  f"{f1_score(y_test, pred, average='macro'):.4f},{fit_seconds:.2f},"
                  f"{cv_seconds:.1f}", flush=True)


if __name__ == "__main__":
    main()
