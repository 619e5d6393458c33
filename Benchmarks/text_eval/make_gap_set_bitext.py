"""Knowledge-gap evaluation set built from Bitext's customer-service intent data (held out).

  python make_gap_set_bitext.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub
bitext/customer-support-llm-chatbot-training-dataset in their own layout, as of commit
337b96868e02b40a05f9c0df3290c65a15ea573e (see gaps-bitext/SOURCE.md):

  UPSTREAM/data/train/Bitext_Sample_Customer_Support_Training_Dataset.csv
                       4,514 rows: context, role, instruction (the customer's request),
                       intent, entity_type, entity_value, start_offset, end_offset, category,
                       tags, response (the assistant's answer; never read)
  UPSTREAM/LICENSE.txt Community Data License Agreement - Sharing 1.0 (CDLA-Sharing-1.0)

The file holds 4,514 English single-turn customer requests to the support line of an online
shop ("cancel order 732201349959", "do you ship to Detroit?", "i cannot sign up"), 139-204
per intent, in 27 intents grouped by upstream in 11 categories (ACCOUNT, CANCELLATION_FEE,
CONTACT, DELIVERY, FEEDBACK, INVOICE, NEWSLETTER, ORDER, PAYMENT, REFUND, SHIPPING_ADDRESS).
Bitext made them from natural seed texts expanded with its language-generation tools and
curated by linguists, with deliberate variation (colloquial, polite, offensive, keyword-only,
typos); they are not verbatim customer messages. The data are under CDLA-Sharing 1.0. This
corpus was the first choice for this set; the later 27K-row file of the same repository is
missing from the stored snapshot (4 MiB or more), so this is the 4,514-row file of the commit
above (last changed in 8b6ca3d9559a4a9abab94f7978fae67019215a82).

Writes, deterministically (seed 20261215), a folder gaps-bitext/ with the four files and
formats of make_gap_sets.py / make_gap_set_nlupp.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3611..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

One request is one contact (the corpus has no dialogues; only the "instruction" column, the
customer's text, is read: the assistant's "response" column is not). Its label is
"<category>.<intent>" in lower case (order.cancel_order). Every intent has at least
MIN_QUERIES requests, so all 27 are used; labels with more than MAX_PER_LABEL are cut to a
seeded sample of that many. A request that is only a greeting, thanks or a bare confirmation
(make_gap_sets.message_kind) would be left out (none is). The family of a label is its
upstream category (FAMILY; also the article section); two categories have one intent each
(cancellation fee, newsletter), so those two are always covered. 9 of the 27 labels are
uncovered (seeded), redrawn until they span at least 6 of the 11 families and each has a
covered sibling in its family.

Tickets and chats as make_gap_set_nlupp.py (the request is a ticket's subject or description,
or a chat's first visitor message). Articles: a hand-written question-style title and 2-5
sentence body per label, for an invented online shop, answering that label's need only and
quoting no Bitext text (check_dialogue_texts), plus 6 decoys; only the covered labels'
articles are published. Time as make_gap_set_nlupp.py: 85 % of contacts in the 28 days ending
2026-03-31T23:59:59Z, 15 % in the 28 days before (every label keeps at least MIN_IN_WINDOW
contacts in the window).
"""
import collections
import csv
import datetime as dt
import os
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (ticket/chat metadata, help center, file writer)

CORPUS = "bitext"
SEED = 20261215
INPUT = "data/train/Bitext_Sample_Customer_Support_Training_Dataset.csv"
LICENSE = "LICENSE.txt"
MIN_QUERIES = 20                      # requests a label needs to be used
MAX_PER_LABEL = 150                   # larger labels are cut to a seeded sample of this size
MIN_IN_WINDOW = 15                    # contacts each used label must keep in the window
N_UNCOVERED = 9
MIN_UNCOVERED_FAMILIES = 6
MIN_WITH_COVERED_SIBLING = 9
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_nlupp.py
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 361100000000           # banking77 3601 ... sgd 3609, nlupp 3610

# Sibling family of each label (its upstream category), also the article section.
FAMILY = {
    "account.create_account": "account", "account.delete_account": "account",
    "account.edit_account": "account", "account.recover_password": "account",
    "account.registration_problems": "account", "account.switch_account": "account",
    "cancellation_fee.check_cancellation_fee": "cancellation-fee",
    "contact.contact_customer_service": "contact", "contact.contact_human_agent": "contact",
    "delivery.delivery_options": "delivery", "delivery.delivery_period": "delivery",
    "feedback.complaint": "feedback", "feedback.review": "feedback",
    "invoice.check_invoice": "invoice", "invoice.get_invoice": "invoice",
    "newsletter.newsletter_subscription": "newsletter",
    "order.cancel_order": "orders", "order.change_order": "orders",
    "order.place_order": "orders", "order.track_order": "orders",
    "payment.check_payment_methods": "payment", "payment.payment_issue": "payment",
    "refund.check_refund_policy": "refunds", "refund.get_refund": "refunds",
    "refund.track_refund": "refunds",
    "shipping_address.change_shipping_address": "delivery-addresses",
    "shipping_address.set_up_shipping_address": "delivery-addresses",
}

