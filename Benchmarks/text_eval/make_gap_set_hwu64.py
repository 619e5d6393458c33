"""Knowledge-gap evaluation set built from HWU64 (fold 1), shaped unlike gaps-banking77/clinc150.

  python make_gap_set_hwu64.py [--textevals DIR] [--out DIR]

Reads TextEval/hwu64/{train,test}.csv and writes, deterministically (seed 20261207), a folder
gaps-hwu64/ with the same four files and formats as make_gap_sets.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3603..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty here), contacts

What differs from the banking77/clinc150 sets on purpose:
  * all 64 intents; 18 uncovered (seeded), spread over at least 10 scenarios (label prefixes);
  * articles read like a real Help Center: a hand-written question title and a 2-4 sentence
    instructional body that answers it (ARTICLES below), no "Customers also ask" examples, so
    no corpus query is reserved: every train+test query becomes a contact;
  * 30 % chats (not 25 %); 8 decoy articles on unrelated topics.

Ticket and chat shapes, filler pools, the timing (70 % of contacts in the 28 days ending
2026-03-31T23:59:59Z, 30 % in the 28 days before) and the file writer (`write_set`) are
make_gap_sets.py's, imported from Benchmarks/text_eval.
"""
import argparse
import os
import re
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (its shapes, pools and file writer)

CORPUS = "hwu64"
SEED = 20261207
N_UNCOVERED = 18
MIN_UNCOVERED_SCENARIOS = 10
CHAT_SHARE = 0.30
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360300000000           # banking77 uses 3601..., clinc150 3602...

