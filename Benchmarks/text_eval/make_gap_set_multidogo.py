"""Knowledge-gap evaluation set built from MultiDoGO (crowd-sourced customer-agent dialogues).

  python make_gap_set_multidogo.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub
awslabs/multi-domain-goal-oriented-dialogues-dataset in their own layout (see
gaps-multidogo/SOURCE.md):

  UPSTREAM/data/paper_splits/splits_annotated_at_turn_level/<domain>/{train,dev,test}.tsv
      for <domain> in airline, finance, insurance, media, software; tab-separated columns
      conversationId, turnNumber, utteranceId, utterance, slot-labels, intent

MultiDoGO (Peskov et al., EMNLP 2019) is a set of English customer-agent conversations that
crowd workers held in a customer-service chat, one domain per conversation; the turn-level
files hold the customer turns of the annotated conversations, each with its intent (several
joined by "<div>"). The data are under the Community Data License Agreement - Permissive 1.0.

Writes, deterministically (seed 20261211), a folder gaps-multidogo/ with the four files and
formats of make_gap_sets.py / make_gap_set_dstc11.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3607..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

One conversation is one contact. Its need is the intent of its first request turn: the first
customer turn whose label is not one of the dialogue-act labels (GENERIC: greetings,
confirmations, rejections, thanks, "contentonly" details, "outofdomain"). Conversations without
a request turn, or whose first request turn has two or more intents, are left out. The contact
holds the customer turns from that request turn up to (not including) the first turn that asks
for another intent, without greeting, thanks and goodbye turns; its label is
"<domain>.<intent>". Every label with at least MIN_DIALOGUES conversations is used (25 of them);
the fast-food domain is left out whole: its "intents" are menu categories of one food order
(pizza, drink, salad, ...) that customers mix in one request, not support needs. Labels with
more than MAX_PER_INTENT conversations are cut to a seeded sample of that many, so that the
window holds about 3,500 contacts and the largest need (signing up for internet or cable, 2,105
conversations) does not swamp the rest. The five domains are posed as one support desk of a
group with five brands (an airline, a bank, an insurer, a cable and internet provider and a
business-services firm). 10 of the 25 labels are uncovered (seeded), redrawn until every domain
has at least one covered and one uncovered label, so every uncovered label has a covered
sibling.

Tickets: the request and detail turns (bare confirmations and rejections dropped) joined by
blank lines, under a generic subject or the request's first words (a single short turn may be
the subject alone). Chats: all the contact's turns as visitor messages with generic agent lines
between them (the conversations' agent turns are not in the files). Articles: a hand-written
question title and 2-5 sentence body per covered label, quoting no customer text (check_texts),
plus 6 decoys. Time as make_gap_set_cfpb.py: 85 % of contacts in the 28 days ending
2026-03-31T23:59:59Z, 15 % in the 28 days before.
"""
import collections
import csv
import os
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (ticket/chat metadata, help center, file writer)

CORPUS = "multidogo"
SEED = 20261211
SPLITS_DIR = "data/paper_splits/splits_annotated_at_turn_level"
DOMAINS = ["airline", "finance", "insurance", "media", "software"]   # not fastfood
SPLITS = ["train", "dev", "test"]
MIN_DIALOGUES = 20                    # conversations a label needs to be used
MAX_PER_INTENT = 200                  # larger labels are cut to a seeded sample of this size
MIN_IN_WINDOW = 15                    # contacts each used label must keep in the window
N_UNCOVERED = 10
MIN_UNCOVERED_FAMILIES = 5
MIN_WITH_COVERED_SIBLING = 10
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_hint3.py and make_gap_set_cfpb.py
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360700000000           # banking77 3601 ... cfpb 3606

# Dialogue-act labels: not a need. Turns with these labels (or an empty or malformed label,
# e.g. slot tags shifted into the intent column) are never a request turn.
GENERIC = {"openinggreeting", "closinggreeting", "thankyou", "confirmation", "rejection",
           "contentonly", "outofdomain"}
