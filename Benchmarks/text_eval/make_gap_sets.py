"""Knowledge-gap evaluation sets built from public intent corpora (not from our sample generator).

  python make_gap_sets.py [--textevals DIR]

Reads Tests/EndToEndTests/TextEval/{banking77,clinc150}/{train,test}.csv (and
clinc150/domains.json) and writes, deterministically (fixed seed), for each corpus a folder
TextEval/gaps-<corpus>/ with

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3601..., load as source "kb")
  truth.json     {"uncovered": [...], "covered": [...], "contacts": {"helpdesk/t00001": intent,
                  "chat/c00001": intent, ...}, ...}

Construction (see TextEval/README.md):
  * intents: banking77 all 77, 20 uncovered; clinc150 6 per domain (60), 16 uncovered.
  * contacts: every train+test query of those intents, except 3 train queries per covered
    intent reserved as the article's "Customers also ask" examples; shuffled; 25 % chats,
    the rest tickets in three shapes (subject only / short subject + description / description
    only), greetings and sign-offs sometimes added; chats carry shared agent filler and
    visitor closings.
  * time: 70 % of contacts uniformly in the 28 days ending 2026-03-31T23:59:59Z, 30 % in the
    28 days before (so trends have a previous window).
  * articles: one per covered intent (hand-written question title, a short paragraph built from
    the title, three reserved queries), plus 10 decoy articles on unrelated topics.
"""
import argparse
import collections
import csv
import datetime as dt
import hashlib
import json
import math
import os
import random
import re
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import titles  # noqa: E402

SEED = 20260331
AS_OF = dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=dt.timezone.utc)
WINDOW_DAYS = 28
PREVIOUS_SHARE = 0.30   # share of contacts in the 28 days before the window
CHAT_SHARE = 0.25
RESERVED_PER_INTENT = 3
SOURCES = {"tickets": "helpdesk", "chats": "chat", "articles": "kb"}

GENERIC_SUBJECTS = ["Question", "Help please", "Issue with my account", "Quick question",
                    "Need help", "Support request", "Problem", "Urgent", "Hello", "Query"]
GREETINGS = ["Hi,", "Hello team,", "Hi there,", "Hello,", "Good morning,", "Dear support,"]
SIGN_OFFS = ["Thanks, Sam", "Thank you,\nAlex", "Regards, Priya", "Cheers, Tom", "Best,\nMaria",
             "Thanks in advance", "Kind regards,\nJ. Novak"]
CHAT_HELLOS = ["hi", "hello", "hi there", "hey"]
AGENT_OPENERS = ["Thanks for reaching out! Let me check that for you.",
                 "Hi, thanks for contacting us. One moment while I look into this.",
                 "Thanks for waiting, I'm checking that now.",
                 "Happy to help! Give me a minute to check."]
VISITOR_CLOSINGS = ["ok thanks", "still not working", "sorry what do you mean", "thank you",
                    "ok", "great, thanks", "that helps"]
AGENT_CLOSINGS = ["Is there anything else I can help with?", "Have a great day!",
                  "Glad I could help. Anything else?"]
INTRO_TEMPLATES = [
    "{title} This article answers that question and lists the steps to follow.",
    "{title} Here is a short answer, with what to check first and when to contact us.",
    "{title} Read on for the details and the options you have.",
]
OUTRO = "Still need help? Contact our support team from the app or the website."

# Subjects and agent lines between the visitor's messages that the conversation sets share
# (MultiDoGO, STAR, SGD); the subjects name no domain, so a subject never points elsewhere than
# the text.
CONVERSATION_SUBJECTS = GENERIC_SUBJECTS + ["Request", "Customer request", "Please help",
                                            "Follow-up", "Question for support",
                                            "Need assistance"]
CONVERSATION_MID_AGENT = ["Sure, I can help with that.", "Okay, one moment please.",
                          "Thanks. Let me take a look.", "Got it. Anything else I should know?",
                          "Thank you, I have noted that.", "Okay, let me check that for you."]

SETS = {
    # corpus: (uncovered count, intents per domain or None for all)
    "banking77": (20, None),
    "clinc150": (16, 6),
}


