"""Knowledge-gap evaluation set built from Schema-Guided Dialogue (SGD, Google Research; held out).

  python make_gap_set_sgd.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files of GitHub
google-research-datasets/dstc8-schema-guided-dialogue in their own layout (see
gaps-sgd/SOURCE.md):

  UPSTREAM/{train,dev,test}/dialogues_<nnn>.json   lists of dialogues: "dialogue_id",
                                "services" and "turns" (USER and SYSTEM utterances, each USER
                                turn with one frame per service holding the dialogue state and
                                its "active_intent")

SGD (Rastogi et al., AAAI 2020) is a set of English task-oriented dialogues between a user and
a virtual assistant over 20 domains; the dialogues were generated from schemas by a simulator
and their turns paraphrased by crowd workers. The data are under CC BY-SA 4.0. The stored
snapshot lacks 44 of the 181 dialogue files (MISSING); the script reads the 137 present ones
(the manifest of their SHA-256 is printed and written in SOURCE.md).

Writes, deterministically (seed 20261213), a folder gaps-sgd/ with the four files and formats
of make_gap_sets.py / make_gap_set_star.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3609..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

One dialogue is one contact. Used: single-service dialogues. Its label is
"<family>.<intent>": the service's family (the service name without its version number, so
Banks_1 and Banks_2 are one family "Banks") and the first active intent of the user (the first
USER turn whose frame has an active intent other than "NONE"). The contact holds the user's
turns up to (not including) the first turn whose active intent is another intent (the user
goes on from searching to booking, say), white space collapsed; turns that are only a
greeting, thanks or goodbye are left out and bare confirmations are kept in chats only (word
lists and rules as make_gap_set_star.py). No system text is used. Families and intents left out
(EXCLUDED_FAMILIES): Music (its two intents are one need split by schema version), Movies (its
FindMovies overlaps Media's), Alarm, Calendar and Payment (personal-device tasks or too few
dialogues). Every other label with at least MIN_DIALOGUES dialogues is used (28 of them); labels
with more than MAX_PER_INTENT dialogues are cut to a seeded sample of that many. The services
are posed as one support desk of an invented assistant app whose members book and look things
up with partner businesses. 10 of the 28 labels are uncovered (seeded), redrawn until they
span at least 6 families and every one has a covered sibling in its family.

Tickets: the user's turns (confirmations dropped) joined by blank lines, under a generic
subject or the first words (a single short turn may be the subject alone). Chats: all kept
turns as visitor messages with generic agent lines between them. Articles: a hand-written
question title and 2-5 sentence body per label, quoting no user text
(check_dialogue_texts), plus 6 decoys; only the covered labels' articles are published. Time
as make_gap_set_star.py: 85 % of contacts in the 28 days ending 2026-03-31T23:59:59Z, 15 % in
the 28 days before.
"""
import collections
import json
import os
import random
import re
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (ticket/chat metadata, help center, file writer)

CORPUS = "sgd"
SEED = 20261213
SPLITS = {"train": 127, "dev": 20, "test": 34}   # dialogue files upstream per split (181)
# Dialogue files absent from the stored snapshot of upstream (commit e852981a...).
MISSING = {
    "train": [37, 52, 53, 54, 55, 56, 58, 60, 66, 68, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79,
              80, 81, 82, 83, 84, 85, 93, 94, 104, 117, 118],
    "dev": [15, 17, 18],
    "test": [12, 16, 19, 22, 23, 26, 27, 28, 29, 31],
}
EXCLUDED_FAMILIES = {"Music", "Movies", "Alarm", "Calendar", "Payment"}
MIN_DIALOGUES = 40                    # dialogues a label needs to be used
MAX_PER_INTENT = 150                  # larger labels are cut to a seeded sample of this size
MIN_IN_WINDOW = 15                    # contacts each used label must keep in the window
N_UNCOVERED = 10
MIN_UNCOVERED_FAMILIES = 6
MIN_WITH_COVERED_SIBLING = 10
CHAT_SHARE = 0.35
PREVIOUS_SHARE = 0.15                 # as make_gap_set_star.py
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360900000000           # banking77 3601 ... star 3608

# Greetings, thanks and bare confirmations: make_gap_sets.message_kind.