STILL = "Still need help? Send us a message from your account or start a chat with our team."

# One article per label (title, body), written by hand for an invented online shop, "Example
# Store", with Free, Standard, Gold and Platinum memberships. Invented policies. Not copied
# from the corpus or its responses (check_dialogue_texts). Each body answers its own title
# only, so that a covered sibling does not answer an uncovered label. Only covered labels'
# articles are published.
ARTICLES = {
    "account.create_account": (
        "How do I open an Example Store account?",
        "Select Join on our website or in the app and enter your name, an email address and a "
        "password of at least ten characters. We send a code to that address; type it in "
        "within 30 minutes to finish. New accounts start on the Free membership, and a paid "
        "membership can be picked on the last screen. One email address can hold one account."),
    "account.delete_account": (
        "Can I close my Example Store account for good?",
        "Go to Settings, then Privacy, and choose Close my account. Orders still on their way "
        "are delivered first, and any store credit left is paid back to your card. Once "
        "closed, your order history and saved lists are erased after 30 days and cannot be "
        "restored."),
    "account.edit_account": (
        "How do I update my name, email or phone number?",
        "Open Settings, then Personal details, and edit the field you need. A new email "
        "address or phone number only takes effect after you confirm the code we send to it. "
        "Your date of birth can be corrected once online; after that, our team needs to see "
        "an identity document."),
    "account.recover_password": (
        "I forgot my password or PIN. How do I get back in?",
        "On the sign-in page, select Forgot password and enter the email address of your "
        "account; the reset link we send works for one hour. The four-digit PIN used for "
        "phone orders is reset in the same way, under Settings, then Security. If no email "
        "arrives within ten minutes, look in your spam folder before asking for a new link."),
    "account.registration_problems": (
        "Why won't the sign-up form accept my details?",
        "The form stops when an email address already belongs to an account, when the password "
        "is shorter than ten characters, or when the verification code has expired. A message "
        "under the field in red names the reason. If the page freezes, clear your browser's "
        "cache or try the app, and send us a screenshot of the error if it keeps happening."),
    "account.switch_account": (
        "How do I move to another membership tier?",
        "Memberships go from Free to Standard, Gold and Platinum. Pick a tier under Settings, "
        "then Membership; an upgrade starts at once and you pay only the difference for the "
        "current month. A downgrade starts on your next billing date. If several people share "
        "a login, each can add a separate profile under the same screen and swap between them."),
    "cancellation_fee.check_cancellation_fee": (
        "Is there a charge for ending a paid membership early?",
        "Monthly memberships can be ended at any time without a charge. Yearly Gold and "
        "Platinum memberships ended in the first six months carry an early termination charge "
        "of two months' fees; after six months there is none. The exact amount for your plan "
        "is shown under Settings, then Membership, before you confirm."),
    "contact.contact_customer_service": (
        "When and how can I reach customer service?",
        "Our service team answers by phone from 8am to 8pm, Monday to Saturday, on 0800 555 "
        "0100. Email help@example.com at any time and we reply within one working day. "
        "Gold and Platinum members have a priority line printed on their membership page."),
    "contact.contact_human_agent": (
        "The virtual assistant can't help me. How do I reach a real person?",
        "In any chat with our assistant, type the word agent and you are passed to a member "
        "of staff, usually within five minutes during opening hours. Outside those hours the "
        "assistant takes your number and a colleague phones you back the next morning. The "
        "transcript of your chat goes with you, so you will not have to repeat yourself."),
    "delivery.delivery_options": (
        "Where do you deliver, and which shipping methods can I choose?",
        "We ship to the UK, the EU, the United States and Canada. At checkout you can pick "
        "standard post, a courier with a one-hour slot or collection from a parcel locker. "
        "Couriers and lockers do not serve islands or some remote postcodes, and a few bulky "
        "items can only go by courier."),
    "delivery.delivery_period": (
        "How long does delivery take?",
        "Standard delivery takes two to four working days within the UK and five to eight "
        "days elsewhere. Courier orders placed before 2pm arrive the next working day. Items "
        "marked Made to order need ten extra days before they leave our warehouse."),
    "feedback.complaint": (
        "How do I make a formal complaint?",
        "Fill in the complaints form under Help, then Complaints, giving your order number and "
        "what went wrong. We confirm receipt within two working days and send a full answer "
        "within eight weeks. If you are not happy with our answer, the letter tells you how to "
        "take it to the independent retail ombudsman."),
    "feedback.review": (
        "Can I rate a product or tell you how we did?",
        "Two days after delivery we email a link to rate each item from one to five stars and "
        "add a comment. You can also write one from the product page while signed in. Reviews "
        "are checked within 48 hours and published under your first name."),
    "invoice.check_invoice": (
        "Where can I look up an invoice?",
        "Every invoice is listed under Orders, then Invoices, for the last seven years, with "
        "its date, number and total. Search by invoice number or filter by month to find one "
        "quickly. An invoice is issued on the day an order is dispatched, so an order not yet "
        "sent has none."),
    "invoice.get_invoice": (
        "How do I download or receive a copy of an invoice?",
        "Open the order and select Download PDF to save its invoice. To get every invoice of a "
        "year in one file, choose Export under Orders. Business customers can add a VAT number "
        "and company name before downloading, and we can email copies to a second address."),
    "newsletter.newsletter_subscription": (
        "How do I sign up for or stop the newsletter?",
        "Tick Send me the newsletter under Settings, then Communication, to get our offers "
        "email every Thursday. Untick the same box, or use the link at the foot of any "
        "newsletter, to stop it; the change applies within 48 hours. Order and delivery "
        "emails are sent either way."),
    "order.cancel_order": (
        "Can I cancel an order I have just placed?",
        "An order can be cancelled from Orders in your account until it is packed, usually "
        "within an hour of paying. Select the order and choose Cancel; the full amount goes "
        "back to the card you paid with. Once an order is packed, the Cancel button disappears "
        "and the parcel has to be sent back after it arrives."),
    "order.change_order": (
        "How do I add, remove or swap items in an order?",
        "While an order shows Processing, open it under Orders and choose Edit items to add "
        "products, remove them or pick another size or colour. The new total is charged or "
        "credited to your card straight away. Orders that show Packed can no longer be "
        "edited."),
    "order.place_order": (
        "How do I buy something from Example Store?",
        "Add the products you want to your basket, then select Checkout. Sign in or check out "
        "as a guest, choose a delivery address and a payment, and confirm. You get an email "
        "with your order number within a few minutes, and large orders for businesses can be "
        "placed by phone."),
    "order.track_order": (
        "Where is my parcel?",
        "Open Orders and select the order to see its status and a live tracking link once it "
        "leaves our warehouse. The courier also texts you a one-hour delivery slot on the "
        "morning it arrives. If tracking has not moved for three working days, let us know and "
        "we will open an inquiry with the carrier."),
    "payment.check_payment_methods": (
        "Which ways to pay do you take?",
        "We take Visa, Mastercard and American Express cards, PayPal, Apple Pay, Google Pay and "
        "gift cards. Customers in the UK can also spread the cost over three months with our "
        "pay-later partner on orders over 30 pounds. We do not accept cash on delivery or "
        "cheques."),
    "payment.payment_issue": (
        "What should I do if my payment fails or I was charged twice?",
        "A payment usually fails because the billing address does not match your card or your "
        "bank asked for a check that was not finished; the checkout page shows which. A "
        "second charge for the same order is a pending hold and drops off your statement "
        "within five working days. If it is still there after that, send us a screenshot of "
        "the statement so we can trace it."),
    "refund.check_refund_policy": (
        "In which cases do I get my money back?",
        "You can return most items within 30 days of delivery for a full refund if they are "
        "unused and in their packaging. Faulty items can be returned for up to a year. "
        "Personalised products, opened cosmetics and gift cards are not refundable unless they "
        "arrive damaged."),
    "refund.get_refund": (
        "How do I ask for a refund?",
        "Choose Return or refund next to the item under Orders, pick a reason and print the "
        "free returns label. For an item that never arrived or came broken, attach a photo "
        "instead and no return is needed. The refund is made to the way you paid, or as store "
        "credit if you prefer."),
    "refund.track_refund": (
        "My refund hasn't arrived yet. Where is it?",
        "We start a refund within three working days of receiving your return, and the "
        "Returns page then shows Refund sent with the date. Banks take up to five more working "
        "days to show it on your statement, and PayPal refunds appear within a day. If ten "
        "working days have passed since Refund sent, ask us for the payment reference."),
    "shipping_address.change_shipping_address": (
        "How do I correct the delivery address of an order or my account?",
        "For an order not yet dispatched, open it under Orders and select Change address. "
        "Once a parcel is with the courier, use the link in the courier's text to redirect it "
        "to a neighbour or a parcel locker. To correct the default address itself, edit it "
        "under Settings, then Addresses."),
    "shipping_address.set_up_shipping_address": (
        "Can I save more than one delivery address?",
        "Under Settings, then Addresses, select Add address to save up to ten addresses, such "
        "as your office or a relative's home. Give each one a name and tick Default on the one "
        "used most. The form checks postcodes against the postal database, so a new-build "
        "street may need to be entered by hand."),
}