def place_in_time(rng, contacts, chat_share, previous_share=PREVIOUS_SHARE):
    """Marks the first `chat_share` of the (shuffled) contacts as chats, the rest as tickets, and
    gives each a creation instant: `previous_share` of them in the window before, the rest in the
    window, uniform to the second (the gap sets' shared draw; the same calls in the same order).
    Returns the window's start."""
    n_chats = round(chat_share * len(contacts))
    window = dt.timedelta(days=WINDOW_DAYS)
    start = AS_OF - window
    for i, c in enumerate(contacts):
        c["kind"] = "chat" if i < n_chats else "ticket"
        lo = start - window if rng.random() < previous_share else start
        c["created"] = lo + dt.timedelta(seconds=rng.randrange(1, int(window.total_seconds()) + 1))
    return start


def sha256(path):
    """The hex SHA-256 of a file (the scripts print their upstream files' digests)."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def sentences(text):
    """A text's sentences: split after ".", "?" or "!" and white space."""
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def read_corpus(folder):
    rows = []
    for split in ("train", "test"):
        with open(os.path.join(folder, f"{split}.csv"), encoding="utf-8", newline="") as f:
            for i, r in enumerate(csv.DictReader(f)):
                rows.append({"text": r["text"], "label": r["label"], "split": split, "row": i})
    return rows


def choose_intents(rng, corpus, folder, rows):
    labels = sorted({r["label"] for r in rows})
    n_uncovered, per_domain = SETS[corpus]
    if per_domain:
        with open(os.path.join(folder, "domains.json"), encoding="utf-8") as f:
            domains = json.load(f)
        chosen = []
        for d in sorted(domains):
            chosen += rng.sample(sorted(domains[d]), per_domain)
        labels = sorted(chosen)
    uncovered = sorted(rng.sample(labels, n_uncovered))
    covered = [x for x in labels if x not in uncovered]
    return labels, uncovered, covered


def norm(text):
    return " ".join(re.findall(r"\w+", text.lower()))


def check_articles(articles, decoys, texts, split, max_sentences):
    """Asserts that hand-written articles ((title, body) pairs, then the decoys') copy no
    customer text: titles are distinct, a non-decoy body has 2 to `max_sentences` sentences
    (cut by `split`), no title or sentence equals one of `texts` (normalized by `norm`), and no
    article contains one of them of four or more words."""
    titles = [t for t, _ in articles] + [t for t, _ in decoys]
    assert len(set(titles)) == len(titles), "duplicate article titles"
    long_texts = {q for q in texts if len(q.split()) >= 4}
    decoy_titles = {t for t, _ in decoys}
    problems = []
    for title, body in list(articles) + list(decoys):
        n_sent = len(split(body))
        if title not in decoy_titles and not 2 <= n_sent <= max_sentences:
            problems.append(f"{title!r}: body has {n_sent} sentences")
        for piece in [title] + split(body):
            if norm(piece) in texts:
                problems.append(f"{title!r}: {piece!r} equals a customer text")
        text = f" {norm(title + ' ' + body)} "
        for q in long_texts:
            if f" {q} " in text:
                problems.append(f"{title!r}: contains customer text {q!r}")
    assert not problems, "\n".join(problems)


def check_label_articles(labels, articles, family, decoys, texts):
    """Every used label has an article (`articles`: label -> (title, body)) and a family, and
    no article copies one of the customer `texts` (`check_articles`, bodies of 2-5 sentences)."""
    missing = [x for x in labels if x not in articles]
    extra = [x for x in articles if x not in labels]
    assert not missing and not extra, f"ARTICLES mismatch: missing {missing}, extra {extra}"
    assert set(family) == set(labels), set(family) ^ set(labels)
    texts = set(texts)
    texts.discard("")
    check_articles(list(articles.values()), decoys, texts, sentences, max_sentences=5)


def turns_ticket_text(rng, turns, subjects):
    """(subject, description) of a ticket made of a contact's messages: a single short message
    may be the subject alone; otherwise a generic subject or the first message's first words,
    and the messages as the description."""
    text = "\n\n".join(turns)
    return framed_ticket_text(rng, text, turns[0], len(turns) == 1 and len(text) <= 90,
                              subjects, subject_share=0.75, framing=0.35)


