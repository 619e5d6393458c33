"""Knowledge-gap evaluation set built from NLU++ (PolyAI; banking and hotel support; held out).

  python make_gap_set_nlupp.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub PolyAI-LDN/task-specific-datasets in
their own layout (see gaps-nlupp/SOURCE.md):

  UPSTREAM/nlupp/data/{banking,hotels}/fold<n>.json   n = 0..19; lists of examples {"text",
                                "intents" (a list of intent modules, absent when none),
                                "slots"}
  UPSTREAM/nlupp/data/ontology.json                    the intent modules and their domains
  UPSTREAM/LICENSE                                     CC BY 4.0

NLU++ (Casanueva et al., NAACL 2022 Findings) holds 3,080 English single-turn user utterances
to the support lines of a bank (2,071) and of a hotel (1,009), written by dialogue experts
after real conversations and annotated with several "intent modules" each: generic ones
("general" in the ontology: request_info, change, cancel_close_leave_freeze,
make_open_apply_setup_get_activate, wrong_notworking_notshowing, lost_stolen, how_much, deny,
...) and domain ones (card, loan, direct_debit, booking, wifi, ...). The data are under
CC BY 4.0.

This set was made in place of the one asked for, ABCD (ASAPP's Action-Based Conversations
Dataset): its conversations (data/abcd_v1.1.json.gz) are missing from the stored snapshot of
asappresearch/abcd (files of 4 MiB and more are not kept) and no stored repository carries
them otherwise; ACID (AmFam) ships no licence, and Taskmaster's dialogue files are missing too
(SOURCE.md).

Writes, deterministically (seed 20261214), a folder gaps-nlupp/ with the four files and
formats of make_gap_sets.py / make_gap_set_hint3.py / make_gap_set_sgd.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3610..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

One utterance is one contact (NLU++ has no dialogues; every utterance is the customer's). Its
label is "<domain>.<topic>": the topic named by its *domain* intent modules (TOPIC maps each
set of domain modules that is used to a topic; a qualifier module such as debit, credit,
contactless, savings, current, business or arrival joins its head topic, and the generic
modules are ignored). Left out: utterances with no domain module (a bare "yes", a date, a
time), with a set of domain modules TOPIC does not list (two unrelated topics in one
utterance), and with the generic module "deny" (the utterance denies the topic: "No, it's not
a mortgage"). Every label with at least MIN_QUERIES utterances is used (24); labels with more
than MAX_PER_LABEL are cut to a seeded sample of that many. The two domains are posed as one
support desk of an invented group with a bank and a hotel chain. 8 of the 24 labels are
uncovered (seeded), redrawn until they span at least 5 of the 7 families (FAMILY), each has a
covered sibling in its family and each domain has at least 3.

Tickets and chats as make_gap_sets.py (the utterance is a ticket's subject or description, or
a chat's first visitor message). Articles: a hand-written question-style title and 2-5
sentence body per label, answering that label's need only and quoting no NLU++ text
(check_dialogue_texts), plus 6 decoys; only the covered labels' articles are published. Time
as make_gap_set_hint3.py: 85 % of contacts in the 28 days ending 2026-03-31T23:59:59Z, 15 % in
the 28 days before (labels are small: every used label keeps at least MIN_IN_WINDOW contacts in
the window).
"""
import collections
import json
import os
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (ticket/chat metadata, help center, file writer)

CORPUS = "nlupp"
SEED = 20261214
DOMAINS = ["banking", "hotels"]
FOLDS = 20
MIN_QUERIES = 20                      # utterances a label needs to be used
MAX_PER_LABEL = 150                   # larger labels are cut to a seeded sample of this size
MIN_IN_WINDOW = 12                    # contacts each used label must keep in the window
N_UNCOVERED = 8
MIN_UNCOVERED_FAMILIES = 5
MIN_WITH_COVERED_SIBLING = 8
MIN_UNCOVERED_PER_DOMAIN = 3
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_hint3.py: the labels are small
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 361000000000           # banking77 3601 ... sgd 3609
DENY = "deny"