LEFT_OUT = {"openinggreeting", "closinggreeting", "thankyou"}    # not part of a contact
NOT_IN_TICKETS = {"confirmation", "rejection"}                   # chat-only turns

# Sibling family of each used label: its domain, one brand of the desk; also the article section.
SECTION = {"airline": "flights", "finance": "banking", "insurance": "insurance",
           "media": "home-services", "software": "business-services"}
FAMILY = {x: SECTION[x.split(".")[0]] for x in [
    "airline.bookflight", "airline.changeseatassignment", "airline.getboardingpass",
    "airline.getseatinfo",
    "finance.checkbalance", "finance.checkoffereligibility", "finance.closeaccount",
    "finance.disputecharge", "finance.getroutingnumber", "finance.replacecard",
    "finance.reportlostcard", "finance.transfermoney", "finance.updateaddress",
    "insurance.checkclaimstatus", "insurance.getproofofinsurance", "insurance.reportbrokenphone",
    "media.getinformationintent", "media.startserviceintent", "media.viewbillsintent",
    "software.changeorder", "software.checkserverstatus", "software.expensereport",
    "software.reportbrokensoftware", "software.softwareupdate", "software.startorder",
]}

STILL = "Still need help? Send us a message from your account or start a chat with us."

# One article per used label (title, body), written by hand for an invented group, "Example
# Group", whose brands are an airline, a bank, an insurer (car insurance and phone protection),
# a cable and internet provider and a business-services firm (IT support, travel expenses and
# wholesale orders of musical instruments for its client companies). Invented policies. Not
# copied from the corpus (check_texts). Each body answers its own title only, so that a covered
# sibling does not answer an uncovered label. Only covered labels' articles are published.
ARTICLES = {
    "airline.bookflight": (
        "Booking a flight with Example Air",
        "Search for your route and dates on our website or in the app, pick a fare and enter the "
        "name of each traveller exactly as it appears on their passport or ID. Pay by card and "
        "you receive an email with your six-character booking reference within a few minutes. "
        "Our agents can also make a booking for you in chat, for the same fare."),
    "airline.changeseatassignment": (
        "Can I move to a different seat after booking my flight?",
        "Open Manage booking with your booking reference and last name, choose Seats and "
        "pick any seat shown as free on the seat map. Moving within the same cabin is free up to "
        "24 hours before departure; seats with extra legroom carry a small charge. The new seat "
        "replaces the old one on your boarding pass."),
    "airline.getboardingpass": (
        "Where do I get my boarding pass?",
        "Online check-in opens 24 hours before departure. Check in on our website or in the app "
        "and we send your boarding pass by email and text, or you can add it to your phone's "
        "wallet. You can also print it at a kiosk at the airport."),
    "airline.getseatinfo": (
        "How can I see which seat I have been given?",
        "Your seat number is shown in Manage booking and in the app under your trip, once you "
        "enter your booking reference and last name. If no seat is shown yet, one is given to "
        "you free of charge at check-in. The seat is also printed on your boarding pass."),
    "finance.checkbalance": (
        "Checking what is in your Example Bank account",
        "Sign in to online banking or the app and your accounts are listed with their current "
        "and available balances. The available balance already counts pending card payments. "
        "You can also get text alerts with your balance each morning, or ask an agent in chat "
        "after we verify your identity."),
    "finance.checkoffereligibility": (
        "Am I eligible for the lower rates in your advertisements?",
        "The rates in our advertisements are for new loans and cards opened while the offer "
        "runs, and existing customers can apply for them too. Eligibility depends on your credit "
        "history and income, so we check them when you apply. Open Offers in online banking to "
        "see which offers you are pre-qualified for; checking does not affect your credit "
        "score."),
    "finance.closeaccount": (
        "How do I close a bank account?",
        "Move any money you want to keep and stop the payments that still draw on the account "
        "first. Then ask us in chat or at a branch, and we close the account and send the rest "
        "of the balance by check or transfer. Closing an account is free."),
    "finance.disputecharge": (
        "Disputing a charge on your credit card statement",
        "Check first whether the charge comes from a merchant you know under another name. If it "
        "is still wrong, tap the transaction in the app and choose Dispute, or tell an agent the "
        "date and amount. We credit the amount while we investigate, which takes up to ten "
        "business days, and remove any fee that was charged in error."),
    "finance.getroutingnumber": (
        "Where do I find the bank's routing number?",
        "Our routing number is printed at the bottom left of your checks and shown in online "
        "banking under Account details, next to your full account number. Use it to set up "
        "direct deposit or payments from another bank. International transfers to us use our "
        "SWIFT code instead."),
    "finance.replacecard": (
        "Getting a new card when yours expires or is damaged",
        "We mail a new card automatically a few weeks before your card expires. If your card is "
        "damaged or has expired without a new one arriving, order a replacement in the app "
        "under Card settings. It arrives within seven business days with the same number and "
        "PIN."),
    "finance.reportlostcard": (
        "What to do when your card is lost or stolen",
        "Lock the card straight away in the app, then call us or start a chat, day or night. We "
        "cancel the card, send a new one with a new number and check your recent transactions "
        "with you. You are not responsible for purchases you did not make after you report the "
        "card."),
    "finance.transfermoney": (
        "Sending money from your account to another account",
        "In online banking or the app, choose Transfer, pick the account to pay from and enter "
        "the recipient's account and routing numbers and the amount. Transfers between Example "
        "Bank accounts arrive at once; transfers to other banks take one to two business days. "
        "You can also schedule a transfer for a later date or repeat it every month."),
    "finance.updateaddress": (
        "Updating the address on your bank account and cards",
        "Sign in, open Profile and choose Edit next to your address, or ask an agent after we "
        "verify your identity. The new address is used for your statements and for any card "
        "we mail you. We send a confirmation letter to both the old and the new address."),
    "insurance.checkclaimstatus": (
        "How do I follow the progress of a claim?",
        "Sign in to your Example Insurance account and open Claims: each claim shows its "
        "current stage, the adjuster handling it and the documents we still need from you. We "
        "also email you when the stage changes. Most claims are settled within 30 days of the "
        "last document arriving."),
    "insurance.getproofofinsurance": (
        "Getting an insurance ID card or certificate for your car",
        "Sign in and open Documents to download or print your insurance ID card, or add it to "
        "your phone's wallet. If a dealer, landlord or lender needs a certificate of insurance, "
        "we can email it to them directly. Keep a copy in your vehicle at all times."),
    "insurance.reportbrokenphone": (
        "Making a claim for a damaged phone under Phone Protection",
        "If your phone's screen is cracked or it stops working after a drop or water damage, "
        "start a claim in the app or in chat. Tell us what happened and when, and we send you a "
        "prepaid box or book a repair at a store near you. A screen repair carries a small "
        "deductible and is usually done within two days."),
    "media.getinformationintent": (
        "Which internet and TV plans are available where I live?",
        "Enter your ZIP code on our Plans page to see the internet speeds, data allowances and "
        "TV packages offered at your address, with their monthly prices. Prices include any "
        "current discount for new customers. Our agents can compare plans with you in chat."),
    "media.startserviceintent": (
        "Signing up for Example Cable internet, TV or home phone",
        "Check which services reach your address, choose a plan and pick a date for "
        "installation. A technician sets up the equipment and tests the connection, usually "
        "within a week of ordering. Your first bill covers the days from installation to the "
        "end of your billing month."),
    "media.viewbillsintent": (
        "How do I see my Example Cable bill?",
        "Sign in to your account and open Billing to see your latest bill and the bills of the "
        "last 24 months as PDF files. Each bill lists your plan, equipment rental, one-time "
        "charges and taxes. You can also have the bill emailed to you each month."),
    "software.changeorder": (
        "Changing an order that has already been placed",
        "You can add items, change quantities or remove products from an order until it "
        "ships, in the ordering portal under Open orders or by asking your account manager. "
        "Recurring orders can be changed at any time and the change applies from the next "
        "delivery. We email an updated order confirmation after every change."),
    "software.checkserverstatus": (
        "Is a service down? Checking the status of our servers",
        "The Status page shows the health of every hosted application and server region, "
        "updated every five minutes, with any incident and its expected fix time. Subscribe to "
        "the page to get an email when an incident starts and ends. If the page shows no "
        "problem, the issue may be on your own network."),
    "software.expensereport": (
        "How to claim back travel expenses",
        "Submit an expense report in the expenses portal within 60 days of your trip, with one "
        "line for each flight, hotel night, meal or taxi and a photo of each receipt. Your "
        "manager approves the report, and the money is paid into your bank account with the "
        "next payroll run."),
    "software.reportbrokensoftware": (
        "When a business application stops working",
        "First close the application and restart your computer, then check the Status page for "
        "a known outage. If it still fails, open an IT ticket with the application's name, what "
        "you were doing and any error message or screenshot. A technician contacts you within "
        "four business hours and can connect to your computer remotely."),
    "software.softwareupdate": (
        "Keeping your business applications up to date",
        "Updates for the applications we manage are installed automatically overnight. To "
        "update straight away, open the Software Center on your computer, select the "
        "application and choose Update. Restart the application afterwards so that the new "
        "version takes effect."),
    "software.startorder": (
        "Placing a wholesale order for instruments",
        "Business customers order in the ordering portal: sign in with your company account, "
        "search by model number and enter the quantity you need. Orders placed before 2 p.m. "
        "ship the same day, and larger orders qualify for volume pricing. You can also set up a "
        "recurring order that ships every month."),
}