def need_turns(messages):
    """A conversation's user messages from the first that states a need (`message_kind`
    "content"; leading greetings and bare confirmations are dropped): (the chat's turns, content
    and confirmations; the ticket's, content only), or None when no message states one."""
    kinds = [(m, message_kind(m)) for m in messages]
    first = next((i for i, (_, k) in enumerate(kinds) if k == "content"), None)
    if first is None:
        return None
    return ([m for m, k in kinds[first:] if k in ("content", "confirm")],
            [m for m, k in kinds[first:] if k == "content"])


def check_dialogue_texts(dialogues, units, labels, articles, family, decoys):
    """`check_label_articles` against every user message of the dialogues read (their
    "messages") and every contact's chat and ticket text (the units' "turns" and
    "ticket_turns")."""
    texts = set()
    for d in dialogues:
        texts.update(norm(m) for m in d["messages"])
    for u in units:
        texts.add(norm(" ".join(u["turns"])))
        texts.add(norm(" ".join(u["ticket_turns"])))
    check_label_articles(labels, articles, family, decoys, texts)


def cap_per_label(rng, units, labels, most):
    """Every unit of a used label, at most `most` per label (a seeded sample of the larger
    ones), in upstream order (`order`)."""
    by_label = collections.defaultdict(list)
    for u in units:
        if u["label"] in labels:
            by_label[u["label"]].append(u)
    chosen = []
    for x in labels:
        us = by_label[x]
        chosen += us if len(us) <= most else rng.sample(us, most)
    return sorted(chosen, key=lambda u: u["order"])


def manifest(upstream, names):
    """(SHA-256 of the manifest, the manifest): one line "<sha256>  <path>" per file of
    `names` under `upstream`, in that order (as `sha256sum` prints them)."""
    lines = "".join(f"{sha256(os.path.join(upstream, p))}  {p}\n" for p in names)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest(), lines


# Chat messages that carry no need (the STAR and SGD sets): a message whose words are all in
# GREET | FILLER and that has a GREET word (or "all", as in "that is all") is a pleasantry, left
# out of the contact; a message without digits whose words are all in CONFIRM is a bare
# confirmation or rejection, kept in chats and dropped from tickets.
GREET = {"hi", "hey", "heya", "hiya", "howdy", "greetings", "yo", "morning", "afternoon",
         "evening", "thanks", "thank", "thx", "ty", "thankyou", "bye", "goodbye", "byebye",
         "cheers"}
GREET_SPELLINGS = re.compile(r"h+[aeu]+l+o+")   # hello, helo, hallo, hullo, hellooo, ...
FILLER = {"there", "good", "morning", "afternoon", "evening", "day", "night", "nice", "great",
          "you", "so", "much", "very", "a", "lot", "again", "for", "your", "the", "help",
          "helping", "ok", "okay", "oh", "no", "nope", "that", "thats", "s", "is", "it", "all",
          "i", "m", "am", "and", "have", "too", "just", "will", "be", "fine", "awesome",
          "perfect", "wonderful", "now", "then", "alright", "well", "sir", "maam", "guys",
          "everything", "appreciate", "d", "ll", "one", "today", "what", "need", "was",
          "nothing", "else", "can", "me", "please", "are", "ai", "assistant", "mate",
          "partner", "um", "whats", "up"}
CONFIRM = {"yes", "yeah", "yep", "yup", "ya", "yea", "sure", "no", "nope", "nah", "ok", "okay",
           "correct", "right", "fine", "great", "perfect", "please", "that", "s", "is", "thats",
           "sounds", "good", "works", "alright", "cool", "awesome", "it", "will", "do", "of",
           "course", "exactly", "absolutely", "excellent", "lovely", "wonderful", "k"}


def message_kind(text):
    """"pleasantry" (only a greeting, thanks or goodbye), "confirm" (only a bare yes / no /
    okay, no digits), "empty" (no letter or digit) or "content"."""
    words = re.findall(r"[a-z]+", text.lower())
    if not words:
        return "content" if re.search(r"[0-9]", text) else "empty"
    s = {"hello" if GREET_SPELLINGS.fullmatch(w) else w for w in words}
    if s <= GREET | FILLER | {"hello"} and (s & GREET or s & {"hello", "all"}):
        return "pleasantry"
    if s <= CONFIRM and not re.search(r"[0-9]", text):
        return "confirm"
    return "content"


