"""Knowledge-gap evaluation set built from CFPB consumer complaint narratives (consumer loans).

  python make_gap_set_cfpb.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream file in its carrier repository's layout (see
gaps-cfpb/SOURCE.md):

  UPSTREAM/data/processed/complaints(small sample)-2025-04-25_15_02.csv

an export of the CFPB Consumer Complaint Database (product "Payday loan, title loan, or personal
loan", complaints received in 2023, every row with a consumer narrative), committed to GitHub
SeunnnA/Predatory_Lending. The database is published by the U.S. Consumer Financial Protection
Bureau as a U.S. Government work (public domain); the narratives are written by the consumers
themselves and published with their consent, after the CFPB removed personal information
(the "XXXX" and "{$...}" masks are the CFPB's).

Writes, deterministically (seed 20261210), a folder gaps-cfpb/ with the four files and formats
of make_gap_sets.py / make_gap_set_dstc11.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3606..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

The need of a complaint is its Issue, as the consumer chose it on the CFPB form (labels are
upstream's Issue strings; the product is the same for every row). Every Issue with at least
MIN_QUERIES narratives is used, each narrative one contact; the smaller ones are dropped whole.
The complaints are posed as the support desk of one consumer lender that offers installment
loans, payday loans, title loans and personal lines of credit. 8 of the 18 Issues are uncovered
(seeded), redrawn until they span at least 4 of the 5 families (FAMILY) and every one has a
covered sibling in its family.

Contacts are long, multi-paragraph written complaints (median 144 words). Tickets: the
narrative is the description, under a generic subject or its first words (a narrative of at most
90 characters may be the subject alone). Chats: the narrative's paragraphs (blank-line separated
upstream, at most MAX_CHAT_TURNS, the rest joined into the last) are the visitor's messages,
with generic agent lines between them. Articles: a hand-written title and 2-5 sentence body per
covered Issue, quoting no narrative (check_texts), plus 5 decoys. Time as make_gap_set_hint3.py:
85 % of contacts in the 28 days ending 2026-03-31T23:59:59Z, 15 % in the 28 days before.
"""
import csv
import os
import random
import re
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (ticket/chat metadata, help center, file writer)

CORPUS = "cfpb"
SEED = 20261210
INPUT = "data/processed/complaints(small sample)-2025-04-25_15_02.csv"
PRODUCT = "Payday loan, title loan, or personal loan"
MIN_QUERIES = 20                      # narratives an Issue needs to be used
MIN_IN_WINDOW = 11                    # contacts each used Issue must keep in the window
N_UNCOVERED = 8
MIN_UNCOVERED_FAMILIES = 4
MIN_WITH_COVERED_SIBLING = 8
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_hint3.py
MAX_CHAT_TURNS = 4
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360600000000           # banking77 3601 ... hint3 3605

# Sibling families (related flows of a consumer lender's desk); also the article section.
FAMILY = {
    "Charged fees or interest you didn't expect": "costs",
    "Problem with additional add-on products or services": "costs",
    "Problem with cash advance": "costs",
    "Getting the loan": "applying",
    "Getting a line of credit": "applying",
    "Received a loan you didn't apply for": "applying",
    "Was approved for a loan, but didn't receive the money": "applying",
    "Problem when making payments": "payments",
    "Loan payment wasn't credited to your account": "payments",
    "Money was taken from your bank account on the wrong day or for the wrong amount":
        "payments",
    "Can't stop withdrawals from your bank account": "payments",
    "Can't contact lender or servicer": "payments",
    "Struggling to pay your loan": "hardship-payoff",
    "Problem with the payoff process at the end of the loan": "hardship-payoff",
    "Vehicle was repossessed or sold the vehicle": "hardship-payoff",
    "Incorrect information on your report": "credit-reports",
    "Improper use of your report": "credit-reports",
    "Problem with a credit reporting company's investigation into an existing problem":
        "credit-reports",
}