# Needs absent from the data (truth: null): they share words with customer requests (flight,
# seat, internet, TV, insurance, account) but answer no label; plus corporate pages.
DECOYS = [
    ("How much baggage can I bring on my flight?",
     "Every fare includes one small personal item. Checked bags depend on your fare: see the "
     "baggage table on our website for weights, sizes and prices for extra bags."),
    ("Setting up parental controls on your TV box",
     "Open Settings on your TV box, choose Parental controls and set a four-digit code. You can "
     "then block channels, ratings or purchases until the code is entered."),
    ("Travel insurance for trips abroad",
     "Our travel cover pays for medical care, cancelled trips and lost luggage when you travel "
     "outside your home country. Buy it before you leave for a single trip or for a year."),
    ("Careers at Example Group",
     "We hire pilots, bankers, claims adjusters, technicians and engineers across our five "
     "brands. Apply online and we reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information our brands collect, why we keep it and "
     "who we share it with. We never sell your information."),
    ("Accessibility statement",
     "Our websites and apps work with screen readers, and we can send letters and bills in "
     "large print or braille on request."),
]

SUBJECTS = mgs.CONVERSATION_SUBJECTS
MID_AGENT = mgs.CONVERSATION_MID_AGENT


def read_units(upstream):
    """Every usable conversation as {"label", "turns", "ticket_turns", "ref", "order"} in a fixed
    order (domain, split, first appearance), and counts of the conversations left out."""
    units, skipped = [], collections.Counter()
    for domain in DOMAINS:
        for split in SPLITS:
            convs = collections.OrderedDict()
            path = os.path.join(upstream, SPLITS_DIR, domain, f"{split}.tsv")
            with open(path, encoding="utf-8", newline="") as f:
                rows = csv.reader(f, delimiter="\t")
                assert next(rows)[:6] == ["conversationId", "turnNumber", "utteranceId",
                                          "utterance", "slot-labels", "intent"], path
                for r in rows:
                    assert len(r) == 6, (path, r)
                    # Upstream utterances hold stray tabs and line breaks: collapse white space.
                    convs.setdefault(r[0], []).append((float(r[1]), " ".join(r[3].split()),
                                                       r[5].strip()))
            for conv, turns in convs.items():
                turns.sort(key=lambda t: t[0])
                unit = conversation_unit(domain, turns)
                if isinstance(unit, str):
                    skipped[unit] += 1
                    continue
                unit.update(ref=f"{domain}/{split}/{conv}", order=len(units))
                units.append(unit)
    return units, skipped