def reserve(rng, rows, covered):
    """Three train queries per covered intent, each with a text no other query of the set has."""
    counts = {}
    for r in rows:
        counts[norm(r["text"])] = counts.get(norm(r["text"]), 0) + 1
    reserved = {}
    for intent in covered:
        pool = [r for r in rows if r["label"] == intent and r["split"] == "train"
                and counts[norm(r["text"])] == 1]
        reserved[intent] = rng.sample(pool, RESERVED_PER_INTENT)
    return reserved


def ticket_text(rng, query):
    """(subject, description) of a query in one of three shapes (`framed_ticket_text`)."""
    return framed_ticket_text(rng, query, query, True, GENERIC_SUBJECTS, subject_share=0.70,
                              framing=0.35, alone_share=0.40, first_words=0.5)


def framed_ticket_text(rng, text, first, subject_alone, subjects, subject_share, framing,
                       alone_share=0.35, first_words=0.4):
    """(subject, description) of a text: the text alone as the subject when `subject_alone` and
    the first draw is below `alone_share`; else, below `subject_share`, the first 3-6 words of
    `first` (with probability `first_words`, when it has more) or one of `subjects` as the
    subject and the text as the description, after a greeting and before a sign-off each with
    probability `framing`; else no subject."""
    u = rng.random()
    if subject_alone and u < alone_share:
        return text, ""
    if u < subject_share:
        words = first.split()
        k = rng.randint(3, 6)
        if len(words) > k and rng.random() < first_words:
            subject = " ".join(words[:k]).rstrip(",.;:")
        else:
            subject = rng.choice(subjects)
        lines = []
        if rng.random() < framing:
            lines.append(rng.choice(GREETINGS))
        lines.append(text)
        if rng.random() < framing:
            lines.append(rng.choice(SIGN_OFFS))
        return subject, "\n".join(lines)
    return "", text


def labels_with_at_least(labels, minimum):
    """(labels with at least `minimum` items, sorted; their Counter; the others, sorted) of an
    iterable of labels, one per item."""
    counts = collections.Counter(labels)
    kept = sorted(x for x in counts if counts[x] >= minimum)
    small = sorted(x for x in counts if counts[x] < minimum)
    return kept, counts, small


def draw_uncovered(rng, labels, n, family, min_families, min_with_sibling, accept=None):
    """Draws `n` of `labels` to leave without an article, again until they span at least
    `min_families` families (`family[label]`), at least `min_with_sibling` of them have a covered
    label in their family, and `accept(uncovered)` holds. Returns (uncovered, covered, draws,
    uncovered with a covered sibling)."""
    for attempt in range(1, 10001):
        uncovered = sorted(rng.sample(labels, n))
        covered = [x for x in labels if x not in uncovered]
        fams = {family[x] for x in uncovered}
        covered_fams = {family[x] for x in covered}
        with_sibling = [x for x in uncovered if family[x] in covered_fams]
        if (len(fams) >= min_families and len(with_sibling) >= min_with_sibling
                and (accept is None or accept(uncovered))):
            return uncovered, covered, attempt, with_sibling
    raise SystemExit("no draw met the family constraints")


def print_words_and_labels(contacts, labels, counts, in_window, family, uncovered, unit,
                           width, family_width):
    """Prints the words per contact (each contact's "text") and the per-label table
    (upstream count / used / in window, family, covered or not) of a single-text set."""
    words = sorted(len(c["text"].split()) for c in contacts)
    print(f"words per contact: median {words[len(words) // 2]}, mean "
          f"{sum(words) / len(words):.1f}, 10th-90th {words[len(words) // 10]}-"
          f"{words[9 * len(words) // 10]}, max {words[-1]}")
    print(f"per label ({unit} / used / in window):")
    used = collections.Counter(c["label"] for c in contacts)
    for x in labels:
        print(f"  {x:<{width}} {counts[x]:>5} {used[x]:>4} {in_window.get(x, 0):>4}  "
              f"{family[x]:<{family_width}} {'UNCOVERED' if x in uncovered else 'covered'}")


