"""Knowledge-gap evaluation set built from HINT3 (real queries to three live support chatbots).

  python make_gap_set_hint3.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub hellohaptik/HINT3 in their own layout
(see TextEval/gaps-hint3/SOURCE.md):

  UPSTREAM/dataset/v2/train/{sofmattress,curekart,powerplay11}_train.csv   columns sentence,label
  UPSTREAM/dataset/v2/test/{sofmattress,curekart,powerplay11}_test.csv

and writes, deterministically (seed 20261209), a folder gaps-hint3/ with the four files and
formats of make_gap_sets.py / make_gap_set_dstc11.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3605..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved, contacts

The three bots (SOFMattress: mattresses; Curekart: health supplements; Powerplay11: fantasy
sports) are posed as one multi-brand support desk. Labels are "<bot>.<LABEL>". Test rows
labelled NO_NODES_DETECTED (out of scope) are dropped. Cross-bot labels that mean the same thing
to a shared desk (SYNONYMS) are dropped whole, keeping the one with more queries; of the rest,
every label with at least MIN_QUERIES in-scope queries (train + test) is used. 13 of the 33 are
uncovered (seeded), redrawn until they span at least 7 of the 9 families (FAMILY), at least 9 of
them have a covered sibling in their family, and each bot has at least 3.

Contacts: every train+test query of the used labels, one query one contact, except 3 train
queries per covered label reserved as its article's "Customers also ask" examples (as
make_gap_sets.py). Articles: a hand-written question title and 2-5 sentence body per covered
label (checked against every HINT3 text), then the reserved queries and the shared closing line;
6 decoys. Tickets and chats as make_gap_sets.py (a multi-line query is never a subject alone).
Time: 85 % of contacts in the 28 days ending 2026-03-31T23:59:59Z, 15 % in the 28 days before
(the queries are few: every used label keeps at least MIN_IN_WINDOW contacts in the window).
"""
import collections
import csv
import os
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (pools, reserve, ticket/chat metadata, file writer)

CORPUS = "hint3"
SEED = 20261209
BOTS = ["sofmattress", "curekart", "powerplay11"]
OUT_OF_SCOPE = "NO_NODES_DETECTED"
MIN_QUERIES = 20                      # in-scope train+test queries a label needs to be used
MIN_IN_WINDOW = 11                    # contacts each used label must keep in the window
N_UNCOVERED = 13
MIN_UNCOVERED_FAMILIES = 7
MIN_WITH_COVERED_SIBLING = 9
MIN_UNCOVERED_PER_BOT = 3
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # make_gap_sets.py uses 0.30; HINT3 labels are small
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360500000000           # banking77 3601, clinc150 3602, hwu64 3603, dstc11 3604


def input_files():
    return [f"dataset/v2/{split}/{bot}_{split}.csv" for bot in BOTS for split in ("train", "test")]


# Labels of different bots that a shared desk cannot tell apart: every label on the right is
# dropped, the left one (more queries, asserted) stays a candidate.
SYNONYMS = {
    "curekart.ORDER_STATUS": ["sofmattress.ORDER_STATUS"],
    "curekart.CHECK_PINCODE": ["sofmattress.CHECK_PINCODE"],
    "curekart.DELAY_IN_PARCEL": ["sofmattress.DELAY_IN_DELIVERY"],
    "curekart.REFUNDS_RETURNS_REPLACEMENTS": ["sofmattress.RETURN_EXCHANGE"],
    # ORDER_TAKING holds "can I order now" and cash-on-delivery queries; LEAD_GEN mixes
    # "I want to buy" with "call me back" / "connect to an agent".
    "curekart.ORDER_TAKING": ["sofmattress.COD", "sofmattress.LEAD_GEN"],
    "powerplay11.CHAT_WITH_AN_AGENT": ["curekart.CHAT_WITH_AGENT"],
    "curekart.CALL_CENTER": ["powerplay11.CONTACT_NUMBER"],
    "powerplay11.OFFERS_AND_REFERRALS": ["sofmattress.OFFERS"],
    "sofmattress.DISTRIBUTORS": ["curekart.STORE_INFORMATION"],
}