STILL = "Still need help? Send us a message from your account or call our customer care team."

# One article per used Issue (title, body), written by hand for an invented consumer lender,
# "Example Lending". Invented policies, not those of any company named in the complaints. Not
# copied from the corpus (check_texts). Each body answers its own title only, so that a covered
# sibling does not answer an uncovered Issue. Only covered Issues' articles are published.
ARTICLES = {
    "Charged fees or interest you didn't expect": (
        "Understanding the interest and fees on your loan",
        "Your loan agreement lists the annual percentage rate, the finance charge and every fee "
        "before you sign. Interest builds up daily on the balance you still owe, so paying "
        "early lowers the total cost. A late fee is charged only when a payment is more than 10 "
        "days overdue. If a charge on your statement does not match your agreement, send us the "
        "statement date and we will review it."),
    "Problem with additional add-on products or services": (
        "Optional protection plans and add-on products",
        "Credit insurance, debt protection and credit-builder savings plans are optional and "
        "are never required to get a loan. If you bought one, its monthly cost is shown as a "
        "separate line on your statement. You can cancel an add-on at any time from Account "
        "settings, and within the first 30 days you get back everything you paid for it."),
    "Problem with cash advance": (
        "How cash advances on your line of credit work",
        "You can draw a cash advance from your line of credit at any time, up to your available "
        "credit. The money usually reaches your bank account the next business day. Each "
        "advance carries the fee and rate shown in your credit agreement, and interest starts "
        "on the day the money is sent."),
    "Getting the loan": (
        "Applying for an installment loan",
        "Apply online in about ten minutes with a photo ID, proof of income and your bank "
        "account details. We check your credit and tell you the amount, rate and payment "
        "schedule we can offer before you accept anything. If we cannot approve you, we send a "
        "letter within 30 days that explains the main reasons."),
    "Getting a line of credit": (
        "Opening a personal line of credit",
        "A line of credit lets you borrow, repay and borrow again up to a credit limit. When "
        "you apply we review your income and credit history to set the limit and the rate. "
        "Your credit agreement explains the minimum payment, the fees and how the limit can "
        "change over time."),
    "Received a loan you didn't apply for": (
        "What to do about a loan opened in your name without your consent",
        "If you did not apply for a loan that appears on your credit report or in your mail, "
        "tell us straight away by phone or through the identity theft form on our website. We "
        "freeze the account, stop collection and open a fraud investigation. Once we confirm "
        "the fraud, we close the account and ask the credit bureaus to remove it from your "
        "report."),
    "Was approved for a loan, but didn't receive the money": (
        "When will my loan money arrive?",
        "After you sign your loan agreement, we send the money to the bank account you gave us. "
        "Transfers sent before 5 p.m. on a business day usually arrive the next business day. "
        "If the money has not arrived after three business days, check the account number in "
        "your profile and contact us with your loan number."),
    "Problem when making payments": (
        "Ways to make a loan payment",
        "You can pay online, in the app, by phone, by mail or with automatic payments from your "
        "bank account. Payments made before 8 p.m. Eastern time are applied the same day. If a "
        "payment will not go through, check that your card or bank details are current, or call "
        "us and we can take the payment for you."),
    "Loan payment wasn't credited to your account": (
        "A payment I made is not showing on my loan",
        "Most payments show on your account within one business day, and mailed checks can take "
        "up to five. If a payment is missing after that, send us proof of the payment, such as "
        "a bank statement or a confirmation number. We trace it and apply it with its original "
        "date, and we remove any late fee it caused."),
    "Money was taken from your bank account on the wrong day or for the wrong amount": (
        "An automatic payment was taken on the wrong date or for the wrong amount",
        "Automatic payments should match the date and amount in your payment schedule. If we "
        "took a payment early, twice or for too much, tell us within 60 days of the withdrawal. "
        "We refund the difference to your bank account within five business days and cover any "
        "overdraft fee your bank charged because of our mistake."),
    "Can't stop withdrawals from your bank account": (
        "How to turn off automatic payments",
        "You can stop automatic payments at any time in Account settings, by phone or in "
        "writing, as long as you tell us at least three business days before the next one. You "
        "can also ask your bank to stop them. Your loan is still due, so choose another way to "
        "pay before the next due date."),
    "Can't contact lender or servicer": (
        "How to reach our customer care team",
        "Our customer care team answers calls Monday to Saturday from 8 a.m. to 8 p.m. Eastern "
        "time. You can also send a secure message from your online account at any time, and we "
        "reply within one business day. Written requests and disputes can be sent to the "
        "mailing address on your statement."),
    "Struggling to pay your loan": (
        "Help if you cannot make your payments",
        "If you are falling behind, contact us before your next payment is due. Depending on "
        "your situation we can move a due date, set up a lower payment plan for a few months or "
        "pause payments after a job loss or illness. Talking to us early can keep late fees and "
        "collection calls from adding up."),
    "Problem with the payoff process at the end of the loan": (
        "Paying off your loan and getting your payoff amount",
        "Ask for a payoff quote in your account or by phone: it shows the exact amount needed to "
        "close the loan on a given date, interest included. There is no fee for paying off "
        "early. Once the final payment clears, we send a paid-in-full letter, report the "
        "account as paid to the credit bureaus and release any title or lien within ten "
        "business days."),
    "Vehicle was repossessed or sold the vehicle": (
        "What happens if your vehicle is repossessed",
        "A title loan is secured by your vehicle, so it can be repossessed after missed "
        "payments. We send you a notice that says where the vehicle is kept, how to get your "
        "personal belongings back and how much you must pay to redeem it before it is sold. "
        "After a sale, we tell you in writing how the money was applied to your loan."),
    "Incorrect information on your report": (
        "How to dispute information we reported to the credit bureaus",
        "We report your loan balance and payment history to the credit bureaus every month. If "
        "you think something we reported is wrong, send us a dispute with your loan number and "
        "what should be corrected, along with any proof you have. We investigate within 30 days "
        "and tell the bureaus to update your report if we find an error."),
    "Improper use of your report": (
        "Why we check your credit, and credit inquiries you don't recognize",
        "We only check your credit when you apply with us, when you accept a prequalified offer "
        "or to review an account you already hold. An application creates a hard inquiry that "
        "other lenders can see, while offers and reviews do not affect your score. If you see an "
        "inquiry from us that you did not authorize, contact us and we will look into it."),
    "Problem with a credit reporting company's investigation into an existing problem": (
        "What to do if a credit report dispute was not resolved",
        "When a credit bureau sends us your dispute, we review our records and answer within "
        "30 days. If you disagree with the result, you can dispute again with new documents or "
        "write to us directly. You can also ask the credit bureau to add a short statement to "
        "your report that explains your side."),
}