# Sibling family of each used label: its SGD service family, one partner service of the desk;
# also the article section.
FAMILY = {x: x.split(".")[0].lower() for x in [
    "Banks.CheckBalance", "Banks.TransferMoney",
    "Buses.FindBus",
    "Events.BuyEventTickets", "Events.FindEvents", "Events.GetEventDates",
    "Flights.ReserveOnewayFlight", "Flights.ReserveRoundtripFlights",
    "Flights.SearchOnewayFlight", "Flights.SearchRoundtripFlights",
    "Homes.FindApartment", "Homes.FindHomeByArea", "Homes.ScheduleVisit",
    "Hotels.BookHouse", "Hotels.ReserveHotel", "Hotels.SearchHotel", "Hotels.SearchHouse",
    "Media.FindMovies", "Media.PlayMovie",
    "RentalCars.GetCarsAvailable",
    "Restaurants.FindRestaurants", "Restaurants.ReserveRestaurant",
    "RideSharing.GetRide",
    "Services.BookAppointment", "Services.FindProvider",
    "Trains.FindTrains",
    "Travel.FindAttractions",
    "Weather.GetWeather",
]}

STILL = "Still need help? Send us a message in the app or start a chat with our support team."

# One article per used label (title, body), written by hand for an invented assistant app,
# "Example Assistant", through which members look things up and book with partner businesses
# (a bank, bus and train lines, event tickets, flights, homes to rent or buy, hotels and holiday
# houses, a film streaming service, car rental, restaurants, rides, salons and health
# practices, local attractions and the weather). Invented policies. Not copied from the corpus
# (check_dialogue_texts). Each body answers its own title only, so that a covered sibling
# does not answer an uncovered label. Only covered labels' articles are published.
ARTICLES = {
    "Banks.CheckBalance": (
        "How can I see how much money is in my accounts?",
        "Open Money in the app and choose the checking or savings account to see its current "
        "balance and the payments still pending. The figure is refreshed every few minutes, "
        "and a small clock icon shows when it was last updated. You can also ask in chat; we "
        "read the balance back after checking the passcode on your profile."),
    "Banks.TransferMoney": (
        "Sending money from your account to another person",
        "Choose the account to pay from, enter the recipient's name as saved in your contacts "
        "and the amount, then confirm with your passcode. Transfers between two Example Bank "
        "customers arrive at once; transfers to other banks take one business day. The daily "
        "limit is 5,000 dollars, and you can raise it in Settings."),
    "Buses.FindBus": (
        "Looking up intercity coach journeys",
        "Enter the city you leave from, your destination, the date and how many seats you "
        "need, and the app lists coaches run by our partner lines with their departure times, "
        "stops and fares. Direct coaches are shown first. Fares are per passenger, and "
        "children under two travel free on a lap."),
    "Events.BuyEventTickets": (
        "Buying tickets for a concert, game or show",
        "Pick the event and the date, say how many tickets you want and confirm; the tickets "
        "are added to your wallet in the app as scannable codes. You pay the face value plus a "
        "booking fee of 2 dollars per ticket. Tickets cannot be refunded, but most events let "
        "you pass them on to a friend from the wallet."),
    "Events.FindEvents": (
        "Discovering concerts, sports and theatre near you",
        "Open Going Out and choose a category, such as music, sports or theatre, and a city. "
        "The app lists what is on in the coming weeks with the venue, date and starting time. "
        "Follow an artist or a team to be told when they announce a new date near you."),
    "Events.GetEventDates": (
        "When is an artist or team next playing in my city?",
        "Search for the performer or team by name and pick a city to see every upcoming date "
        "there, with the venue. Dates are added as soon as the organiser publishes them, so a "
        "tour can appear a few cities at a time. Turn on alerts on the search page to be told "
        "when a new date is added."),
    "Flights.ReserveOnewayFlight": (
        "Booking a single flight with no return",
        "Once you have picked a flight, give the passenger's name as written on their "
        "passport, choose the cabin class and pay in the app to reserve the seat. The e-ticket "
        "and its booking reference arrive by email within minutes. Most one-way fares can be "
        "changed for a fee of 50 dollars but not refunded."),
    "Flights.ReserveRoundtripFlights": (
        "Booking an outbound and a return flight together",
        "Choose both flights, then enter each passenger's details once for the whole trip and "
        "pay; both legs share one booking reference. If you miss the outbound flight, the "
        "airline may cancel the return, so contact us before departure if your plans change. "
        "Round-trip bookings can be changed for one fee that covers both legs."),
    "Flights.SearchOnewayFlight": (
        "Searching for flights in one direction",
        "Enter your departure city, your destination and the day you want to fly, and the app "
        "lists the flights of our partner airlines with times, stops and price. Sort the list "
        "by price or by departure time, or keep only nonstop flights. Searching holds no seat; "
        "prices can change until you book."),
    "Flights.SearchRoundtripFlights": (
        "How to compare return trips by air",
        "Enter both cities, your outbound and return dates and the number of passengers. The "
        "app pairs outbound and return flights and shows the total price for everyone, so you "
        "can compare whole trips. Flexible dates show prices for the days around the ones you "
        "chose."),
    "Homes.FindApartment": (
        "Finding a flat to rent",
        "Open Homes, pick a city and set the number of bedrooms and bathrooms and your budget "
        "per month. Each listing shows the address, the monthly rent and whether the flat is "
        "furnished or takes pets. Save a search to get new listings by email each "
        "morning."),
    "Homes.FindHomeByArea": (
        "Searching for a property to buy or lease in a chosen area",
        "Choose the area on the map, whether you want to buy or lease, and the size you need, "
        "and the app lists matching properties from partner agents. Each listing gives the "
        "asking price or the rent, and notes such as a garage or a garden. Ask the listing "
        "agent in the app for floor plans and extra photos."),
    "Homes.ScheduleVisit": (
        "Arranging to see a property in person",
        "From a listing, choose View in person and pick one of the times the agent has open. "
        "You get a confirmation with the address and the agent's phone number. Cancel or move "
        "the viewing from your bookings up to an hour before it starts, so that the slot goes "
        "to someone else."),
    "Hotels.BookHouse": (
        "Reserving a holiday house or a whole flat for your stay",
        "Pick the house, your arrival and departure dates and the number of guests, then pay "
        "to confirm. The host sends check-in instructions two days before you arrive. "
        "Cancellation is free until seven days before arrival; after that the first night is "
        "charged."),
    "Hotels.ReserveHotel": (
        "Booking a room at a hotel you have chosen",
        "Select the hotel, your check-in date, the number of nights and of rooms, and confirm "
        "with your card. The room is held under the name on your profile, and the hotel "
        "charges the card at check-in. Most rates can be cancelled free of charge until noon "
        "the day before arrival."),
    "Hotels.SearchHotel": (
        "Comparing hotels in a city",
        "Enter the city and filter by star rating, price per night, whether smoking is "
        "allowed and how many rooms you need. Each hotel shows its address, its average guest "
        "review and the nightly price. The map view shows how far each one is from the centre."),
    "Hotels.SearchHouse": (
        "Finding a holiday house or short-term rental",
        "Choose where you are going and how many people are coming, then filter by review "
        "score and whether there is a laundry. Houses are listed with their nightly price and "
        "the host's rating. Prices include cleaning but not local tourist taxes, which the host "
        "collects on arrival."),
    "Media.FindMovies": (
        "Browsing the film library of our streaming service",
        "Open Watch and browse by genre, or search for a director or an actor, to see what is "
        "in the library this month. Each title shows its length, its rating and the languages "
        "of its subtitles. Titles leaving the library soon carry a label with the last day you "
        "can watch them."),
    "Media.PlayMovie": (
        "Starting a film on your television or phone",
        "Choose the title, press Play and pick the screen to play it on; the film starts where "
        "you left off if you have watched part of it. Subtitles and audio language are set in "
        "the player menu. Up to two screens can stream at the same time on one membership."),
    "RentalCars.GetCarsAvailable": (
        "Checking which rental cars are free for your dates",
        "Enter the pickup place, the pickup and return dates and times and the type of car, "
        "such as compact, standard or SUV, and the app lists the cars our partners have free "
        "with the total price. Drivers must be at least 21 and hold a licence for a year. Fuel "
        "is not included; return the car with a full tank to avoid a refuelling charge."),
    "Restaurants.FindRestaurants": (
        "How do I choose a restaurant in the app?",
        "Pick a city and a type of food, and filter by price level and whether the place has "
        "outdoor seating or live music. Each restaurant shows its address, phone number and "
        "average rating. Open a restaurant to read its menu when it has shared one with us."),
    "Restaurants.ReserveRestaurant": (
        "Reserving a table at a restaurant",
        "Choose the restaurant, the date, the time and the number of guests, and we send the "
        "booking to the restaurant, which confirms it in the app. Tables are held for 15 "
        "minutes after the booked time. Tell us about a high chair or wheelchair access in the "
        "notes field when you book."),
    "RideSharing.GetRide": (
        "Ordering a car to take you somewhere",
        "Enter your destination and how many people are travelling, and choose a shared or a "
        "private car, or a luxury car for a higher fare. The app shows the fare and how long "
        "the driver needs to reach you before you confirm. Shared rides may stop to pick up "
        "other passengers on the way."),
    "Services.BookAppointment": (
        "Booking a visit to a stylist, dentist, doctor or therapist",
        "Choose the practice or the salon, a date and a time they have free, and confirm in "
        "the app. You get a reminder the day before with the address. To cancel without a "
        "fee, do it at least 24 hours before the visit."),
    "Services.FindProvider": (
        "Finding a stylist, dentist, doctor or therapist near you",
        "Open Care and Beauty, choose the kind of professional you need and a city, and the "
        "app lists partner practices and salons with their address, phone number and rating. "
        "Filters show which dentists offer cosmetic treatment and which salons serve all "
        "genders. Each practice page lists the languages spoken there."),
    "Trains.FindTrains": (
        "Looking up train times and fares",
        "Enter the departure and arrival stations, the travel date and the number of "
        "travellers, and the app shows the trains of our partner railways with departure "
        "times, the journey length and the fare per class. Seats are not held until you pay. "
        "Trains that allow bicycles carry a small icon."),
    "Travel.FindAttractions": (
        "Finding things to see and do in a city",
        "Open Explore, choose a city and filter by museums, parks, landmarks or places suited "
        "to children. Each attraction shows where it is, how to call it and whether entry "
        "is free. Save places to a list to find them again when you travel."),
    "Weather.GetWeather": (
        "Checking the forecast for a city and a day",
        "Pick a city and a date up to ten days ahead to see the expected high temperature, "
        "the chance of rain, the humidity and the wind. The forecast is updated every hour. "
        "Severe weather warnings are shown at the top of the page."),
}