# Sibling families (related flows of the shared desk); also the article section.
FAMILY = {
    "sofmattress.COMPARISON": "mattress-range", "sofmattress.PRODUCT_VARIANTS": "mattress-range",
    "sofmattress.ORTHO_FEATURES": "mattress-range", "sofmattress.PILLOWS": "mattress-range",
    "sofmattress.WHAT_SIZE_TO_ORDER": "mattress-sizes",
    "sofmattress.SIZE_CUSTOMIZATION": "mattress-sizes",
    "sofmattress.MATTRESS_COST": "mattress-buying", "sofmattress.EMI": "mattress-buying",
    "sofmattress.100_NIGHT_TRIAL_OFFER": "mattress-buying",
    "sofmattress.DISTRIBUTORS": "mattress-buying",
    "curekart.RECOMMEND_PRODUCT": "supplements", "curekart.CONSULT_START": "supplements",
    "curekart.ORIGINAL_PRODUCT": "supplements", "curekart.EXPIRY_DATE": "supplements",
    "curekart.ORDER_TAKING": "orders", "curekart.CANCEL_ORDER": "orders",
    "curekart.PAYMENT_AND_BILL": "orders", "curekart.REFUNDS_RETURNS_REPLACEMENTS": "orders",
    "curekart.ORDER_STATUS": "delivery", "curekart.DELAY_IN_PARCEL": "delivery",
    "curekart.RESUME_DELIVERY": "delivery", "curekart.CHECK_PINCODE": "delivery",
    "powerplay11.CHAT_WITH_AN_AGENT": "contact", "curekart.CALL_CENTER": "contact",
    "curekart.FRANCHISE": "contact",
    "powerplay11.WINNINGS": "fantasy-wallet", "powerplay11.CHECK_DEPOSIT_STATUS": "fantasy-wallet",
    "powerplay11.WITHDRAWAL_STATUS": "fantasy-wallet",
    "powerplay11.OFFERS_AND_REFERRALS": "fantasy-wallet",
    "powerplay11.POINTS_NOT_UPDATED": "fantasy-contests",
    "powerplay11.WRONG_SCORES": "fantasy-contests", "powerplay11.FAKE_TEAMS": "fantasy-contests",
    "powerplay11.TEAM_DEADLINE": "fantasy-contests",
}