# Needs absent from the contacts (truth: null).
DECOYS = [
    ("Buying and using gift cards",
     "Example Store gift cards come in values from 10 to 500 pounds and never expire. Redeem "
     "one at checkout by entering the 16-digit code."),
    ("Product guarantees and repairs",
     "Electrical items carry a two-year guarantee. Book a repair from the product page and we "
     "collect the item from your door."),
    ("Careers at Example Store",
     "We hire warehouse, delivery and office staff across the country. Apply online and we "
     "reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information Example Store collects, why we keep it "
     "and who we share it with. We never sell your information."),
    ("Accessibility statement",
     "Our website and app work with screen readers and keyboard navigation, and every page "
     "can be zoomed to 400 percent."),
    ("Our sustainability pledge",
     "By 2030 all our packaging will be recyclable and our delivery vans electric. Each year "
     "we publish our progress on this page."),
]

SUBJECTS = mgs.CONVERSATION_SUBJECTS
MID_AGENT = mgs.CONVERSATION_MID_AGENT   # unused: a contact is one message


def read_examples(upstream):
    """Every upstream row as {"ref" ("row <n>", 1-based, the header not counted), "text" (the
    instruction, white space collapsed), "label" ("<category>.<intent>", lower case)}, in file
    order."""
    out = []
    with open(os.path.join(upstream, INPUT), encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f), start=1):
            out.append({"ref": f"row {n}", "text": " ".join(r["instruction"].split()),
                        "label": f"{r['category'].lower()}.{r['intent']}"})
    return out