def upstream_main(build, name, upstream_help):
    """The command line of a script that builds the gap set `name` from an upstream folder:
    `script UPSTREAM [--out DIR]`, by default into TextEval/`name`; calls build(upstream, out)."""
    textevals = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "EndToEndTests",
        "TextEval")
    ap = argparse.ArgumentParser()
    ap.add_argument("upstream", help=upstream_help)
    ap.add_argument("--out", default=os.path.join(textevals, name))
    a = ap.parse_args()
    build(os.path.normpath(a.upstream), os.path.normpath(a.out))


def minutes(rng, median, sigma, low, high):
    return min(high, max(low, rng.lognormvariate(math.log(median), sigma)))


def make_ticket(rng, tid, created, subject, description, n_requesters):
    first = created + dt.timedelta(minutes=minutes(rng, 45, 1.0, 2, 600))
    solved = first + dt.timedelta(minutes=minutes(rng, 150, 0.8, 10, 1440))
    updated = solved + dt.timedelta(seconds=rng.randint(0, 300))
    requester = rng.randint(1, n_requesters)
    u = rng.random()
    satisfaction = "good" if u < 0.30 else "bad" if u < 0.36 else ""
    return {
        "id": tid, "subject": subject, "description": description, "status": "solved",
        "priority": "normal", "channel": "email" if rng.random() < 0.6 else "web",
        "requester_id": f"u{requester}", "requester_email": f"customer{requester}@example.com",
        "assignee_id": f"a{rng.randint(1, 8)}", "group_id": "support", "tags": "",
        "created_at": iso(created), "updated_at": iso(updated), "first_reply_at": iso(first),
        "solved_at": iso(solved), "reopens": "0", "replies": str(rng.randint(1, 3)),
        "satisfaction": satisfaction, "escalated_at": "",
    }


def make_chat(rng, cid, created, turns, n_visitors, mid_agent=()):
    """A chat of the visitor's `turns` (the first states the need), an agent opener after the
    first and a line from `mid_agent` after each later one, and the shared closings."""
    t = created
    messages = []

    def say(author, text, lo, hi):
        nonlocal t
        if messages:
            t = t + dt.timedelta(seconds=rng.randint(lo, hi))
        messages.append({"author": author, "at": iso(t), "text": text})

    if rng.random() < 0.30:
        say("visitor", rng.choice(CHAT_HELLOS), 0, 0)
    say("visitor", turns[0], 5, 40)   # the first message draws no delay
    say("agent", rng.choice(AGENT_OPENERS), 20, 240)
    first_agent = t
    for turn in turns[1:]:
        say("visitor", turn, 15, 180)
        say("agent", rng.choice(mid_agent), 10, 120)
    if rng.random() < 0.7:
        say("visitor", rng.choice(VISITOR_CLOSINGS), 15, 120)
    if rng.random() < 0.6:
        say("agent", rng.choice(AGENT_CLOSINGS), 10, 60)
    u = rng.random()
    return {
        "id": cid, "type": "chat", "visitor_id": f"v{rng.randint(1, n_visitors)}",
        "agent_id": f"a{rng.randint(1, 8)}", "started_at": iso(created),
        "first_agent_message_at": iso(first_agent), "ended_at": iso(t), "missed": False,
        "rating": "good" if u < 0.35 else "bad" if u < 0.43 else None, "messages": messages,
    }