# One article per used label (title, body), written by hand for a support desk that answers for
# three brands: SOF mattresses, the CureKart supplement shop and the PowerPlay11 fantasy-sports
# app. Invented policies, not the real companies'. Not copied from the corpus (check_texts).
# Each body answers its own title only, so that a covered sibling does not answer an uncovered
# one. Only covered labels' articles are published.
ARTICLES = {
    "sofmattress.DISTRIBUTORS": (
        "Where can I see and try a SOF mattress in person?",
        "SOF mattresses are on display at partner showrooms in most large cities. Open the "
        "showroom finder on the SOF website and enter your city to see the nearest ones with "
        "their addresses and opening hours. You can lie down on each model there before you "
        "decide."),
    "sofmattress.MATTRESS_COST": (
        "What do SOF mattresses cost in each size?",
        "The price depends on the model, the size and the thickness you choose. The product "
        "page shows the price as soon as you pick the length, the width and the height. Prices "
        "on the website include taxes and delivery to your door."),
    "sofmattress.WHAT_SIZE_TO_ORDER": (
        "Which mattress size should I order for my bed?",
        "Measure the inside of your bed frame, its length and its width, in inches. Then pick "
        "the standard size with the same numbers: single 72 x 36, double 72 x 48, queen 78 x 60 "
        "or king 78 x 72. If your bed falls between two sizes, take the smaller one so that the "
        "mattress sits inside the frame."),
    "sofmattress.SIZE_CUSTOMIZATION": (
        "Can I order a mattress made to my own measurements?",
        "Yes, on the product page choose the made-to-measure option and type the length and "
        "width you need in inches, up to 84 x 78. Made-to-measure mattresses are cut to order "
        "and take about a week longer to arrive than standard sizes."),
    "sofmattress.EMI": (
        "Can I pay for my mattress in monthly instalments?",
        "Yes: at checkout choose EMI to split the price into 3, 6, 9 or 12 monthly payments on "
        "most credit cards. The 3 and 6 month plans carry no interest. Card-less instalments "
        "through our finance partners are offered on larger orders."),
    "sofmattress.COMPARISON": (
        "Ergo or Ortho: how do the two SOF mattresses differ?",
        "The Ergo is medium-firm, with a soft top layer that adapts to your shape and suits "
        "most sleepers. The Ortho is clearly firmer and built around a dense support core. "
        "Both come in the same sizes and thicknesses, so choose by the feel you prefer."),
    "sofmattress.PRODUCT_VARIANTS": (
        "Which mattress models does SOF make?",
        "SOF makes two mattress lines, Ergo and Ortho, each 6 or 8 inches thick and in single, "
        "double, queen and king sizes. Every model is built from high-density foam layers under "
        "a removable, washable cover. Each product page lists the layers and materials of that "
        "model."),
    "sofmattress.ORTHO_FEATURES": (
        "Is the SOF Ortho mattress a good choice for a bad back?",
        "The Ortho has a firm, high-density core under a thin comfort layer, so the spine stays "
        "level whether you sleep on your side or on your back. Doctors often advise a firm "
        "mattress for lower back trouble and slipped discs. If you have a medical condition, "
        "ask your doctor which firmness is right for you."),
    "sofmattress.100_NIGHT_TRIAL_OFFER": (
        "Can I try my mattress at home for 100 nights?",
        "Every SOF mattress, made-to-measure ones included, comes with a 100-night home trial. "
        "Sleep on it for at least 30 nights so your body can adjust. If you are still not happy "
        "before night 100, tell us and we collect it free of charge and pay you back in full."),
    "sofmattress.PILLOWS": (
        "Which pillows does SOF offer?",
        "We make two foam pillows: a very soft one for side and stomach sleepers and a firmer "
        "support pillow for back sleepers. They are sold in pairs, on their own or added to a "
        "mattress order. The covers come off and can be washed."),
    "curekart.RECOMMEND_PRODUCT": (
        "Which supplements should I buy for my fitness goal?",
        "Start from your goal: gaining weight, building muscle, losing fat or staying healthy. "
        "In the CureKart app choose Shop by goal to see the proteins, gainers and vitamins that "
        "fit it, with ratings from other customers. If you are new to supplements, start with "
        "one product in a small pack."),
    "curekart.CONSULT_START": (
        "Can I get a free diet chart and workout plan?",
        "Yes, our nutritionists prepare a free diet chart and training plan from your age, "
        "weight, daily routine and goal. Open the expert advice section of the app, answer a "
        "few questions and book a call. Your plan is emailed to you after the call."),
    "curekart.ORIGINAL_PRODUCT": (
        "Are the products sold on CureKart genuine?",
        "Yes, we buy every product directly from the brand or its authorised importer, never "
        "from resellers. Most supplement brands print a scratch code or QR code on the pack "
        "that you can verify on the brand's website. Your invoice lists the importer and the "
        "batch number of each pack."),
    "curekart.EXPIRY_DATE": (
        "Where do I find the expiry date of a product?",
        "Each product page shows the best-before month of the stock we are shipping, under "
        "Product details. The date is also printed on the pack, usually on the bottom or next "
        "to the barcode. We only ship products with at least six months left before they "
        "expire."),
    "curekart.ORDER_TAKING": (
        "Are you accepting new orders, and can I pay in cash when it arrives?",
        "Yes, you can order on the website or in the app at any time. Paying in cash to the "
        "courier is offered on orders below 5,000 rupees; if the option does not appear at "
        "checkout, your cart is not eligible and you can pay online instead. Prepaid orders "
        "are packed first."),
    "curekart.CANCEL_ORDER": (
        "How do I cancel something I ordered?",
        "Open My orders, select the order and tap Cancel. You can cancel until the parcel is "
        "handed to the courier; after that, refuse it at the door and it comes back to us. "
        "Orders with several items can be cancelled one item at a time."),
    "curekart.PAYMENT_AND_BILL": (
        "How do I get an invoice, or sort out a payment that failed?",
        "The invoice of every delivered order can be downloaded from My orders as a PDF. If "
        "money left your account but no order appears, the payment failed and your bank "
        "reverses it automatically within 5 to 7 working days. Send us the transaction "
        "reference if it has not come back after that."),
    "curekart.REFUNDS_RETURNS_REPLACEMENTS": (
        "How do returns, replacements and refunds work?",
        "If an item arrives damaged, wrong or with a broken seal, request a replacement from "
        "My orders within 7 days of delivery and upload a photo of it. Unopened products can "
        "also be sent back for a refund. Refunds reach your original payment method within 5 "
        "to 7 working days after we pick the item up."),
    "curekart.ORDER_STATUS": (
        "Where can I follow the progress of my order?",
        "Open My orders in the app or on the website to see each order as confirmed, packed, "
        "shipped or delivered. Once the parcel leaves our warehouse we also send a tracking "
        "link by SMS and email, with the courier's latest scan and the expected delivery "
        "date."),
    "curekart.DELAY_IN_PARCEL": (
        "Why is my parcel taking longer than expected?",
        "Parcels can be held up by heavy rain, local restrictions or a backlog at the courier, "
        "and smaller towns take longer to reach. If your order is more than 3 days past its "
        "expected date, write to us with the order number. We chase the courier and give you a "
        "new delivery date."),
    "curekart.RESUME_DELIVERY": (
        "Are deliveries running during the lockdown?",
        "Yes, deliveries have restarted in all areas where local rules allow them, and more "
        "areas are added every week. During the lockdown an order usually arrives in 4 to 7 "
        "days instead of the usual 2 to 4. Some areas can only receive essential goods for "
        "now."),
    "curekart.CHECK_PINCODE": (
        "How do I check whether you deliver to my area?",
        "Type your six-digit PIN code on any product page or at checkout and we show straight "
        "away whether we deliver there and how many days it takes. We reach more than 20,000 "
        "PIN codes across India. If your area is not served yet, you can ask to be told when it "
        "is."),
    "curekart.CALL_CENTER": (
        "How can I reach the CureKart call centre by phone?",
        "Our call centre takes calls every day from 9 a.m. to 9 p.m. on the toll-free number "
        "shown on the Contact us page. While lockdown rules apply it runs with fewer staff, so "
        "waits can be longer. You can also leave your number and we ring you back."),
    "curekart.FRANCHISE": (
        "How can my brand sell its products on CureKart?",
        "Brands and distributors can apply on our partner page with their company registration, "
        "tax number and product list. Our category team reviews each application within two "
        "weeks. Approved partners get a seller dashboard to list products and manage stock."),
    "powerplay11.CHAT_WITH_AN_AGENT": (
        "How do I reach a person on the PowerPlay11 support team?",
        "In the PowerPlay11 app, open Help and start a chat. The assistant answers common "
        "questions first; if it cannot help, ask for a person and a member of our team joins "
        "the chat. Our team is online from 8 a.m. to midnight."),
    "powerplay11.WINNINGS": (
        "When are contest winnings added to my account?",
        "Winnings are added to your winnings balance once the match is complete and the "
        "results are final, usually within an hour of the end of play. If a result is under "
        "review, payouts wait until the review ends. You can use winnings to join new contests "
        "or withdraw them to your bank."),
    "powerplay11.CHECK_DEPOSIT_STATUS": (
        "How do I see the money I have added to my wallet?",
        "Open My account, tap Transactions and filter by Deposits. Each deposit shows the "
        "amount, the date, the payment method and whether it succeeded, is pending or failed. "
        "A failed deposit goes back to your bank or wallet within 5 working days."),
    "powerplay11.WITHDRAWAL_STATUS": (
        "How can I follow a withdrawal I have requested?",
        "Go to My account, open Transactions and filter by Withdrawals. Each request shows as "
        "requested, processing, paid or failed, with the bank reference once it is paid. Paid "
        "withdrawals usually reach your bank account within 1 to 3 working days."),
    "powerplay11.OFFERS_AND_REFERRALS": (
        "How do referral bonuses and current promotions work?",
        "Share your personal code from the referral page of the app. When a friend signs up "
        "with it and joins a first paid contest, you both get a bonus. Current deposit offers "
        "and promotions are listed on the Offers page and change every week."),
    "powerplay11.POINTS_NOT_UPDATED": (
        "How often are fantasy points refreshed during a match?",
        "Player points are refreshed every few minutes from the official scoring feed, so they "
        "can lag behind the TV broadcast. Points are final only when the match is marked as "
        "completed. If nothing has moved for half an hour, the feed is late and the points "
        "catch up by themselves."),
    "powerplay11.WRONG_SCORES": (
        "What happens if a player's points are calculated wrongly?",
        "Points come from the official scorecard. If the scorecard is corrected after a match, "
        "for example a catch credited to the wrong fielder, we recalculate the points and the "
        "contest ranks. Report a mistake within 24 hours of the end of the match, naming the "
        "match, the player and the event."),
    "powerplay11.FAKE_TEAMS": (
        "Does PowerPlay11 enter its own teams in contests?",
        "No, PowerPlay11 never creates teams or plays in contests, and every team belongs to a "
        "verified user. Contests often fill in the last minutes because many players join just "
        "before the deadline. Accounts that break our fair play rules are blocked and their "
        "winnings withheld."),
    "powerplay11.TEAM_DEADLINE": (
        "When is the team deadline in Safe Play and in Regular Play?",
        "In Regular Play you can create and edit teams until the match starts. In Safe Play the "
        "deadline moves to after the toss and the line-up announcement, so you pick knowing who "
        "plays, but entry fees are higher. Each match shows its deadline on the contest page."),
}