def is_request(label):
    return bool(label) and label not in GENERIC and " " not in label


def conversation_unit(domain, turns):
    """The contact of one conversation's (turn number, text, label) turns, or why it has none.
    Turns with an empty text (63 in the five domains' files) are ignored."""
    turns = [t for t in turns if t[1]]
    first = next((i for i, t in enumerate(turns) if is_request(t[2])), None)
    if first is None:
        return "no request turn"
    intent = turns[first][2]
    if "<div>" in intent:
        return "multi-intent request"
    kept = []
    for _, text, label in turns[first:]:
        if is_request(label) and label != intent:
            break
        if label not in LEFT_OUT:
            kept.append((text, label))
    return {"label": f"{domain}.{intent}", "turns": [t for t, _ in kept],
            "ticket_turns": [t for t, lab in kept if lab not in NOT_IN_TICKETS]}


def check_texts(units, labels, upstream):
    """Every used label has an article and a family; no title or body sentence equals a
    customer turn (of the five domains) or contact text, and no article contains one
    of them of four or more words."""
    texts = set()
    for u in units:
        texts.add(mgs.norm(" ".join(u["turns"])))
    for domain in DOMAINS:
        for split in SPLITS:
            path = os.path.join(upstream, SPLITS_DIR, domain, f"{split}.tsv")
            with open(path, encoding="utf-8", newline="") as f:
                texts.update(mgs.norm(r[3]) for r in csv.reader(f, delimiter="\t"))
    mgs.check_label_articles(labels, ARTICLES, FAMILY, DECOYS, texts)