# The topic of each set of domain intent modules that is used, per domain (sorted tuples).
TOPIC = {
    "banking": {
        ("transfer_payment_deposit",): "payments",
        ("account", "current", "transfer_payment_deposit"): "payments",
        ("account", "transfer_payment_deposit"): "payments",
        ("international", "transfer_payment_deposit"): "international",
        ("card",): "cards",
        ("card", "debit"): "cards",
        ("card", "credit"): "cards",
        ("card", "transfer_payment_deposit"): "cards",
        ("card", "contactless", "transfer_payment_deposit"): "cards",
        ("card", "credit", "transfer_payment_deposit"): "cards",
        ("card", "contactless"): "cards",
        ("contactless", "transfer_payment_deposit"): "cards",
        ("arrival", "card"): "cards",
        ("pin",): "pin",
        ("card", "pin"): "pin",
        ("balance",): "balance",
        ("account", "balance"): "balance",
        ("account", "balance", "savings"): "balance",
        ("account",): "accounts",
        ("account", "savings"): "accounts",
        ("account", "current"): "accounts",
        ("account", "business"): "accounts",
        ("appointment",): "appointments",
        ("loan",): "loans",
        ("mortgage",): "mortgages",
        ("overdraft",): "overdraft",
        ("fees_interests",): "fees_interest",
        ("refund",): "refunds",
        ("direct_debit",): "direct_debits",
        ("standing_order",): "standing_orders",
        ("cheque",): "cheques",
        ("withdrawal",): "cash_withdrawals",
    },
    "hotels": {
        ("booking",): "room_booking",
        ("booking", "restaurant"): "restaurant",
        ("restaurant",): "restaurant",
        ("booking", "spa"): "spa",
        ("spa",): "spa",
        ("room_service",): "room_service",
        ("room_ammenities",): "room_amenities",
        ("gym",): "gym",
        ("check_in",): "check_in",
        ("check_out",): "check_out",
        ("parking",): "parking",
        ("wifi",): "wifi",
        ("swimming_pool",): "swimming_pool",
        ("pets",): "pets",
        ("housekeeping",): "housekeeping",
    },
}

# Sibling family of each used label, also the article section.
FAMILY = {
    "banking.payments": "everyday-banking", "banking.international": "everyday-banking",
    "banking.balance": "everyday-banking", "banking.refunds": "everyday-banking",
    "banking.direct_debits": "everyday-banking", "banking.standing_orders": "everyday-banking",
    "banking.cards": "cards", "banking.pin": "cards",
    "banking.accounts": "accounts", "banking.appointments": "accounts",
    "banking.loans": "borrowing", "banking.mortgages": "borrowing",
    "banking.overdraft": "borrowing", "banking.fees_interest": "borrowing",
    "hotels.room_booking": "your-stay", "hotels.check_in": "your-stay",
    "hotels.check_out": "your-stay",
    "hotels.restaurant": "food-and-drink", "hotels.room_service": "food-and-drink",
    "hotels.gym": "facilities", "hotels.spa": "facilities", "hotels.parking": "facilities",
    "hotels.wifi": "facilities", "hotels.room_amenities": "facilities",
}

STILL = "Still need help? Send us a message in the app or start a chat with our support team."