# Unrelated topics (truth: null). They share a word or two with customer requests (order, app,
# delivery, deposit, mattress) but answer no label.
DECOYS = [
    ("Careers at our support centre",
     "We hire customer support agents, team leads and trainers for our support centre and for "
     "remote work. Apply online and we reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information we collect when you place an order, chat "
     "with us or use the app, why we keep it and who we share it with. We never sell your "
     "information. You can ask for a copy of the data we hold about you at any time."),
    ("Cookie policy",
     "Our websites use cookies to remember your language and to keep you signed in. You can "
     "turn off optional cookies at any time from the banner at the bottom of the page."),
    ("Accessibility statement",
     "We want everyone to be able to shop and play with us. Our websites and apps work with "
     "screen readers, and our agents can send any answer by email in large print."),
    ("Responsible play",
     "Fantasy sports should stay fun. Under Account settings you can set a monthly deposit "
     "limit or take a break from playing for a week, a month or longer."),
    ("Recycling your mattress packaging",
     "Our mattresses arrive rolled in recyclable plastic inside a cardboard box. Drop both at a "
     "local recycling point, or ask the delivery team to take them away."),
]

STILL = mgs.OUTRO                     # the shared closing line of make_gap_sets.py's articles


def read_rows(upstream):
    """Every upstream row: {"bot", "split", "row" (0-based data row), "text", "label"}."""
    rows = []
    for bot in BOTS:
        for split in ("train", "test"):
            path = os.path.join(upstream, "dataset", "v2", split, f"{bot}_{split}.csv")
            with open(path, encoding="utf-8", newline="") as f:
                for i, r in enumerate(csv.DictReader(f)):
                    rows.append({"bot": bot, "split": split, "row": i, "text": r["sentence"],
                                 "label": f"{bot}.{r['label']}", "raw_label": r["label"]})
    return rows