def ticket_text(rng, c):
    """(subject, description): the request and detail turns (`turns_ticket_text`)."""
    return mgs.turns_ticket_text(rng, c["ticket_turns"] or c["turns"], SUBJECTS)


def build(upstream, out):
    for domain in DOMAINS:
        for split in SPLITS:
            rel = f"{SPLITS_DIR}/{domain}/{split}.tsv"
            print(f"sha256 {mgs.sha256(os.path.join(upstream, rel))}  {rel}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    units, skipped = read_units(upstream)
    labels, counts, small = mgs.labels_with_at_least(
        (u["label"] for u in units), MIN_DIALOGUES)
    check_texts(units, labels, upstream)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING)
    contacts = [dict(u) for u in mgs.cap_per_label(rng, units, labels, MAX_PER_INTENT)]
    rng.shuffle(contacts)

    tickets, chats, articles, in_window = mgs.write_conversation_set(
        sys.modules[__name__], rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["order"],), ticket_text, lambda c: c["turns"])

    n_turns = sorted(len(c["turns"]) for c in contacts)
    print(f"{out}: intents={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"tickets={len(tickets)} chats={len(chats)} articles={len(articles)} "
          f"(decoys={len(DECOYS)}) in_window={sum(in_window.values())} "
          f"(conversations read={len(units) + sum(skipped.values())}, left out: "
          f"{dict(sorted(skipped.items()))}; median turns={n_turns[len(n_turns) // 2]})")
    print(f"dropped below {MIN_DIALOGUES} conversations:",
          ", ".join(f"{x}={counts[x]}" for x in small))
    print("per label (conversations / used / in window):")
    used = collections.Counter(c["label"] for c in contacts)
    for x in labels:
        print(f"  {x:<34} {counts[x]:>5} {used[x]:>4} {in_window.get(x, 0):>4}  "
              f"{FAMILY[x]:<18} {'UNCOVERED' if x in uncovered else 'covered'}")


def main():
    mgs.upstream_main(
        build, "gaps-multidogo", "folder with data/paper_splits/... (see the docstring)")


if __name__ == "__main__":
    main()