# One article per used label (title, body), written by hand for an invented group, "Example
# Group", with a bank (Example Bank) and a hotel chain (Example Hotels) that share one support
# desk. Invented policies. Not copied from the corpus (check_dialogue_texts). Each body answers
# its own title only, so that a covered sibling does not answer an uncovered label. Only
# covered labels' articles are published.
ARTICLES = {
    "banking.payments": (
        "How do I pay someone or check what I have spent?",
        "To pay someone with a UK account, open Payments in the app, pick a saved payee or add "
        "one with their sort code and account number, enter the amount and confirm. Payments "
        "between UK banks usually arrive within two hours; if one has not arrived after a "
        "working day, open it in your transaction list and choose Trace this payment. Insights "
        "groups your spending by shop and by month, and you can download any period as a "
        "statement. The daily limit for payments is 10,000 pounds and can be changed in "
        "Settings."),
    "banking.international": (
        "How do I send money to an account in another country?",
        "Choose Payments, then Abroad, and enter the recipient's IBAN and their bank's SWIFT or "
        "BIC code. We show the exchange rate and our fee of 3 pounds before you confirm, and the "
        "rate is fixed once you send. Most payments abroad arrive within one to three working "
        "days; the payment's details screen gives a reference that the receiving bank can use "
        "to find it."),
    "banking.cards": (
        "What should I do if my card is lost, stolen or declined?",
        "If your debit or credit card is lost or stolen, freeze it at once under Cards in the "
        "app and order a replacement, which arrives by post within three to five working days. "
        "When a card payment is refused, the card screen shows the reason, such as a frozen "
        "card, a spending limit or a shop type you have blocked. You can set separate limits "
        "for contactless, online and cash spending on the same screen. New cards, including a "
        "credit card, are ordered from Cards, then Add a card."),
    "banking.pin": (
        "I forgot my PIN or it is blocked. What now?",
        "You can view your PIN in the app under Cards, then Show PIN, after confirming with your "
        "fingerprint or passcode. To choose a new PIN, use any Example Bank cash machine and "
        "pick PIN services. After three wrong tries the PIN is blocked; it is unblocked at one "
        "of our cash machines once you enter the right one, or you can ask for a reminder by "
        "post."),
    "banking.balance": (
        "Where can I see the balance of my accounts?",
        "The balance of each account is shown at the top of the home screen in the app, with "
        "money waiting to clear listed under it. If the figure does not appear, pull the screen "
        "down to refresh it or update the app to the latest version. Turn on text banking in "
        "Settings to get your balance by text message at any time."),
    "banking.refunds": (
        "When will a refund from a shop reach my account?",
        "A refund usually appears within five working days after the shop sends it, as a credit "
        "to the card or account you paid with. We cannot speed up a refund that the shop has "
        "not yet sent, so ask them for its reference first. If nothing has arrived ten working "
        "days after the shop confirmed it, open the original payment in the app and choose "
        "Dispute."),
    "banking.direct_debits": (
        "How do I see, change or cancel a direct debit?",
        "Every direct debit is listed under Payments, then Direct debits, with the company, the "
        "last amount taken and the next collection date. The company that collects the money "
        "sets the amount and the date, so ask them to change either. You can cancel a direct "
        "debit in the app up to the day before a collection; if a collection fails, we send "
        "you a message and the company may try again."),
    "banking.standing_orders": (
        "How do I set up, change or stop a standing order?",
        "A standing order is a regular payment that you control: you choose the payee, the "
        "amount, how often it goes and the first date. To change the amount or the date, or to "
        "stop it, open Payments, then Standing orders, and pick the order; changes made before "
        "3pm apply from the next working day. An order due on a weekend or bank holiday is "
        "sent on the next working day."),
    "banking.accounts": (
        "How can I open, freeze or close an account?",
        "You can open a current, savings or business account in the app in about ten minutes "
        "with a passport or driving licence and a recent proof of address. One person can hold "
        "up to three savings accounts. To freeze an account for a while, or to close it, open "
        "the account's settings; when you close one, we move what is left to another account "
        "you name."),
    "banking.appointments": (
        "How do I book a meeting with a branch adviser?",
        "Appointments with an adviser can be booked in the app or on our website for any "
        "weekday between 9am and 5pm, at a branch or by video call. The confirmation gives the "
        "branch address or the video link. You can move or cancel the appointment from the same "
        "page up to an hour before it starts."),
    "banking.loans": (
        "How do I apply for a personal loan?",
        "We lend from 1,000 to 25,000 pounds, repaid over one to seven years. Apply in the app: "
        "most decisions take a few minutes and the money is paid into your current account the "
        "next working day. If we cannot lend to you, we email the main reason. Your remaining "
        "balance and the date of each repayment are shown under Loans."),
    "banking.mortgages": (
        "Where can I find out about my mortgage or apply for one?",
        "Our mortgage advisers explain the options and start an application by phone or in a "
        "branch; have your income details and the address of the property ready. For an "
        "existing mortgage, the app shows the start date, the date your current deal ends and "
        "the amount still owed under Mortgages. To pay it off early, ask us for a redemption "
        "statement."),
    "banking.overdraft": (
        "How does an arranged overdraft work?",
        "An arranged overdraft lets your current account go below zero up to an agreed limit. "
        "Your limit is shown under Overdraft in the app, where you can also ask to raise, lower "
        "or remove it; a higher limit depends on a credit check and may be refused. To clear "
        "the overdrawn amount, pay money into the account."),
    "banking.fees_interest": (
        "What fees and interest rates apply to my accounts?",
        "Every fee and rate is listed in our tariff under Help, then Rates and charges, and each "
        "monthly statement shows the interest paid or charged. Savings rates are variable and "
        "follow the Bank of England base rate; we write to you two months before a rate goes "
        "down. Interest is worked out each day on the end-of-day balance, so the monthly amount "
        "changes with your balance and the length of the month."),
    "hotels.room_booking": (
        "How do I book, change or cancel a room?",
        "Book on our website or in the app by choosing a hotel, your dates, the room type and the "
        "number of guests. To change any of these, open the booking under My stays; the new "
        "price is shown before you confirm. Room bookings can be cancelled free of charge up to "
        "48 hours before the first night."),
    "hotels.check_in": (
        "What time is check-in, and can I arrive early?",
        "Rooms are ready from 3pm on the day of arrival. You can check in online from 24 hours "
        "before and collect your key at the express desk. Early check-in from 11am costs 20 "
        "pounds when a room is free; ask at reception or add it to your booking."),
    "hotels.check_out": (
        "What time is check-out, and can I leave later?",
        "Please leave your room by 11am on the day of departure. Late check-out until 2pm costs "
        "25 pounds and can be asked for at reception the evening before; it is free for Gold "
        "members when the hotel is not full. You can leave your luggage at reception after "
        "check-out."),
    "hotels.restaurant": (
        "How do I reserve a table at the hotel restaurant?",
        "Each hotel restaurant serves breakfast from 7am and dinner from 6pm to 10:30pm. Reserve "
        "a table at reception, in the app or by phone for up to eight people; for larger groups, "
        "speak to the restaurant manager. To change or cancel a table, give the name and the "
        "time it was booked under."),
    "hotels.room_service": (
        "Can I order food and drinks to my room?",
        "Room service runs from 6am to midnight: order from the menu on the television or by "
        "dialling 2 on the room phone. Orders arrive in about 30 minutes and are added to your "
        "bill. For breakfast at a set time, hang the order card on your door before 3am."),
    "hotels.room_amenities": (
        "What is in my room, and what if something there is broken?",
        "Every room has a kettle, a hairdryer, a safe and air conditioning, and reception can "
        "bring extra towels, toiletries, pillows or a desk lamp. If something in the room stops "
        "working, such as the heating, the phone or the television, call reception and we will "
        "send a technician or move you to another room."),
    "hotels.gym": (
        "Can hotel guests use the gym?",
        "The gym is open from 6am to 10pm and is free for hotel guests; your room key opens the "
        "door. Sessions with a personal trainer cost 40 pounds an hour and are booked at "
        "reception. When the gym is closed for maintenance, a notice at reception gives the "
        "reopening date."),
    "hotels.spa": (
        "What treatments does the spa offer, and how do I book one?",
        "Our spas offer massages, facials, manicures, pedicures and a steam room. Book a "
        "treatment at the spa desk, in the app or on extension 4; cancel at least 24 hours "
        "before to avoid paying in full. Each hotel's spa page lists the treatments with their "
        "prices and length."),
    "hotels.parking": (
        "What does parking at the hotel cost?",
        "Most of our hotels have a car park on site, charged at 15 pounds per 24 hours and added "
        "to your bill. Spaces cannot be reserved ahead; give your number plate at reception when "
        "you arrive. Where a hotel has no car park, reception will direct you to the nearest "
        "public one."),
    "hotels.wifi": (
        "How do I get online in the hotel?",
        "Wi-Fi is free in every room and public area: pick the network named after the hotel and "
        "log in with your surname and room number. A faster connection for video calls costs 5 "
        "pounds a day. If you cannot connect, forget the network on your device and join it "
        "again, or call reception."),
}