def choose_labels(rows):
    counts = collections.Counter(r["label"] for r in rows)
    dropped = {x for xs in SYNONYMS.values() for x in xs}
    for keep, drops in SYNONYMS.items():
        for d in drops:
            assert counts[keep] > counts[d], (keep, d)
    labels = sorted(x for x in counts if x not in dropped and counts[x] >= MIN_QUERIES)
    small = sorted(x for x in counts if x not in dropped and counts[x] < MIN_QUERIES)
    return labels, counts, sorted(dropped), small


def check_texts(all_rows, labels):
    """Every used label has an article and a family; no title or body sentence equals a HINT3
    text (any file, out-of-scope rows included), and no article contains one of four or more
    words."""
    missing = [x for x in labels if x not in ARTICLES]
    extra = [x for x in ARTICLES if x not in labels]
    assert not missing and not extra, f"ARTICLES mismatch: missing {missing}, extra {extra}"
    assert set(FAMILY) == set(labels), set(FAMILY) ^ set(labels)
    texts = {mgs.norm(r["text"]) for r in all_rows}
    mgs.check_articles(list(ARTICLES.values()), DECOYS, texts, mgs.sentences, max_sentences=5)


def ticket_text(rng, query):
    """make_gap_sets.ticket_text; a multi-line query that drew the subject-only shape becomes
    the description instead (no extra draw)."""
    subject, description = mgs.ticket_text(rng, query)
    if "\n" in subject:
        return "", query
    return subject, description