# Unrelated topics (truth: null). They share a word or two with the complaints (loan, account,
# credit, payment) but answer no Issue.
DECOYS = [
    ("Careers at Example Lending",
     "We hire loan officers, customer care agents and engineers at our branches and remotely. "
     "Apply online and we reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information we collect when you apply for a loan or "
     "use our app, why we keep it and who we share it with. We never sell your information."),
    ("Cookie policy",
     "Our website uses cookies to remember your language and to keep you signed in. You can "
     "turn off optional cookies at any time from the banner at the bottom of the page."),
    ("Accessibility statement",
     "We want everyone to be able to manage their account with us. Our website and app work "
     "with screen readers, and we can send letters and statements in large print."),
    ("Financial education workshops",
     "Each month we host free online workshops on budgeting, saving and building credit. "
     "Anyone can join; you do not need an account with us."),
]

SUBJECTS = mgs.GENERIC_SUBJECTS + ["Complaint", "Formal complaint", "Question about my loan",
                                   "Loan account issue", "Problem with my loan", "Dispute",
                                   "Please help"]
MID_AGENT = ["I see, thank you for explaining.", "Okay, please go on.",
             "Thanks. Let me note that down.", "Understood. Anything else I should know?",
             "I'm sorry to hear that. Please continue."]


def read_rows(upstream):
    """Every upstream row: {"row" (0-based data row), "id" (Complaint ID), "label" (Issue),
    "text" (the narrative, unchanged)}."""
    rows = []
    with open(os.path.join(upstream, INPUT), encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            assert r["Product"] == PRODUCT, r["Product"]
            assert r["Consumer complaint narrative"].strip(), i
            rows.append({"row": i, "id": r["Complaint ID"], "label": r["Issue"],
                         "text": r["Consumer complaint narrative"]})
    return rows


def paragraphs(text):
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def check_texts(rows, labels):
    """Every used Issue has an article and a family; no title or body sentence equals a
    narrative or one of its paragraphs or sentences, and no article contains one of them of four
    or more words."""
    missing = [x for x in labels if x not in ARTICLES]
    extra = [x for x in ARTICLES if x not in labels]
    assert not missing and not extra, f"ARTICLES mismatch: missing {missing}, extra {extra}"
    assert set(FAMILY) == set(labels), set(FAMILY) ^ set(labels)
    texts = set()
    for r in rows:
        texts.add(mgs.norm(r["text"]))
        for p in paragraphs(r["text"]):
            texts.add(mgs.norm(p))
            texts.update(mgs.norm(s) for s in mgs.sentences(p))
    texts.discard("")
    mgs.check_articles(list(ARTICLES.values()), DECOYS, texts, mgs.sentences, max_sentences=5)


def chat_turns(text):
    """The narrative's paragraphs as visitor messages, at most MAX_CHAT_TURNS (the rest joined
    into the last one)."""
    ps = paragraphs(text) or [text.strip()]
    if len(ps) > MAX_CHAT_TURNS:
        ps = ps[:MAX_CHAT_TURNS - 1] + ["\n\n".join(ps[MAX_CHAT_TURNS - 1:])]
    return ps


def ticket_text(rng, text):
    """(subject, description): a narrative of at most 90 characters on one line may be the
    subject alone; otherwise a generic subject or the narrative's first words, and the narrative
    as the description (sometimes after a greeting and before a sign-off)."""
    return mgs.framed_ticket_text(rng, text, text, len(text) <= 90 and "\n" not in text,
                                  SUBJECTS, subject_share=0.80, framing=0.25)


def build(upstream, out):
    print(f"sha256 {mgs.sha256(os.path.join(upstream, INPUT))}  {INPUT}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    all_rows = read_rows(upstream)
    labels, counts, small = mgs.labels_with_at_least(
        (r["label"] for r in all_rows), MIN_QUERIES)
    check_texts(all_rows, labels)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING)
    contacts = [dict(r) for r in all_rows if r["label"] in labels]
    rng.shuffle(contacts)

    tickets, chats, articles, in_window = mgs.write_conversation_set(
        sys.modules[__name__], rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["row"],), lambda rng, c: ticket_text(rng, c["text"]),
        lambda c: chat_turns(c["text"]))

    n_decoys = len(DECOYS)
    print(f"{out}: issues={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"tickets={len(tickets)} chats={len(chats)} articles={len(articles)} "
          f"(decoys={n_decoys}) in_window={sum(in_window.values())} (rows read={len(all_rows)})")
    print(f"dropped below {MIN_QUERIES} narratives:",
          ", ".join(f"{x}={counts[x]}" for x in small))
    print("per issue (narratives / in window):")
    for x in labels:
        print(f"  {x[:60]:<60} {counts[x]:>4} {in_window.get(x, 0):>4}  {FAMILY[x]:<15} "
              f"{'UNCOVERED' if x in uncovered else 'covered'}")


def main():
    mgs.upstream_main(
        build, "gaps-cfpb", "folder with data/processed/complaints(...).csv (docstring)")


if __name__ == "__main__":
    main()