def pose_contacts(rng, contacts, tie, ticket_text_of=None, turns_of=None, mid_agent=()):
    """Tickets and chats for `contacts` (each with "kind", "created", "label" and a "text" or
    what `ticket_text_of` / `turns_of` read), ids in creation order within each kind, ties broken
    by `tie(c)` (a tuple); returns (tickets, chats, truth: "source/id" -> label)."""
    ticket_text_of = ticket_text_of or (lambda rng, c: ticket_text(rng, c["text"]))
    turns_of = turns_of or (lambda c: [c["text"]])
    truth_contacts = {}
    tickets, chats = [], []
    n_people = max(1, int(len(contacts) * 0.8))
    for kind in ("ticket", "chat"):
        mine = sorted((c for c in contacts if c["kind"] == kind),
                      key=lambda c: (c["created"],) + tie(c))
        for n, c in enumerate(mine, start=1):
            if kind == "ticket":
                cid = f"t{n:05d}"
                subject, description = ticket_text_of(rng, c)
                tickets.append(make_ticket(rng, cid, c["created"], subject, description, n_people))
                truth_contacts[f"{SOURCES['tickets']}/{cid}"] = c["label"]
            else:
                cid = f"c{n:05d}"
                chats.append(make_chat(rng, cid, c["created"], turns_of(c), n_people, mid_agent))
                truth_contacts[f"{SOURCES['chats']}/{cid}"] = c["label"]
    return tickets, chats, truth_contacts


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def help_center(rng, covered, written, decoys, section_of, article_base, still=None,
                reserved=None):
    """Zendesk Help Center articles: one per `covered` intent (its `written[intent]` (title,
    text)), then the `decoys` ((title, text)); ids from `article_base`, sections from
    `section_of(intent)` ("about" for a decoy). With `reserved`, each intent's article lists its
    reserved queries under "Customers also ask:" and ends with `still` (make_articles' layout);
    without, `still` (when given) ends half of the intents' articles. Returns (articles,
    truth: "kb/id" -> intent)."""
    entries = [(i, *written[i]) for i in covered] + [(None, t, b) for t, b in decoys]
    articles, truth = [], {}
    for n, (intent, title, text) in enumerate(entries, start=1):
        aid = article_base + n
        section = "about" if intent is None else section_of(intent)
        body = f"<h2>{escape(title)}</h2><p>{escape(text)}</p>"
        if intent is not None and reserved is not None:
            asks = "".join(f"<li>{escape(r['text'])}</li>" for r in reserved[intent])
            body += f"<p>Customers also ask:</p><ul>{asks}</ul><p>{escape(still)}</p>"
        elif still is not None and intent is not None and rng.random() < 0.5:
            body += f"<p>{escape(still)}</p>"
        articles.append(article_record(rng, aid, title, body, section))
        truth[f"{SOURCES['articles']}/{aid}"] = intent
    return articles, truth


def article_record(rng, aid, title, body, section):
    """A Help Center article as Zendesk exports it, created and updated at drawn instants."""
    created = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
        minutes=rng.randint(0, 300 * 24 * 60))
    updated = created + dt.timedelta(minutes=rng.randint(0, 200 * 24 * 60))
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower()))
    return {
        "id": aid, "title": title, "body": body, "locale": "en-us", "section_id": section,
        "label_names": [section],
        "html_url": f"https://help.example.com/hc/en-us/articles/{aid}-{slug}",
        "draft": False, "created_at": iso(created), "updated_at": iso(updated),
    }


def make_articles(rng, corpus, covered, reserved, domain_of, rows):
    names = titles.BANKING77 if corpus == "banking77" else titles.CLINC150
    # Titles are written by hand and must not copy any query of the corpus.
    queries = {norm(r["text"]) for r in rows}
    copied = [t for t in names.values() if norm(t) in queries]
    assert not copied, f"titles equal to corpus queries: {copied}"
    articles, truth = [], {}
    base = 360100000000 if corpus == "banking77" else 360200000000
    entries = [(i, names[i], None) for i in covered] + [(None, t, b) for t, b in titles.DECOYS]
    for n, (intent, title, decoy_body) in enumerate(entries, start=1):
        aid = base + n
        if intent is None:
            body = f"<h2>{escape(title)}</h2><p>{escape(decoy_body)}</p>"
            section = "about"
        else:
            intro = rng.choice(INTRO_TEMPLATES).format(title=title)
            asks = "".join(f"<li>{escape(r['text'])}</li>" for r in reserved[intent])
            body = (f"<h2>{escape(title)}</h2><p>{escape(intro)}</p>"
                    f"<p>Customers also ask:</p><ul>{asks}</ul><p>{escape(OUTRO)}</p>")
            section = domain_of.get(intent, "help")
        articles.append(article_record(rng, aid, title, body, section))
        truth[f"{SOURCES['articles']}/{aid}"] = intent
    return articles, truth