# One article per intent (title, body). Written by hand for a voice-assistant / smart-home
# product; not copied from the corpus (checked in check_texts). Only covered intents' articles
# are published; the dict holds all 64 so the choice of uncovered intents can change freely.
ARTICLES = {
    "alarm_query": (
        "How can I check which alarms I have?",
        "Ask the assistant what alarms you have coming up, or open the Alarms tab in the app. "
        "It lists every active alarm with its time, label and repeat days. Alarms that are "
        "switched off appear in grey, so you can tell at a glance which ones will ring."),
    "alarm_remove": (
        "How do I delete an alarm?",
        "Tell the assistant which alarm to cancel, by its time or by the name you gave it, or "
        "swipe it away in the Alarms tab. You can also clear every alarm for one day in a single "
        "request. A deleted alarm cannot be restored."),
    "alarm_set": (
        "How do I set an alarm?",
        "Tell the assistant when you want to be woken, with the time and, if it is not today, "
        "the day. You can name the alarm and choose a repeat schedule such as weekdays only. "
        "Alarms ring even when the phone is on silent."),
    "audio_volume_down": (
        "How do I make the speaker quieter?",
        "Ask the assistant to lower the volume, or press the minus button on the device. Each "
        "step takes the level down by ten percent, or you can name a lower level. The new "
        "level is kept until you change it again."),
    "audio_volume_mute": (
        "How do I mute the assistant?",
        "Ask the assistant to go silent, or press the mute button on top of the device. You "
        "can also mute it for a set time, for example one hour, and sound comes back by itself "
        "afterwards. Alarms still ring while the device is muted."),
    "audio_volume_up": (
        "How can I make the speaker louder?",
        "Ask the assistant to raise the volume or press the plus button on the device. You can "
        "go up one step at a time or name a level between one and a hundred. If it is still "
        "too soft at full volume, check the volume on the connected phone as well."),
    "calendar_query": (
        "How do I check what's on my calendar?",
        "Ask the assistant what you have planned today, this week or on a particular date. It "
        "reads out your events with their times, places and who you are meeting. Only "
        "calendars you have connected on the Accounts page of the app are included."),
    "calendar_remove": (
        "How do I delete an event from my calendar?",
        "Tell the assistant which event to take off your calendar, by its name, date or time. "
        "If several events match, it reads them out and asks which one you mean. Deleting an "
        "event you organised also sends a cancellation to the people you invited."),
    "calendar_set": (
        "How do I add a meeting or event to my calendar?",
        "Tell the assistant what the event is, when it starts and, if you like, who is "
        "attending. You can ask for a reminder beforehand and make the event repeat every "
        "week, month or year. New events go into your default calendar, which you can change "
        "in settings."),
    "cooking_recipe": (
        "Can the assistant help me cook a dish?",
        "Yes. Name a dish, or the ingredients you have at home, and the assistant finds a "
        "recipe and reads it to you one step at a time. Say next or back to move between steps "
        "while your hands are busy. It can also scale the quantities for more or fewer people."),
    "datetime_convert": (
        "How do I convert a time between time zones?",
        "Give the assistant a time and two places or time zones, and it tells you the matching "
        "time in the other one. You can also ask how many hours apart two cities are. Daylight "
        "saving time is taken into account automatically."),
    "datetime_query": (
        "How do I ask for the current time or date?",
        "Just ask the assistant for the time, or for today's date. Add the name of a city to "
        "hear the local time there. It can also tell you which day of the week a given date "
        "falls on."),
    "email_addcontact": (
        "How do I save an email address to my contacts?",
        "Tell the assistant the person's name and their email address, and it adds them to "
        "your address book. If the person is already a contact, the address is added to their "
        "existing entry. Spell unusual addresses letter by letter so they are saved correctly."),
    "email_query": (
        "How do I find out if I have new email?",
        "Ask the assistant whether any new mail has arrived, or ask for messages from a "
        "particular person. It reads out the sender, the subject and the first lines of each "
        "message. Only the inbox of the email account linked in the app is checked."),
    "email_querycontact": (
        "How do I look up a contact's phone number or address?",
        "Say the name of the contact and ask for the detail you need, such as a phone number, "
        "email or home address. The assistant searches your address book and reads out what it "
        "finds. If two contacts share a name, it asks which one you mean."),
    "email_sendemail": (
        "How do I send an email with the assistant?",
        "Say who the email is for, then dictate your message. The assistant reads the draft "
        "back before sending it, so you can change it or cancel. To answer the last message "
        "from someone, ask to reply to them and say your answer."),
    "general_affirm": (
        "How do I tell the assistant it understood me?",
        "When the assistant checks what you meant, simply answer yes, correct or exactly, and "
        "it carries on with the task. Confirming also teaches it how you like to phrase "
        "things, so it asks less often over time."),
    "general_commandstop": (
        "How do I stop the assistant in the middle of something?",
        "Say stop or cancel at any moment, or tap the screen, and the assistant stops talking "
        "and drops the current task. Nothing is saved or sent when you stop it halfway. To "
        "power the device down completely, hold the power button for three seconds."),
    "general_confirm": (
        "How do I ask the assistant to confirm what it heard?",
        "Ask the assistant to check what it understood, and it reads your last request back "
        "to you word for word. This is handy before it sends a message or makes a booking. If "
        "the read-back is wrong, say so and give the request again."),
    "general_dontcare": (
        "What if I don't mind which option the assistant picks?",
        "When the assistant offers you a choice, you can tell it that any option is fine by "
        "you. It then goes with the most common option, such as the nearest shop or the first free "
        "time slot. You can still change the choice afterwards."),
    "general_explain": (
        "Can the assistant explain an answer in more detail?",
        "If an answer was unclear, ask the assistant to put it another way or to say more "
        "about it. It gives a longer and simpler version and can add an example. Ask once more "
        "and it goes into further detail."),
    "general_joke": (
        "Can the assistant tell jokes?",
        "Yes. Ask for a joke and the assistant picks one from a large, family-friendly "
        "collection. You can choose a theme, such as animals or school. Ask for another one to "
        "hear the next joke."),
    "general_negate": (
        "What should I do if the assistant got my request wrong?",
        "If the assistant misheard you or did the wrong thing, tell it that it is not right and "
        "give your request again. Speaking a little more slowly and using full names usually "
        "helps. Your corrections are used to improve how it understands you over time."),
    "general_praise": (
        "How do I tell the assistant it did a good job?",
        "You can thank the assistant out loud, and the answer is marked as helpful. For more "
        "detailed feedback, give the answer a thumbs up in the history screen of the app. "
        "Positive ratings show our team which features work well."),
    "general_quirky": (
        "What happens when I ask the assistant something unusual?",
        "The assistant does its best with odd or off-the-wall requests and is happy to make "
        "small talk. If it cannot help, it says so and may offer a web search instead. Urgent "
        "health or safety questions are always pointed to an official source or emergency "
        "number."),
    "general_repeat": (
        "How do I get the assistant to say something again?",
        "If you missed what the assistant said, ask it to repeat itself and it says its last "
        "answer again, word for word. You can also ask it to speak more slowly. Only the most "
        "recent answer can be replayed."),
    "iot_cleaning": (
        "How do I start my robot vacuum with the assistant?",
        "Link your robot vacuum on the Devices page of the app, then ask the assistant to "
        "start cleaning. You can name a room if your vacuum has a map of your home. Ask it to "
        "pause or to go back to its dock to end the session."),
    "iot_coffee": (
        "Can the assistant make coffee with my smart coffee machine?",
        "Yes, once your connected coffee machine is linked on the Devices page. Ask for a cup "
        "and the assistant starts brewing with your saved strength and size. You can also "
        "schedule a brew for later, as long as the water tank and bean container are filled."),
    "iot_hue_lightchange": (
        "How do I change the colour of my smart lights?",
        "Name a colour, and a room if you like, and the assistant switches your connected "
        "bulbs to it. Colour only works with colour-capable bulbs; white-only bulbs ignore the "
        "request. You can also pick a saved scene, such as warm white or sunset."),
    "iot_hue_lightdim": (
        "How do I dim my smart lights?",
        "Ask the assistant to make the lights dimmer in one room or in the whole home. Each "
        "request lowers the brightness by about twenty percent, or you can name an exact "
        "percentage. Dimmed lights keep their colour."),
    "iot_hue_lightoff": (
        "How do I switch off my smart lights?",
        "Tell the assistant which lights to switch off, such as the kitchen or everything "
        "downstairs. Lights in every room can be switched off at once with a single request. "
        "You can also set a timer so they go out after a number of minutes."),
    "iot_hue_lighton": (
        "How do I switch on my smart lights?",
        "Ask the assistant to turn your lights on in a room or in the whole home. They come "
        "on with the brightness and colour they had last time. If a bulb does not respond, "
        "check that its wall switch is on, because bulbs need power to be controlled."),
    "iot_hue_lightup": (
        "How do I make my smart lights brighter?",
        "Ask the assistant to brighten the lights, or to raise them to a certain percentage. "
        "Without a room name it changes the lights in the room where the speaker is. Bulbs "
        "already at full brightness cannot go any higher."),
    "iot_wemo_off": (
        "How do I turn off a smart plug?",
        "Say the name you gave the plug in the app, for example desk lamp, and ask the "
        "assistant to switch it off. Whatever is plugged into it loses power straight away. "
        "You can also schedule the plug to cut power later, such as once your phone has "
        "charged."),
    "iot_wemo_on": (
        "How do I turn on a smart plug?",
        "Ask the assistant to power up the plug, using the name you gave it in the app. The "
        "device connected to it gets power at once, so make sure it is safe to start remotely. "
        "If the plug does not respond, check that it is connected to your home Wi-Fi."),
    "lists_createoradd": (
        "How do I start a list or add items to one?",
        "Tell the assistant the name of a new list, such as groceries or packing, to create "
        "it. To put something on a list, say the item and the name of the list. You can add "
        "several items in one go by naming them one after another."),
    "lists_query": (
        "How can I hear what is on one of my lists?",
        "Ask the assistant to read out a list by its name, for example your shopping or to-do "
        "list. It reads the items in the order you added them. To see all of your lists, open "
        "the Lists tab in the app."),
    "lists_remove": (
        "How do I delete a list or take an item off it?",
        "Tell the assistant which item to take off a list, or which whole list to delete. "
        "Before it deletes a complete list, the assistant asks you to confirm. Deleted lists "
        "stay in the app's bin for seven days in case you change your mind."),
    "music_likeness": (
        "How do I save songs I like to my favourites?",
        "While a song is playing, tell the assistant that you like it and it is added to your "
        "favourites. The assistant also uses your likes to choose what to play next. You can "
        "see and edit your favourites in the Music tab."),
    "music_query": (
        "How do I find out the name of the track that's playing?",
        "Ask the assistant about the current track and it tells you the title, the artist and "
        "the album. It can also show the lyrics for many songs. A list of recently played "
        "tracks is kept in the app."),
    "music_settings": (
        "How do I turn shuffle or repeat on or off?",
        "Ask the assistant to shuffle your music, to repeat the current track, or to stop "
        "either one. These settings apply to the playlist or album you are listening to and "
        "stay on until you turn them off. You can also change them on the player screen of "
        "the app."),
    "news_query": (
        "How do I get the latest news?",
        "Ask the assistant for the headlines, or for news about a subject, place or source "
        "that interests you. It reads short summaries from trusted news providers. Choose your "
        "preferred sources under News in the app settings."),
    "play_audiobook": (
        "How do I listen to an audiobook?",
        "Ask the assistant to play an audiobook by its title or author. It picks up where you "
        "stopped last time, and you can skip back thirty seconds or to the previous chapter. "
        "Books come from the library service linked in the app."),
    "play_game": (
        "Can I play games with the assistant?",
        "Yes. Ask the assistant to start a game, such as a quiz, a word game or noughts and "
        "crosses, or to open a game you have installed. Games that need a screen open on your "
        "phone or TV. Say that you are done playing to end the game."),
    "play_music": (
        "How do I play music?",
        "Ask for a song, an artist, an album or a genre, and the assistant plays it from your "
        "linked music service. You can also ask for something to suit a mood, like relaxing "
        "background music. Link a music service in the app first; otherwise a free station "
        "plays."),
    "play_podcasts": (
        "How do I listen to podcasts?",
        "Name a podcast and the assistant plays its newest episode, or the next one you have "
        "not heard yet. You can skip forward or back an episode at any time. Shows you follow "
        "in the app are checked for new episodes every day."),
    "play_radio": (
        "How do I listen to the radio?",
        "Ask for a station by its name or frequency and the assistant tunes in over the "
        "internet. To switch, just ask for a different station. Local stations are found "
        "using the location set in the app."),
    "qa_currency": (
        "Can the assistant tell me exchange rates?",
        "Yes. Ask for the exchange rate between two currencies, or how much an amount is worth "
        "in another currency. Rates come from a market data provider and are updated every few "
        "minutes. They are for information only and may differ from what your bank charges."),
    "qa_definition": (
        "Can the assistant tell me what a word means?",
        "Ask the assistant to define a word or a term and it reads out the dictionary meaning. "
        "For words with several meanings, the most common one comes first. It can also spell "
        "the word and tell you where it comes from."),
    "qa_factoid": (
        "Can the assistant answer general knowledge questions?",
        "Yes. Ask about people, places, history, science and other facts, and the assistant "
        "gives a short answer along with its source. Answers about very recent events may be "
        "less complete. Ask a follow-up question to learn more."),
    "qa_maths": (
        "Can the assistant do sums and unit conversions?",
        "Yes. Say a calculation, such as adding, subtracting, multiplying or dividing numbers, "
        "and the assistant gives you the result. It also works out percentages and converts "
        "units such as miles to kilometres. For long calculations, say the numbers slowly and "
        "clearly."),
    "qa_stock": (
        "How can I check share prices?",
        "Ask the assistant for the price of a share by company name or ticker symbol. It tells "
        "you the latest stock price and how much it has moved today. Prices may be delayed by "
        "up to fifteen minutes and are not investment advice."),
    "recommendation_events": (
        "How do I find events happening near me?",
        "Ask the assistant what is on nearby, today or on a particular date. It suggests "
        "concerts, shows, festivals and other local events based on your location. You can "
        "narrow the results by type of event or by town."),
    "recommendation_locations": (
        "How can I find good restaurants, shops and other places nearby?",
        "Ask the assistant for a type of place, for example a Thai restaurant or a hardware "
        "store, and it suggests options close to you. Results include ratings, opening hours "
        "and distance. Name a town or street to search somewhere else."),
    "recommendation_movies": (
        "Can the assistant recommend a film to watch?",
        "Yes. Tell the assistant what kind of film you are in the mood for and it suggests "
        "titles along with their ratings. It can also list what is showing at cinemas near you "
        "tonight. Your likes and dislikes improve the suggestions over time."),
    "social_post": (
        "How do I post on social media with the assistant?",
        "Link your social media accounts in the app, then tell the assistant what to post and "
        "where. It reads the post back to you before it is published. You can tag a company or "
        "person by their account name."),
    "social_query": (
        "How do I catch up on my social media feeds?",
        "Ask the assistant for your latest notifications, or what the people and accounts you "
        "follow have posted. It can also tell you what is trending and how many likes your own "
        "posts received. Only accounts you have linked in the app can be read."),
    "takeaway_order": (
        "How do I order takeaway food?",
        "Tell the assistant what you would like to eat and from which restaurant, or ask it to "
        "order your last meal again. It confirms the items, price and delivery time before "
        "placing the order. Payment uses the card saved in your food delivery account."),
    "takeaway_query": (
        "How do I check whether a restaurant delivers, or where my food order is?",
        "Ask the assistant whether a restaurant offers delivery or collection, and it checks "
        "with the food delivery service. Once you have ordered, ask about your order to hear "
        "its status and estimated arrival time. Updates are also sent to your phone."),
    "transport_query": (
        "How do I check train times and journeys?",
        "Ask the assistant about trains between two stations on a given day and time. It tells "
        "you departure times, platforms, delays and how long the trip takes. It can also tell "
        "you how far away a place is from where you are."),
    "transport_taxi": (
        "How do I book a taxi?",
        "Say where you want to go and the assistant books a ride with the taxi or ride-hailing "
        "service linked in the app. It tells you the estimated fare and how soon your driver "
        "will arrive. You can also book a ride for a later time."),
    "transport_ticket": (
        "How do I buy a train ticket?",
        "Tell the assistant where you are travelling from and to, with the date and time, and "
        "it finds a matching train. It reads out the fare and class before you confirm the "
        "purchase. Tickets are sent to the app and to your email."),
    "transport_traffic": (
        "How do I check the traffic on my route?",
        "Ask the assistant what the roads are like on a particular road, in a city or on your "
        "way to work. It tells you about jams, roadworks and accidents, and how long the drive "
        "takes right now. Save your home and work addresses in the app for quicker answers."),
    "weather_query": (
        "How do I get the weather forecast?",
        "Ask the assistant about the weather today, tomorrow or later in the week, where you "
        "are or in any other city. It gives the temperature, the chance of rain and the wind. "
        "It can also suggest whether you need a coat or an umbrella."),
}