# Needs absent from the contacts (truth: null): two that share words with the requests (music,
# alarms; SGD has them but this set leaves them out), plus corporate pages.
DECOYS = [
    ("Listening to music with Example Assistant",
     "Link your music subscription in Settings to play songs and playlists on your phone or "
     "on a connected speaker. Our app does not sell songs or albums."),
    ("Setting alarms and reminders",
     "Alarms and reminders are set on your phone, not in Example Assistant. Open your phone's "
     "clock to add, rename or delete an alarm."),
    ("Buying an Example Assistant gift card",
     "Gift cards can be spent on hotel stays, event tickets and restaurant bookings. They never "
     "expire and come in any amount from 10 to 500 dollars."),
    ("Careers at Example Assistant",
     "We hire support agents, engineers and partner managers in several cities. Apply online "
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
    """The upstream dialogue files present in the snapshot, in split order (train, dev, test)
    and numeric order within a split."""
    return [f"{s}/dialogues_{n:03d}.json" for s, k in SPLITS.items()
            for n in range(1, k + 1) if n not in MISSING[s]]


def read_dialogues(upstream):
    """Every upstream dialogue of the present files as {"file", "id", "services", "label"
    (None unless single-service with an active intent), "messages" (every user utterance,
    white space collapsed), "turns" (the user utterances up to the first turn with another
    active intent), "cut" (whether such a turn was found)}, in file order."""
    out = []
    for p in file_names():
        with open(os.path.join(upstream, p), encoding="utf-8") as f:
            dialogues = json.load(f)
        for d in dialogues:
            user = [t for t in d["turns"] if t["speaker"] == "USER"]
            messages = [" ".join(t["utterance"].split()) for t in user]
            label, turns, cut = None, [], False
            if len(d["services"]) == 1:
                family = re.sub(r"_[0-9]+$", "", d["services"][0])
                first = None
                for t, m in zip(user, messages):
                    intents = [fr["state"]["active_intent"] for fr in t["frames"]
                               if fr["state"]["active_intent"] != "NONE"]
                    if intents and first is None:
                        first = intents[0]
                    elif intents and intents[0] != first:
                        cut = True
                        break
                    if m:
                        turns.append(m)
                if first is not None:
                    label = f"{family}.{first}"
            out.append({"file": p, "id": d["dialogue_id"], "services": d["services"],
                        "label": label, "messages": [m for m in messages if m],
                        "turns": turns, "cut": cut})
    return out


def contact_units(dialogues):
    """The usable dialogues as units {"label", "turns", "ticket_turns", "ref", "order", "cut"}
    in file order, and counts of the dialogues left out."""
    units, skipped = [], collections.Counter()
    for d in dialogues:
        if len(d["services"]) != 1:
            skipped["multi-service"] += 1
            continue
        if d["label"] is None:
            skipped["no active intent"] += 1
            continue
        if d["label"].split(".")[0] in EXCLUDED_FAMILIES:
            skipped["excluded family"] += 1
            continue
        need = mgs.need_turns(d["turns"])
        if need is None:
            skipped["no user message beyond greetings and confirmations"] += 1
            continue
        turns, ticket_turns = need
        units.append({"label": d["label"], "turns": turns, "ticket_turns": ticket_turns,
                      "ref": f"{d['file']}#{d['id']}", "order": len(units), "cut": d["cut"]})
    return units, skipped


def build(upstream, out):
    digest, _ = mgs.manifest(upstream, file_names())
    print(f"sha256 {digest}  manifest of {len(file_names())} files "
          f"<split>/dialogues_<nnn>.json (sha256sum lines in file_names() order)")
    print(f"sha256 {mgs.sha256(os.path.join(upstream, 'LICENSE.txt'))}  LICENSE.txt")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    dialogues = read_dialogues(upstream)
    units, skipped = contact_units(dialogues)
    labels, counts, small = mgs.labels_with_at_least((u["label"] for u in units), MIN_DIALOGUES)
    mgs.check_dialogue_texts(dialogues, units, labels, ARTICLES, FAMILY, DECOYS)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING)
    contacts = [dict(u) for u in mgs.cap_per_label(rng, units, labels, MAX_PER_INTENT)]
    rng.shuffle(contacts)

    tickets, chats, articles, in_window = mgs.write_conversation_set(
        sys.modules[__name__], rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["order"],),
        lambda rng, c: mgs.turns_ticket_text(rng, c["ticket_turns"], SUBJECTS),
        lambda c: c["turns"])

    n_turns = sorted(len(c["turns"]) for c in contacts)
    words = sorted(len(" ".join(c["turns"]).split()) for c in contacts)
    first_words = sorted(len(c["turns"][0].split()) for c in contacts)
    print(f"{out}: labels={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"tickets={len(tickets)} chats={len(chats)} articles={len(articles)} "
          f"(decoys={len(DECOYS)}) in_window={sum(in_window.values())} "
          f"(dialogues read={len(dialogues)}, left out: {dict(sorted(skipped.items()))})")
    print(f"dropped below {MIN_DIALOGUES} dialogues:",
          ", ".join(f"{x}={counts[x]}" for x in small) or "none")
    print(f"chat messages per contact: median {n_turns[len(n_turns) // 2]}, mean "
          f"{sum(n_turns) / len(n_turns):.1f}, max {n_turns[-1]}; words per contact: median "
          f"{words[len(words) // 2]}, mean {sum(words) / len(words):.1f}, 10th-90th "
          f"{words[len(words) // 10]}-{words[9 * len(words) // 10]}, max {words[-1]}; "
          f"first message words: median {first_words[len(first_words) // 2]}")
    print("per label (dialogues / used / in window / cut at an intent switch):")
    used = collections.Counter(c["label"] for c in contacts)
    cut = collections.Counter(c["label"] for c in contacts if c["cut"])
    for x in labels:
        print(f"  {x:<32} {counts[x]:>5} {used[x]:>4} {in_window.get(x, 0):>4} "
              f"{cut[x] / used[x]:>5.0%}  {FAMILY[x]:<12} "
              f"{'UNCOVERED' if x in uncovered else 'covered'}")


def main():
    mgs.upstream_main(build, "gaps-sgd",
                      "folder with {train,dev,test}/dialogues_<nnn>.json (see the docstring)")


if __name__ == "__main__":
    main()