# Needs absent from the contacts (truth: null): three that NLU++ has but this set leaves out
# (cheques, pets, the pool; too few utterances), plus corporate pages.
DECOYS = [
    ("Paying in a cheque",
     "Pay a cheque into your account with the camera in the app or at any branch. The money "
     "is available by 11pm on the next working day."),
    ("Bringing your dog to Example Hotels",
     "Dogs are welcome at most of our hotels for 20 pounds a night. Tell us when you book so we "
     "can give you a room on the ground floor."),
    ("Swimming pool opening hours",
     "Hotel pools are open from 7am to 9pm. Children under 14 must swim with an adult."),
    ("Careers at Example Group",
     "We hire bank advisers, hotel staff and engineers in several cities. Apply online and we "
     "reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information Example Bank and Example Hotels collect, "
     "why we keep it and who we share it with. We never sell your information."),
    ("Accessibility statement",
     "Our app and website work with screen readers, and every hotel has rooms adapted for "
     "wheelchair users."),
]

SUBJECTS = mgs.CONVERSATION_SUBJECTS
MID_AGENT = mgs.CONVERSATION_MID_AGENT   # unused: a contact is one message


def file_names():
    """The upstream example files in reading order: banking then hotels, folds 0-19."""
    return [f"nlupp/data/{d}/fold{n}.json" for d in DOMAINS for n in range(FOLDS)]