# Unrelated topics (truth: null). They share a word or two with customer questions (speaker,
# delete, cancel, lights, account, app) so a one-word match is possible, but answer no intent.
DECOYS = [
    ("Billing and subscription plans",
     "The assistant is free to use. The Plus plan adds more linked devices and family profiles "
     "and is billed monthly or yearly. You can cancel at any time from your account page, and "
     "the plan stays active until the end of the period you paid for."),
    ("Privacy policy",
     "This policy explains what data we collect, why we keep it and who we share it with. Voice "
     "recordings are stored only if you allow it, and you can delete your history at any time. "
     "We never sell your personal information."),
    ("Warranty and returns",
     "Speakers and displays bought from our shop come with a two-year warranty. You can return a "
     "device within thirty days if it is unused and in its original box. Refunds go back to the "
     "original payment method."),
    ("Cookie policy",
     "Our website uses cookies to remember your language and to keep you signed in. You can turn "
     "off optional cookies at any time from the banner at the bottom of the page."),
    ("Accessibility statement",
     "We want everyone to be able to use our devices and app. The app works with screen readers, "
     "and the speaker can play a short tone to confirm each action."),
    ("Careers at Example",
     "Join our team. We hire engineers, designers and support staff in London and remotely. "
     "Apply online and we will reply within two weeks."),
    ("Terms of service",
     "These terms apply when you use the assistant, the app and our devices. You must be at "
     "least thirteen to create an account. We will email you before any change to the terms "
     "takes effect."),
    ("Recycling your old devices",
     "Send us any old speaker, smart plug or light bulb and we recycle it free of charge. Print "
     "a prepaid label from the website and drop the parcel at any post office."),
]