def contact_units(examples):
    """The usable rows as units {"label", "text", "turns", "ticket_turns", "ref", "order"} in
    file order, and counts of the rows left out."""
    units, skipped = [], collections.Counter()
    for e in examples:
        if mgs.message_kind(e["text"]) != "content":
            skipped["greeting or bare confirmation"] += 1
            continue
        units.append({"label": e["label"], "text": e["text"], "turns": [e["text"]],
                      "ticket_turns": [e["text"]], "ref": e["ref"], "order": len(units)})
    return units, skipped


def build(upstream, out):
    digest, _ = mgs.manifest(upstream, [INPUT])
    print(f"sha256 {digest}  manifest of 1 file {INPUT} (its sha256sum line)")
    print(f"sha256 {mgs.sha256(os.path.join(upstream, INPUT))}  {INPUT}")
    print(f"sha256 {mgs.sha256(os.path.join(upstream, LICENSE))}  {LICENSE}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    examples = read_examples(upstream)
    units, skipped = contact_units(examples)
    s = mgs.write_single_message_set(sys.modules[__name__], rng, out, examples, units)

    start = mgs.iso(mgs.AS_OF - dt.timedelta(days=mgs.WINDOW_DAYS))
    n_chats_in = sum(1 for c in s.chats if c["started_at"] > start)
    print(f"{out}: labels={len(s.labels)} uncovered={len(s.uncovered)} "
          f"(families={len({FAMILY[x] for x in s.uncovered})}, with covered sibling="
          f"{len(s.with_sibling)}, draw {s.attempts}) contacts={len(s.contacts)} "
          f"tickets={len(s.tickets)} chats={len(s.chats)} articles={len(s.articles)} "
          f"(decoys={len(DECOYS)}) in_window={sum(s.in_window.values())} "
          f"(chats in window={n_chats_in}; rows read={len(examples)}, left out: "
          f"{dict(sorted(skipped.items()))})")
    print(f"dropped below {MIN_QUERIES} requests:",
          ", ".join(f"{x}={s.counts[x]}" for x in s.small) or "none")
    print("uncovered:", ", ".join(s.uncovered))
    mgs.print_words_and_labels(s.contacts, s.labels, s.counts, s.in_window, FAMILY, s.uncovered,
                               "requests", 42, 18)


def main():
    mgs.upstream_main(build, "gaps-bitext",
                      f"folder with {INPUT} and {LICENSE} (see the docstring)")


if __name__ == "__main__":
    main()