def banking_section(intent):
    for key, section in (("top_up", "top-ups"), ("topping_up", "top-ups"), ("transfer", "transfers"),
                         ("exchange", "currencies"), ("currenc", "currencies"), ("cash", "cash"),
                         ("atm", "cash"), ("identity", "verification"), ("verify", "verification"),
                         ("refund", "payments"), ("payment", "payments"), ("card", "cards"),
                         ("pin", "cards")):
        if key in intent.lower():
            return section
    return "account"


def write_set(out, *, corpus, seed, uncovered, covered, article_truth, reserved, truth_contacts,
              tickets, chats, articles, contacts, start):
    """Writes a gap set's four files (also used by make_gap_set_hwu64.py); returns the contacts
    per intent inside the window."""
    fields = ["id", "subject", "description", "status", "priority", "channel", "requester_id",
              "requester_email", "assignee_id", "group_id", "tags", "created_at", "updated_at",
              "first_reply_at", "solved_at", "reopens", "replies", "satisfaction", "escalated_at"]
    with open(os.path.join(out, "tickets.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(tickets)
    with open(os.path.join(out, "chats.ndjson"), "w", encoding="utf-8") as f:
        for c in chats:
            f.write(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n")
    with open(os.path.join(out, "articles.json"), "w", encoding="utf-8") as f:
        f.write('{"articles":[\n')
        f.write(",\n".join(json.dumps(a, ensure_ascii=False, separators=(",", ":"))
                           for a in articles))
        f.write("\n]}\n")
    in_window = {}
    for c in contacts:
        if c["created"] > start:
            in_window[c["label"]] = in_window.get(c["label"], 0) + 1
    truth = {
        "corpus": corpus, "seed": seed, "as_of": iso(AS_OF), "window_days": WINDOW_DAYS,
        "sources": SOURCES,
        "uncovered": uncovered, "covered": covered,
        "in_window": dict(sorted(in_window.items())),
        "articles": article_truth,
        "reserved": reserved,
        "contacts": truth_contacts,
    }
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        # One key per line (one contact per line) keeps the file diffable and small.
        f.write("{\n")
        f.write(",\n".join(
            f"{json.dumps(k)}: " + (
                "{\n" + ",\n".join(f"{json.dumps(a)}:{json.dumps(b, ensure_ascii=False)}"
                                    for a, b in v.items()) + "\n}"
                if isinstance(v, dict) and k in ("contacts", "articles") else
                json.dumps(v, ensure_ascii=False))
            for k, v in truth.items()))
        f.write("\n}\n")
    return in_window


def write_conversation_set(script, rng, out, contacts, labels, uncovered, covered, tie,
                           ticket_text_of, turns_of):
    """The closing steps the sets made from a corpus of their own share (CFPB, DSTC11,
    MultiDoGO, STAR, SGD): `place_in_time`, `pose_contacts`, `help_center` with a prose article
    per covered label and the decoys, `write_set`, and, when the script sets `MIN_IN_WINDOW`, a
    check that every label has that many contacts in the window. `script` is the calling
    script's module: CORPUS, SEED, CHAT_SHARE, MID_AGENT, ARTICLES, DECOYS, FAMILY,
    ARTICLE_BASE and STILL are read from it, PREVIOUS_SHARE when it sets one. Returns (tickets,
    chats, articles, contacts per label in the window)."""
    start = place_in_time(rng, contacts, script.CHAT_SHARE,
                          getattr(script, "PREVIOUS_SHARE", PREVIOUS_SHARE))
    tickets, chats, truth_contacts = pose_contacts(
        rng, contacts, tie, ticket_text_of=ticket_text_of, turns_of=turns_of,
        mid_agent=script.MID_AGENT)
    articles, article_truth = help_center(
        rng, covered, script.ARTICLES, script.DECOYS, script.FAMILY.__getitem__,
        script.ARTICLE_BASE, still=script.STILL)
    in_window = write_set(
        out, corpus=script.CORPUS, seed=script.SEED, uncovered=uncovered, covered=covered,
        article_truth=article_truth, reserved={}, truth_contacts=truth_contacts,
        tickets=tickets, chats=chats, articles=articles, contacts=contacts, start=start)
    minimum = getattr(script, "MIN_IN_WINDOW", None)
    if minimum is not None:
        low = {x: in_window.get(x, 0) for x in labels if in_window.get(x, 0) < minimum}
        assert not low, f"labels below {minimum} contacts in the window: {low}"
    return tickets, chats, articles, in_window


def write_single_message_set(script, rng, out, examples, units, accept=None):
    """The steps after reading that the sets of one message a contact share (NLU++, Bitext):
    the labels with at least `script.MIN_QUERIES` units, the articles checked against every
    example's "text", the uncovered labels drawn (`accept` as in `draw_uncovered`), at most
    `script.MAX_PER_LABEL` contacts a label in a seeded order, and `write_conversation_set` (a
    ticket is the text under a subject, a chat its one message). `script` is the calling
    script's module (also read: ARTICLES, FAMILY, DECOYS, N_UNCOVERED, MIN_UNCOVERED_FAMILIES,
    MIN_WITH_COVERED_SIBLING). Returns a namespace of labels, counts, small, uncovered,
    attempts, with_sibling, contacts, tickets, chats, articles and in_window."""
    labels, counts, small = labels_with_at_least((u["label"] for u in units), script.MIN_QUERIES)
    check_dialogue_texts([{"messages": [e["text"]]} for e in examples], units, labels,
                         script.ARTICLES, script.FAMILY, script.DECOYS)
    uncovered, covered, attempts, with_sibling = draw_uncovered(
        rng, labels, script.N_UNCOVERED, script.FAMILY, script.MIN_UNCOVERED_FAMILIES,
        script.MIN_WITH_COVERED_SIBLING, accept=accept)
    contacts = [dict(u) for u in cap_per_label(rng, units, labels, script.MAX_PER_LABEL)]
    rng.shuffle(contacts)
    tickets, chats, articles, in_window = write_conversation_set(
        script, rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["order"],),
        lambda rng, c: ticket_text(rng, c["text"]),
        lambda c: c["turns"])
    return types.SimpleNamespace(
        labels=labels, counts=counts, small=small, uncovered=uncovered, attempts=attempts,
        with_sibling=with_sibling, contacts=contacts, tickets=tickets, chats=chats,
        articles=articles, in_window=in_window)


def build(corpus, textevals):
    folder = os.path.join(textevals, corpus)
    out = os.path.join(textevals, f"gaps-{corpus}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{corpus}")
    rows = read_corpus(folder)
    labels, uncovered, covered = choose_intents(rng, corpus, folder, rows)
    rows = [r for r in rows if r["label"] in labels]
    reserved = reserve(rng, rows, covered)
    held = {(r["split"], r["row"]) for rs in reserved.values() for r in rs}
    contacts = [r for r in rows if (r["split"], r["row"]) not in held]
    rng.shuffle(contacts)

    # Kind and creation instant per contact; ids follow creation order within each kind.
    start = place_in_time(rng, contacts, CHAT_SHARE)
    tickets, chats, truth_contacts = pose_contacts(rng, contacts, lambda c: (c["split"], c["row"]))

    if corpus == "clinc150":
        with open(os.path.join(folder, "domains.json"), encoding="utf-8") as f:
            domain_of = {i: d for d, xs in json.load(f).items() for i in xs}
    else:
        domain_of = {i: banking_section(i) for i in labels}
    articles, article_truth = make_articles(rng, corpus, covered, reserved, domain_of,
                                            read_corpus(folder))

    in_window = write_set(
        out, corpus=corpus, seed=SEED, uncovered=uncovered, covered=covered,
        article_truth=article_truth,
        reserved={i: [f"{r['split']}:{r['row']}" for r in rs] for i, rs in reserved.items()},
        truth_contacts=truth_contacts, tickets=tickets, chats=chats, articles=articles,
        contacts=contacts, start=start)
    print(f"{out}: intents={len(labels)} uncovered={len(uncovered)} contacts={len(contacts)} "
          f"tickets={len(tickets)} chats={len(chats)} articles={len(articles)} "
          f"in_window={sum(in_window.values())}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--textevals", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "EndToEndTests",
        "TextEval"))
    ap.add_argument("corpora", nargs="*", default=list(SETS))
    a = ap.parse_args()
    for corpus in a.corpora:
        build(corpus, os.path.normpath(a.textevals))


if __name__ == "__main__":
    main()