def scenario(label):
    return label.split("_", 1)[0]


def choose_intents(rng, labels):
    """18 uncovered intents, seeded; redrawn until they span at least 10 scenarios."""
    for attempt in range(1, 1001):
        uncovered = sorted(rng.sample(labels, N_UNCOVERED))
        if len({scenario(x) for x in uncovered}) >= MIN_UNCOVERED_SCENARIOS:
            covered = [x for x in labels if x not in uncovered]
            return uncovered, covered, attempt
    raise SystemExit("no draw met the scenario constraint")


def sentences(text):
    return [s for s in re.split(r"(?<=[.?!;])\s+", text) if s]


def check_texts(rows, labels):
    """Every intent has an article; no title, body sentence or long corpus query is copied."""
    missing = [x for x in labels if x not in ARTICLES]
    extra = [x for x in ARTICLES if x not in labels]
    assert not missing and not extra, f"ARTICLES mismatch: missing {missing}, extra {extra}"
    queries = {mgs.norm(r["text"]) for r in rows}
    mgs.check_articles(list(ARTICLES.values()), DECOYS, queries, sentences, max_sentences=4)


def build(textevals, out):
    folder = os.path.join(textevals, CORPUS)
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    rows = mgs.read_corpus(folder)
    labels = sorted({r["label"] for r in rows})
    assert len(labels) == 64, len(labels)
    check_texts(rows, labels)
    uncovered, covered, attempts = choose_intents(rng, labels)
    contacts = list(rows)            # no reservation: every train+test query is a contact
    rng.shuffle(contacts)

    # Kind and creation instant per contact; ids follow creation order within each kind.
    start = mgs.place_in_time(rng, contacts, CHAT_SHARE)
    tickets, chats, truth_contacts = mgs.pose_contacts(
        rng, contacts, lambda c: (c["split"], c["row"]))

    articles, article_truth = mgs.help_center(
        rng, covered, ARTICLES, DECOYS, scenario, ARTICLE_BASE, still=None)

    in_window = mgs.write_set(
        out, corpus=CORPUS, seed=SEED, uncovered=uncovered, covered=covered,
        article_truth=article_truth,
        reserved={},   # nothing reserved: articles carry no corpus queries
        truth_contacts=truth_contacts, tickets=tickets, chats=chats, articles=articles,
        contacts=contacts, start=start)
    print(f"{out}: intents={len(labels)} uncovered={len(uncovered)} "
          f"(scenarios={len({scenario(x) for x in uncovered})}, draw {attempts}) "
          f"contacts={len(contacts)} tickets={len(tickets)} chats={len(chats)} "
          f"articles={len(articles)} in_window={sum(in_window.values())}")


def main():
    textevals = os.path.join(TEXT_EVAL, "..", "..", "Tests", "EndToEndTests", "TextEval")
    ap = argparse.ArgumentParser()
    ap.add_argument("--textevals", default=textevals)
    ap.add_argument("--out", default=os.path.join(textevals, "gaps-hwu64"))
    a = ap.parse_args()
    build(os.path.normpath(a.textevals), os.path.normpath(a.out))


if __name__ == "__main__":
    main()