def ref(r):
    return f"{r['bot']}/{r['split']}:{r['row']}"


def build(upstream, out):
    digests = {rel: mgs.sha256(os.path.join(upstream, rel)) for rel in input_files()}
    for rel, h in digests.items():
        print(f"sha256 {h}  {rel}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    all_rows = read_rows(upstream)
    in_scope = [r for r in all_rows if r["raw_label"] != OUT_OF_SCOPE]
    assert all(r["split"] == "test" for r in all_rows if r["raw_label"] == OUT_OF_SCOPE)
    labels, counts, dropped, small = choose_labels(in_scope)
    check_texts(all_rows, labels)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING,
        accept=lambda u: all(
            sum(x.split(".", 1)[0] == b for x in u) >= MIN_UNCOVERED_PER_BOT for b in BOTS))
    rows = [r for r in in_scope if r["label"] in labels]
    reserved = mgs.reserve(rng, rows, covered)
    held = {ref(r) for rs in reserved.values() for r in rs}
    contacts = [r for r in rows if ref(r) not in held]
    rng.shuffle(contacts)

    start = mgs.place_in_time(rng, contacts, CHAT_SHARE, PREVIOUS_SHARE)
    order = {b: i for i, b in enumerate(BOTS)}
    tickets, chats, truth_contacts = mgs.pose_contacts(
        rng, contacts, lambda c: (order[c["bot"]], c["split"], c["row"]),
        ticket_text_of=lambda rng, c: ticket_text(rng, c["text"]))

    articles, article_truth = mgs.help_center(
        rng, covered, ARTICLES, DECOYS, FAMILY.__getitem__, ARTICLE_BASE, still=STILL,
        reserved=reserved)
    in_window = mgs.write_set(
        out, corpus=CORPUS, seed=SEED, uncovered=uncovered, covered=covered,
        article_truth=article_truth,
        reserved={i: [ref(r) for r in rs] for i, rs in reserved.items()},
        truth_contacts=truth_contacts, tickets=tickets, chats=chats, articles=articles,
        contacts=contacts, start=start)
    low = {x: in_window.get(x, 0) for x in labels if in_window.get(x, 0) < MIN_IN_WINDOW}
    assert not low, f"labels below {MIN_IN_WINDOW} contacts in the window: {low}"

    n_oos = sum(r["raw_label"] == OUT_OF_SCOPE for r in all_rows)
    print(f"{out}: intents={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"reserved={len(held)} tickets={len(tickets)} chats={len(chats)} "
          f"articles={len(articles)} in_window={sum(in_window.values())} "
          f"(rows read={len(all_rows)}, out-of-scope dropped={n_oos})")
    print("uncovered:", ", ".join(uncovered))
    print("with covered sibling:", ", ".join(with_sibling))
    print("dropped as cross-bot synonyms:", ", ".join(f"{x}={counts[x]}" for x in dropped))
    print(f"dropped below {MIN_QUERIES} queries:", ", ".join(f"{x}={counts[x]}" for x in small))
    print("per intent (train+test in-scope / contacts / in window):")
    n_contacts = collections.Counter(c["label"] for c in contacts)
    for x in labels:
        print(f"  {x:<42} {counts[x]:>4} {n_contacts[x]:>4} {in_window.get(x, 0):>4}  "
              f"{FAMILY[x]:<17} {'UNCOVERED' if x in uncovered else 'covered'}")


def main():
    mgs.upstream_main(
        build, "gaps-hint3", "folder with dataset/v2/{train,test}/*.csv (see docstring)")


if __name__ == "__main__":
    main()