def generic_modules(upstream):
    """The intent modules whose ontology domain is only "general"."""
    with open(os.path.join(upstream, "nlupp", "data", "ontology.json"), encoding="utf-8") as f:
        intents = json.load(f)["intents"]
    return {k for k, v in intents.items() if v["domain"] == ["general"]}


def read_examples(upstream):
    """Every upstream example as {"ref" ("<domain>/fold<n>.json#<index>"), "domain", "text"
    (white space collapsed), "intents", "topic" (sorted tuple of its domain modules)}, in file
    order."""
    generic = generic_modules(upstream)
    out = []
    for p in file_names():
        domain = p.split("/")[2]
        with open(os.path.join(upstream, p), encoding="utf-8") as f:
            examples = json.load(f)
        for i, e in enumerate(examples):
            intents = e.get("intents", [])
            out.append({"ref": f"{domain}/{p.rsplit('/', 1)[1]}#{i}", "domain": domain,
                        "text": " ".join(e["text"].split()), "intents": intents,
                        "topic": tuple(sorted(x for x in intents if x not in generic))})
    return out


def contact_units(examples):
    """The usable examples as units {"label", "text", "turns", "ticket_turns", "ref",
    "order"} in file order, and counts of the examples left out."""
    units, skipped = [], collections.Counter()
    for e in examples:
        if not e["topic"]:
            skipped["no domain intent"] += 1
            continue
        if DENY in e["intents"]:
            skipped["denies the topic"] += 1
            continue
        topic = TOPIC[e["domain"]].get(e["topic"])
        if topic is None:
            skipped["unlisted topic combination"] += 1
            continue
        if mgs.message_kind(e["text"]) != "content":
            skipped["greeting or bare confirmation"] += 1
            continue
        units.append({"label": f"{e['domain']}.{topic}", "text": e["text"],
                      "turns": [e["text"]], "ticket_turns": [e["text"]], "ref": e["ref"],
                      "order": len(units)})
    return units, skipped


def build(upstream, out):
    digest, _ = mgs.manifest(upstream, file_names() + ["nlupp/data/ontology.json"])
    print(f"sha256 {digest}  manifest of {len(file_names()) + 1} files "
          f"nlupp/data/<domain>/fold<n>.json, nlupp/data/ontology.json (sha256sum lines in "
          f"that order)")
    print(f"sha256 {mgs.sha256(os.path.join(upstream, 'LICENSE'))}  LICENSE")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    examples = read_examples(upstream)
    units, skipped = contact_units(examples)
    s = mgs.write_single_message_set(
        sys.modules[__name__], rng, out, examples, units,
        accept=lambda u: all(sum(x.split(".", 1)[0] == d for x in u) >= MIN_UNCOVERED_PER_DOMAIN
                             for d in DOMAINS))

    print(f"{out}: labels={len(s.labels)} uncovered={len(s.uncovered)} "
          f"(families={len({FAMILY[x] for x in s.uncovered})}, with covered sibling="
          f"{len(s.with_sibling)}, draw {s.attempts}) contacts={len(s.contacts)} "
          f"tickets={len(s.tickets)} chats={len(s.chats)} articles={len(s.articles)} "
          f"(decoys={len(DECOYS)}) in_window={sum(s.in_window.values())} "
          f"(examples read={len(examples)}, left out: {dict(sorted(skipped.items()))})")
    print(f"dropped below {MIN_QUERIES} utterances:",
          ", ".join(f"{x}={s.counts[x]}" for x in s.small) or "none")
    mgs.print_words_and_labels(s.contacts, s.labels, s.counts, s.in_window, FAMILY, s.uncovered,
                               "utterances", 28, 17)


def main():
    mgs.upstream_main(build, "gaps-nlupp",
                      "folder with nlupp/data/{banking,hotels}/fold<n>.json, "
                      "nlupp/data/ontology.json and LICENSE (see the docstring)")


if __name__ == "__main__":
    main()
