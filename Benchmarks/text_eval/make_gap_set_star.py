"""Knowledge-gap evaluation set built from STAR (Rasa's schema-guided Wizard-of-Oz chats).

  python make_gap_set_star.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub RasaHQ/STAR in their own layout (see
gaps-star/SOURCE.md):

  UPSTREAM/dialogues/<n>.json   one dialogue per file (6,652 files): "Scenario" (the task the
                                wizard was given, "MultiTask", "Happy"), "CompletionLevel" and
                                "Events" (user and wizard messages, knowledge-base queries)

STAR (Mosig, Mehri and Kober, 2020) is a set of English chats between two crowd workers on
Amazon Mechanical Turk: a "user" who was given a task (book a ride, report fraud on a bank
account, reserve a hotel room, ...) and a "wizard" who played the service's agent with a
knowledge base. The data are under the MIT licence.

Writes, deterministically (seed 20261212), a folder gaps-star/ with the four files and formats
of make_gap_sets.py / make_gap_set_multidogo.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3608..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

One dialogue is one contact; its label is the dialogue's task (upstream's task name, e.g.
"bank_fraud_report"). Used: single-task dialogues ("MultiTask" false, one task offered to the
wizard) of every task except the three that are not support needs (two science-fiction
spaceship role plays and a trivia game), with at least one user message that is more than a
greeting, thanks or goodbye. The contact's texts are the user's messages in order, white space
collapsed; messages that are only a greeting, thanks or goodbye are left out, and bare
confirmations ("yes please", "no", "sounds good") are kept in chats only
(make_gap_sets.message_kind). No wizard text is used. The tasks are posed as one support
desk of an invented concierge service whose members ask it for bookings, banking, rides and
the like. 8 of the 21 tasks are
uncovered (seeded), redrawn until they span at least 6 families and every one has a covered
sibling in its family (the task's domain).

Tickets: the user's messages (confirmations dropped) joined by blank lines, under a generic
subject or the first words (a single short message may be the subject alone). Chats: all kept
messages as visitor messages with generic agent lines between them. Articles: a hand-written
question title and 2-5 sentence body per covered task, quoting no user text
(check_dialogue_texts), plus 6 decoys. Time as make_gap_set_multidogo.py: 85 % of contacts in
the 28 days ending 2026-03-31T23:59:59Z, 15 % in the 28 days before.
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

CORPUS = "star"
SEED = 20261212
DIALOGUES = "dialogues"
N_FILES = 6652                        # dialogue files upstream (dialogues/1.json ... 6652.json)
NOT_SUPPORT = {"spaceship_access_codes", "spaceship_life_support", "trivia"}
MIN_DIALOGUES = 20                    # dialogues a task needs to be used
MIN_IN_WINDOW = 15                    # contacts each used task must keep in the window
N_UNCOVERED = 8
MIN_UNCOVERED_FAMILIES = 6
MIN_WITH_COVERED_SIBLING = 8
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_multidogo.py
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360800000000           # banking77 3601 ... multidogo 3607

# Greetings, thanks and bare confirmations: make_gap_sets.message_kind.

# Sibling family of each used task: its STAR domain, one service of the desk; also the article
# section.
FAMILY = {
    "apartment_schedule": "apartments", "apartment_search": "apartments",
    "bank_balance": "banking", "bank_fraud_report": "banking",
    "doctor_followup": "clinic", "doctor_schedule": "clinic",
    "hotel_book": "hotels", "hotel_search": "hotels", "hotel_service_request": "hotels",
    "meeting_schedule": "meetings",
    "party_plan": "party-venues", "party_rsvp": "party-venues",
    "plane_book": "flights", "plane_search": "flights",
    "restaurant_book": "dining", "restaurant_search": "dining",
    "ride_book": "rides", "ride_change": "rides", "ride_status": "rides",
    "trip_directions": "directions",
    "weather": "weather",
}

STILL = "Still need help? Send us a message in the app or start a chat with our concierge team."

# One article per used task (title, body), written by hand for an invented concierge service,
# "Example Concierge", that books and manages things for its members with partner businesses
# (apartments to rent, a bank, a clinic, hotels, a meeting planner, party venues, flights,
# restaurants, rides, directions and weather in its app). Invented policies. Not copied from the
# corpus (check_dialogue_texts). Each body answers its own title only, so that a covered
# sibling does not answer an uncovered task. Only covered tasks' articles are published.
ARTICLES = {
    "apartment_schedule": (
        "Booking a viewing of an apartment",
        "Choose the apartment in the app, then pick a day and a start and end time, and we "
        "confirm the viewing with the building's leasing office. Viewings can be booked for "
        "the same day when a slot is free, or up to two weeks ahead. Some buildings ask you to "
        "pay their application fee before a viewing; the app says when this applies. You can "
        "add a short note for the agent who shows you around."),
    "apartment_search": (
        "How to search for an apartment to rent",
        "Open Homes in the app and set your filters: number of bedrooms, monthly rent, lowest "
        "floor, balcony, elevator and what you want close by, such as a park or public "
        "transport. Results are sorted by how well they match, and each listing shows photos, "
        "the rent and the date it becomes free. Save your search to get an email when a new "
        "listing matches it."),
    "bank_balance": (
        "How can I check the balance of my bank account?",
        "Sign in to Example Bank in the app to see the current and available balance of each of "
        "your accounts. To hear your balance in chat or by phone, we first verify your identity "
        "with your account number and PIN, or with your security questions if you do not have "
        "them to hand. For your safety, we never give out a balance before these checks are "
        "complete."),
    "bank_fraud_report": (
        "Reporting fraud or a stolen card on your bank account",
        "If you see a payment you did not make, or your card was lost or stolen, contact us "
        "straight away by chat or phone, day or night. After we verify your identity, we freeze "
        "the card, note down what happened and open a fraud report. You are not liable for "
        "payments reported as fraud, and we tell you the outcome of the investigation within "
        "ten business days."),
    "doctor_followup": (
        "Checking your doctor's instructions after an appointment",
        "After each visit, your doctor's instructions for medicine, rest and aftercare are "
        "added to your patient record at Example Clinic. Open Visits in the app to read them, "
        "or ask us in chat with your name and your doctor's name and we read them back to you. "
        "If anything in the instructions is unclear or you feel worse, call your doctor's "
        "office directly."),
    "doctor_schedule": (
        "How do I book an appointment with a doctor?",
        "Choose your doctor, a day and a time window, and we book the first free slot with them "
        "at Example Clinic. Describe your symptoms when you book so that the doctor can "
        "prepare; urgent symptoms are offered the earliest appointment of the day. You can "
        "cancel or move an appointment up to two hours before it starts."),
    "hotel_book": (
        "Reserving a room at a partner hotel",
        "Tell us the hotel, your check-in and check-out dates and the name for the booking, and "
        "we confirm the room if one is free. Add any special request, such as a quiet room, "
        "early check-in or an extra bed, and the hotel does its best to meet it. Cancellation "
        "is free until 48 hours before check-in."),
    "hotel_search": (
        "How to find a hotel that suits you",
        "Search our partner hotels by part of town, price range and guest rating, or look one "
        "up by name to see where it is, its price level and its average rating. The best rated "
        "matches are listed first. Change the filters at any time to compare hotels in other "
        "parts of the city."),
    "hotel_service_request": (
        "Requesting towels, cleaning or other services during your hotel stay",
        "During your stay you can ask for fresh towels, extra pillows, toiletries, "
        "housekeeping or a wake-up call in the app or in chat. Give us the hotel, your room "
        "number and the time you would like the service, and the hotel confirms it. Requests "
        "made before 10 p.m. are usually delivered within the hour."),
    "meeting_schedule": (
        "Scheduling a meeting with a colleague",
        "Pick the colleague, the day, the start and end time and a short reason for the "
        "meeting, and we check their calendar. If they are busy, we suggest the nearest free "
        "times on the same day. Once you accept a time, both of you receive a calendar "
        "invitation."),
    "party_plan": (
        "Planning a party at one of our venues",
        "Choose a venue, a date and start and end times, and tell us how many guests you "
        "expect. Every venue has a guest limit and its own menu, and we can add food and "
        "drinks to the booking. We hold the venue as soon as you confirm, and you can change "
        "the number of guests up to three days before the party."),
    "party_rsvp": (
        "Replying to an invitation to a party at one of our venues",
        "Give us the host's name and the venue, the time you will arrive and how many people "
        "are coming with you. Tell us if you need parking or have dietary needs, and we pass "
        "them on to the host and the venue. You can change or withdraw your reply at any time "
        "before the party."),
    "plane_book": (
        "Booking a seat on a flight you have chosen",
        "Once you have the flight number, give us the traveller's name and we reserve the seat "
        "if the flight still has room. You pay when you book and receive a confirmation email "
        "with your booking reference. If the flight is full, we offer you the nearest flight on "
        "the same route."),
    "plane_search": (
        "Finding flights between two cities",
        "Enter the departure and arrival cities and your travel date to see the flights "
        "available, with their airline, times, stops and price. You can narrow the results by "
        "price, airline or cabin class. Searching is free and holds no seat until you book."),
    "restaurant_book": (
        "How do restaurant reservations work?",
        "Give us the restaurant, the time, the number of people in your party and the name for "
        "the booking. We confirm straight away if a table is free, or suggest other times that "
        "day. Large groups may need to book at least a day ahead."),
    "restaurant_search": (
        "Finding a restaurant by cuisine, area or price",
        "Search our partner restaurants by type of food, part of town, price range and rating. "
        "Filters also show which places take reservations and which ones deliver. Each result "
        "lists the address, opening hours and average rating."),
    "ride_book": (
        "Booking a ride with Example Rides",
        "Enter where you want to be picked up and where you are going, and choose the kind of "
        "car you prefer. We show the price and the waiting time before you confirm. Once the "
        "ride is booked, you receive the driver's name, the car model and its plate number."),
    "ride_change": (
        "Changing or cancelling a ride you have booked",
        "Open the ride in the app, or give us your booking ID in chat, to change the pickup "
        "point, the destination or the pickup time. Changes are free until the driver is on "
        "the way. Cancelling within two minutes of booking is also free; after that a small fee "
        "may apply."),
    "ride_status": (
        "Where is my ride?",
        "With your booking ID, the app shows the status of your ride: whether a driver has been "
        "assigned, where the car is now and its expected arrival time. We also send a text "
        "message when the driver is two minutes away. If your driver is more than ten minutes "
        "late, contact us and we find you another car."),
    "trip_directions": (
        "Getting step-by-step directions in the app",
        "Enter your starting point, your destination, when you want to leave and how you are "
        "travelling: on foot, by car or by public transport. The app gives you the route one "
        "step at a time, with details such as the bus line, the stop to get off at and where "
        "to turn. Ask for the next step whenever you are ready."),
    "weather": (
        "Checking the weather forecast",
        "The app shows the forecast for any city for the coming week, with the temperature, "
        "the chance of rain and the wind for each day. Pick a city and a day to see the hourly "
        "forecast. Warnings of severe weather appear at the top of the screen."),
}

# Needs absent from the data (truth: null): they share words with the requests (car, hotel,
# booking, account) but answer no task; plus corporate pages.
DECOYS = [
    ("Renting a car through Example Concierge",
     "Our partner rental companies offer cars at airports and in city centres. Compare prices "
     "and book in the Rentals section of the app; the rental company handles the car itself."),
    ("Buying an Example Concierge gift card",
     "Gift cards can be spent on hotel stays, restaurant bookings and party venues. They never "
     "expire and come in any amount from 10 to 500 dollars."),
    ("Membership plans and fees",
     "The Basic plan is free. The Plus plan adds priority support and a monthly newsletter of "
     "member offers, and you can change or end it at any time from your profile."),
    ("Careers at Example Concierge",
     "We hire concierge agents, engineers and partner managers in several cities. Apply online "
     "and we reply within two weeks."),
    ("Privacy notice",
     "This notice explains what personal information we collect when you use our app, why we "
     "keep it and which partners we share it with. We never sell your information."),
    ("Accessibility statement",
     "Our app and website work with screen readers, and our agents can send any confirmation "
     "by email in large print on request."),
]

SUBJECTS = mgs.CONVERSATION_SUBJECTS
MID_AGENT = mgs.CONVERSATION_MID_AGENT


def file_names():
    """The upstream dialogue files in numeric order: dialogues/1.json ... dialogues/6652.json."""
    return [f"{DIALOGUES}/{n}.json" for n in range(1, N_FILES + 1)]




def read_dialogues(upstream):
    """Every upstream dialogue as {"file", "id", "task" (None unless single-task), "multi",
    "completion", "happy", "messages": [user texts, white space collapsed, empty ones
    dropped]}, in file order."""
    out = []
    for p in file_names():
        with open(os.path.join(upstream, p), encoding="utf-8") as f:
            d = json.load(f)
        s = d["Scenario"]
        tasks = [c["Task"] for c in s["WizardCapabilities"]]
        messages = [" ".join(e["Text"].split()) for e in d["Events"]
                    if e["Agent"] == "User" and e["Action"] == "utter"]
        out.append({"file": p, "id": d["DialogueID"],
                    "task": tasks[0] if not s["MultiTask"] and len(tasks) == 1 else None,
                    "multi": bool(s["MultiTask"]) or len(tasks) != 1,
                    "completion": d["CompletionLevel"], "happy": bool(s["Happy"]),
                    "messages": [m for m in messages if m]})
    return out


def contact_units(dialogues):
    """The usable dialogues as units {"label", "turns", "ticket_turns", "ref", "order", "happy",
    "completion"} in file order, and counts of the dialogues left out."""
    units, skipped = [], collections.Counter()
    for d in dialogues:
        if d["multi"]:
            skipped["multi-task"] += 1
            continue
        if d["task"] in NOT_SUPPORT:
            skipped[f"task {d['task']}"] += 1
            continue
        need = mgs.need_turns(d["messages"])
        if need is None:
            skipped["no user message beyond greetings and confirmations"] += 1
            continue
        turns, ticket_turns = need
        units.append({"label": d["task"], "turns": turns, "ticket_turns": ticket_turns,
                      "ref": d["file"], "order": len(units), "happy": d["happy"],
                      "completion": d["completion"]})
    return units, skipped


def build(upstream, out):
    digest, lines = mgs.manifest(upstream, file_names())
    print(f"sha256 {digest}  manifest of {N_FILES} files {DIALOGUES}/<n>.json "
          f"(sha256sum lines in numeric order)")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    dialogues = read_dialogues(upstream)
    units, skipped = contact_units(dialogues)
    labels, counts, small = mgs.labels_with_at_least((u["label"] for u in units), MIN_DIALOGUES)
    assert not small, f"tasks below {MIN_DIALOGUES} dialogues: {small}"
    mgs.check_dialogue_texts(dialogues, units, labels, ARTICLES, FAMILY, DECOYS)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING)
    contacts = [dict(u) for u in units]
    rng.shuffle(contacts)

    tickets, chats, articles, in_window = mgs.write_conversation_set(
        sys.modules[__name__], rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["order"],),
        lambda rng, c: mgs.turns_ticket_text(rng, c["ticket_turns"], SUBJECTS),
        lambda c: c["turns"])

    n_turns = sorted(len(c["turns"]) for c in contacts)
    words = sorted(len(" ".join(c["turns"]).split()) for c in contacts)
    print(f"{out}: tasks={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"tickets={len(tickets)} chats={len(chats)} articles={len(articles)} "
          f"(decoys={len(DECOYS)}) in_window={sum(in_window.values())} "
          f"(dialogues read={len(dialogues)}, left out: {dict(sorted(skipped.items()))})")
    print(f"chat messages per contact: median {n_turns[len(n_turns) // 2]}, mean "
          f"{sum(n_turns) / len(n_turns):.1f}; words per contact: median "
          f"{words[len(words) // 2]}, mean {sum(words) / len(words):.1f}, max {words[-1]}")
    print("per task (dialogues / in window / unhappy-path share):")
    unhappy = collections.Counter(c["label"] for c in contacts if not c["happy"])
    for x in labels:
        print(f"  {x:<24} {counts[x]:>5} {in_window.get(x, 0):>4} "
              f"{unhappy[x] / counts[x]:>5.0%}  {FAMILY[x]:<13} "
              f"{'UNCOVERED' if x in uncovered else 'covered'}")


def main():
    mgs.upstream_main(build, "gaps-star", "folder with dialogues/<n>.json (see the docstring)")


if __name__ == "__main__":
    main()
