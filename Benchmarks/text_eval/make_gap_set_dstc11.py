"""Knowledge-gap evaluation set built from the DSTC11 Track 2 (NatCS) customer-service data.

  python make_gap_set_dstc11.py UPSTREAM [--out DIR]

UPSTREAM is a folder holding the upstream files (see TextEval/gaps-dstc11/SOURCE.md):

  UPSTREAM/dstc11/development/test-utterances.jsonl     amazon-science/dstc11-track2-intent-induction
  UPSTREAM/dstc11/test-banking/test-utterances.jsonl
  UPSTREAM/dstc11/test-finance/test-utterances.jsonl
  UPSTREAM/turns/test-insurance/intended_utterances.jsonl   the labelled customer turns of the
  UPSTREAM/turns/test-banking/intended_utterances.jsonl     DSTC11 dialogues, as extracted in
  UPSTREAM/turns/test-finance/intended_utterances.jsonl     koapushjin/Summer2022-NLP-DSTC11
                                                            (FullArchive/TOCD_ensemble/data/)

and writes, deterministically (seed 20261208), a folder gaps-dstc11/ with the four files and
formats of make_gap_sets.py / make_gap_set_hwu64.py:

  tickets.csv    generic ticket CSV  (ids t00001..., load as source "helpdesk")
  chats.ndjson   generic chat NDJSON (ids c00001..., load as source "chat")
  articles.json  Help Center {"articles": [...]} (ids 3604..., load as source "kb")
  truth.json     corpus, seed, as_of, window_days, sources, uncovered, covered, in_window,
                 articles, reserved (empty), contacts

Units (one contact each), all with the corpus' own customer wording:
  * a dialogue contact: the customer turns of one DSTC11 dialogue that carry one intent label
    (turns of the same dialogue with the same single intent are kept together, in turn order;
    a dialogue with several intents gives one contact per intent; turns with two or more labels
    are left out);
  * an utterance contact: one row of upstream's test-utterances.jsonl (the Task 2 evaluation
    utterances, written as single customer requests).
Labels are "<domain>.<Intent>" (domains insurance, banking, finance). Labels that are
near-synonyms of a label in another domain (SYNONYMS) are dropped whole, keeping the one with
more contacts, so no two chosen intents mean the same thing. Of the rest the 45 with the most
contacts are used (the 45th and 46th differ: 54 vs 53 contacts). 18 are uncovered (seeded),
redrawn until they span at least 9 of the 13 families (FAMILY) and at least 12 of them have a
covered sibling in their family.

Tickets: the customer turns joined by blank lines (short single-turn texts may be a subject
alone); chats: the customer turns as visitor messages with generic agent lines between them
(the dialogues' own agent turns are not in the available files). Timing as make_gap_sets.py:
70 % in the 28 days ending 2026-03-31T23:59:59Z, 30 % in the 28 days before.
"""
import collections
import json
import os
import random
import sys

TEXT_EVAL = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ beside the scripts
sys.path.insert(0, TEXT_EVAL)
import make_gap_sets as mgs  # noqa: E402  (pools, ticket/chat metadata, file writer)

CORPUS = "dstc11"
SEED = 20261208
N_INTENTS = 45
N_UNCOVERED = 18
MIN_UNCOVERED_FAMILIES = 9
MIN_WITH_COVERED_SIBLING = 12
CHAT_SHARE = 0.35
SOURCES = mgs.SOURCES                 # helpdesk / chat / kb
ARTICLE_BASE = 360400000000           # banking77 3601..., clinc150 3602..., hwu64 3603...

UTTERANCE_FILES = [("insurance", "dstc11/development/test-utterances.jsonl"),
                   ("banking", "dstc11/test-banking/test-utterances.jsonl"),
                   ("finance", "dstc11/test-finance/test-utterances.jsonl")]
TURN_FILES = [("insurance", "turns/test-insurance/intended_utterances.jsonl"),
              ("banking", "turns/test-banking/intended_utterances.jsonl"),
              ("finance", "turns/test-finance/intended_utterances.jsonl")]

# Near-synonyms across domains: every label on the right is dropped (the left one has more
# contacts in this corpus and stays a candidate).
SYNONYMS = {
    "banking.CheckAccountBalance": ["finance.CheckAccountBalance", "insurance.CheckAccountBalance"],
    "insurance.ChangeAddress": ["banking.UpdateStreetAddress", "finance.UpdateStreetAddress"],
    "finance.UpdateEmail": ["banking.UpdateEmail"],
    "finance.UpdatePhoneNumber": ["banking.UpdatePhoneNumber"],
    "banking.GetBranchHours": ["finance.GetBranchHours"],
    "banking.FindBranch": ["finance.FindBranch", "banking.GetBranchInfo"],
    "banking.OpenBankingAccount": ["finance.OpenAccount"],
    "banking.CloseBankAccount": ["finance.CloseAccount"],
    "banking.InternalFundsTransfer": ["finance.MakeTransfer"],
    "finance.OnlineBankingInfo": ["banking.SetUpOnlineBanking"],
    "banking.CheckTransactionHistory": ["finance.GetTransactions"],
    "finance.OrderCheck": ["banking.OrderChecks"],
    "finance.ApplyCreditCard": ["banking.OpenCreditCard"],
    "finance.RequestNewCard": ["banking.RequestNewCard"],
}

# Sibling families (same flow of a bank-and-insurance help desk); also the article section.
FAMILY = {
    "banking.CheckAccountBalance": "accounts", "banking.OpenBankingAccount": "accounts",
    "banking.CloseBankAccount": "accounts", "finance.AddUserToAccount": "accounts",
    "banking.InternalFundsTransfer": "transfers", "banking.ExternalWireTransfer": "transfers",
    "banking.FindBranch": "branches", "banking.FindATM": "branches",
    "banking.GetBranchHours": "branches", "finance.ScheduleAppointment": "branches",
    "banking.ReportLostStolenCard": "cards", "finance.ApplyCreditCard": "cards",
    "finance.GetCreditCardInfo": "cards", "finance.MakeCreditCardPayment": "cards",
    "finance.ChangePin": "cards",
    "banking.DisputeCharge": "statements", "finance.GetBankStatement": "statements",
    "finance.ChangeStatementDelivery": "statements", "finance.CancelCheck": "statements",
    "finance.ApplyLoan": "loans", "finance.GetLoanInfo": "loans",
    "finance.CheckLoanBalance": "loans",
    "finance.OnlineBankingInfo": "online", "insurance.ResetPassword": "online",
    "insurance.CreateAccount": "online",
    "insurance.ChangeAddress": "profile", "finance.UpdateEmail": "profile",
    "finance.UpdatePhoneNumber": "profile",
    "finance.AskConsumerPriceIndex": "markets", "finance.GetExchangeRate": "markets",
    "insurance.GetQuote": "plans", "insurance.EnrollInPlan": "plans",
    "insurance.CancelPlan": "plans", "insurance.ChangePlan": "plans",
    "insurance.PayBill": "billing", "insurance.ReportBillingIssue": "billing",
    "insurance.CancelAutomaticBilling": "billing", "insurance.UpdatePaymentPreference": "billing",
    "insurance.CheckPaymentStatus": "billing", "insurance.UpdateBillingFrequency": "billing",
    "finance.SetAutoPayment": "billing",
    "insurance.FileClaim": "claims", "insurance.RequestProofOfInsurance": "claims",
    "insurance.AddDependent": "dependents", "insurance.RemoveDependent": "dependents",
}

STILL = "Still need help? Contact us."

# One article per chosen intent (title, body), written for a company that offers bank
# accounts, cards, loans and insurance. Written by hand, not copied from the corpus (checked in
# check_texts). Each body answers its own title only, so that a covered sibling does not answer
# an uncovered one. Only covered intents' articles are published.
ARTICLES = {
    "banking.CheckAccountBalance": (
        "How can I see the balance of my checking or savings account?",
        "Sign in to online banking or the mobile app and your accounts are listed on the home "
        "screen with their current and available balances. The available balance already "
        "takes pending card payments into account. You can also get a balance at any of our "
        "ATMs by choosing Balance after entering your PIN."),
    "banking.OpenBankingAccount": (
        "How do I open a new checking or savings account?",
        "You can open an account online in about ten minutes, or at any branch. Have a "
        "government-issued photo ID, your Social Security number and your current address "
        "ready. Once the account is approved you can fund it with a transfer from another bank "
        "or a cash deposit."),
    "banking.CloseBankAccount": (
        "How do I close my bank account?",
        "Move any money you want to keep and stop payments that still draw on the account "
        "first. Then send us a secure message from online banking or visit a branch, and we "
        "close the account and send the remaining balance by check or transfer. A closed "
        "account cannot be reopened, but you can open a new one at any time."),
    "finance.AddUserToAccount": (
        "Can I add another person to my account?",
        "Yes. The account owner can add a joint owner or an authorized user, such as a business "
        "partner or an employee. The new user needs to provide their own ID and sign the account "
        "agreement. Authorized users receive their own card and sign-in details, and you can "
        "remove them at any time."),
    "banking.InternalFundsTransfer": (
        "How do I move money between my own accounts?",
        "In online banking or the app, choose Transfer, pick the account to take the money from "
        "and the account to send it to, and enter the amount. Transfers between your own "
        "accounts with us are free and usually arrive straight away. You can also set up a "
        "repeating transfer, for example to your savings every payday."),
    "banking.ExternalWireTransfer": (
        "How do I send a wire transfer to another bank?",
        "Choose Wire transfer in online banking, or visit a branch. You will need the "
        "recipient's full name, their bank's routing number or SWIFT code and their account "
        "number. Domestic wires sent before 3 p.m. Eastern time arrive the same business day; "
        "international wires can take up to five business days. A fee applies to each wire."),
    "banking.FindBranch": (
        "Where is my nearest branch?",
        "Use the branch locator on our website or in the app and enter a ZIP code, a city or "
        "a street address. It shows the branches closest to you with their address, phone "
        "number and the services each one offers, such as safe deposit boxes or a notary."),
    "banking.FindATM": (
        "How do I find an ATM?",
        "Open the ATM finder in the app or on our website and allow it to use your location, or "
        "type in an address. It lists our own ATMs and the partner machines where you can "
        "withdraw cash without a fee. Machines that also accept deposits are marked with a "
        "deposit symbol."),
    "banking.GetBranchHours": (
        "What are your branch opening hours?",
        "Most branches are open Monday to Friday from 9 a.m. to 5 p.m. and on Saturday from "
        "9 a.m. to noon. Hours vary by location and on public holidays, so check the branch "
        "page in the branch locator before you visit. Drive-through lanes often open earlier."),
    "finance.ScheduleAppointment": (
        "How do I book an appointment with a banker?",
        "Choose Book an appointment on our website or in the app, pick a branch, a topic and a "
        "time that suits you. You can meet a personal banker, a loan officer, a financial "
        "advisor or a notary. We send a confirmation by email and a reminder the day before."),
    "banking.ReportLostStolenCard": (
        "What should I do if my card is lost or stolen?",
        "Lock your card straight away in the app, then call us on the number on our website, "
        "day or night. We cancel the card, send a replacement to your address on file and "
        "check recent transactions with you. You are not responsible for purchases you did not "
        "make once you have reported the card."),
    "finance.ApplyCreditCard": (
        "How do I apply for a credit card?",
        "Choose the card you want on our website and select Apply now. The application asks for "
        "your income, your housing costs and your Social Security number, and most people "
        "get a decision within minutes. Once approved, your card arrives by mail within seven "
        "to ten business days."),
    "finance.GetCreditCardInfo": (
        "Which credit cards do you offer?",
        "We offer a cash back card, a travel rewards card with no foreign transaction fees, and "
        "a low-rate card for carrying a balance. Each card page lists the annual fee, the "
        "interest rate and the rewards you earn. Business owners can also choose a business "
        "card with separate cards for employees."),
    "finance.MakeCreditCardPayment": (
        "How do I pay my credit card bill?",
        "Sign in and choose Pay card, then pay the minimum, the statement balance or another "
        "amount from one of your accounts. Payments made before 8 p.m. Eastern time are "
        "credited the same day. You can also pay by phone or by mailing a check to the address "
        "on your statement."),
    "finance.ChangePin": (
        "How do I change my card PIN?",
        "You can choose a new PIN at any of our ATMs: insert your card, enter your current PIN "
        "and choose Change PIN. If you have forgotten your PIN, request a new one in the app "
        "under Card settings and it arrives by mail. Avoid PINs that are easy to guess, such as "
        "your date of birth."),
    "banking.DisputeCharge": (
        "What can I do about a charge I don't recognize?",
        "First check whether the charge comes from a merchant you know under a different name. "
        "If it is still wrong, tap the transaction in the app and choose Dispute, or call us. "
        "We give you a temporary credit while we investigate, which usually takes up to ten "
        "business days."),
    "finance.GetBankStatement": (
        "How do I get a copy of my bank statement?",
        "Statements from the last seven years are in online banking under Statements and "
        "documents, where you can download them as PDF files. If you need a printed copy or "
        "an older statement, ask at a branch or send us a secure message. Paper copies may "
        "carry a small fee."),
    "finance.ChangeStatementDelivery": (
        "Can I choose between paper and electronic statements?",
        "Yes. In online banking, open Statement preferences and choose paperless, paper by "
        "mail, or both. The change applies from your next statement. Paperless statements are "
        "free and we email you when a new one is ready."),
    "finance.CancelCheck": (
        "How do I stop payment on a check?",
        "If a check you wrote has not been cashed yet, you can place a stop payment in online "
        "banking or by calling us. Give the check number, the amount, the date and the payee. A "
        "stop payment lasts six months and a fee applies."),
    "finance.ApplyLoan": (
        "How do I apply for a loan?",
        "Start an application online or at a branch for a personal, auto, home or business "
        "loan. We ask about your income, your employer and the amount you want to borrow, and "
        "we may ask for recent pay stubs or tax returns. Most applicants hear back within two "
        "business days."),
    "finance.GetLoanInfo": (
        "What loan products are available?",
        "We offer personal loans, auto loans, mortgages, home equity lines of credit and small "
        "business loans. Secured loans, backed by a car, a home or savings, usually come with "
        "a lower rate than unsecured ones. Current rates and terms for each loan are listed on "
        "its page."),
    "finance.CheckLoanBalance": (
        "How can I see how much I still owe on my loan?",
        "Sign in and open the loan from your list of accounts to see the principal left, the "
        "interest charged so far this year and your next payment. For the exact amount needed "
        "to pay the loan off on a given date, request a payoff quote in the same place."),
    "finance.OnlineBankingInfo": (
        "What can I do with online banking?",
        "Online banking lets you view balances and statements, move money, pay bills and "
        "deposit checks with your phone's camera. It is free for all customers with a checking "
        "or savings account. To enrol, choose Sign up on our website and have your account "
        "number and card ready."),
    "insurance.ResetPassword": (
        "I forgot my password. How do I reset it?",
        "On the sign-in page, choose Forgot password and enter the email address on your "
        "account. We send you a link that is valid for thirty minutes. Pick a new password of "
        "at least ten characters that you have not used with us before."),
    "insurance.CreateAccount": (
        "How do I register for an online account?",
        "Choose Register on the sign-in page and enter your policy number, your date of birth "
        "and your email address. We send a verification code to that address. Once you confirm "
        "it, you can choose a password and sign in to manage your policies online."),
    "insurance.ChangeAddress": (
        "How do I update my mailing address?",
        "Sign in, open Profile and choose Edit next to your address, or tell us the new address "
        "by phone. If you have moved, your insurance premium may change because rates depend "
        "on where you live. We mail a confirmation letter to the new address."),
    "finance.UpdateEmail": (
        "How do I change the email address on my account?",
        "Sign in, open Profile and choose Edit next to your email address. We send a "
        "confirmation link to the new address, and the change takes effect once you click it. "
        "Alerts and paperless statements go to the new address from then on."),
    "finance.UpdatePhoneNumber": (
        "How do I change my phone number?",
        "Sign in, open Profile and choose Edit next to your phone number, then enter the code "
        "we text to the new number. We use this number for security codes and fraud alerts, "
        "so keep it up to date."),
    "finance.AskConsumerPriceIndex": (
        "Where can I find the latest consumer price index figures?",
        "Our Market insights page shows the most recent consumer price index for the United "
        "States, with the monthly and yearly change in prices. The figures come from the "
        "Bureau of Labor Statistics and are updated on the day they are published. Our "
        "advisors can explain what inflation means for your savings."),
    "finance.GetExchangeRate": (
        "What exchange rate do you use for foreign currency?",
        "Our current buy and sell rates for major currencies are listed on the Foreign "
        "exchange page and update several times a day. The rate is fixed at the moment you "
        "order currency or send an international payment. Branches can order foreign cash for "
        "pick-up within two business days."),
    "insurance.GetQuote": (
        "How do I get a price for a new insurance policy?",
        "Choose the type of cover, such as auto, home, renters or life, on our website and "
        "answer a few questions about what you want to insure. Your quote appears within "
        "minutes and is valid for thirty days. An agent can also prepare a quote for you by "
        "phone."),
    "insurance.EnrollInPlan": (
        "How do I sign up for an insurance plan?",
        "Once you have picked a plan, choose Enroll and confirm your personal details, your "
        "start date and how you want to pay. Cover begins on the start date you chose, and "
        "your policy documents are sent by email. Existing customers can add a new plan from "
        "their online account."),
    "insurance.CancelPlan": (
        "How do I cancel my insurance policy?",
        "Call us or send a secure message with your policy number and the date you want the "
        "cover to end. If you have paid ahead, we refund the unused part of your premium. "
        "For auto insurance, make sure your new cover starts before the old one ends."),
    "insurance.ChangePlan": (
        "Can I switch to a different level of cover?",
        "Yes, you can upgrade or downgrade your plan at any time, for example to add "
        "comprehensive cover or raise your deductible. Sign in and choose Change plan to see "
        "the new premium before you confirm. The change applies from the date you pick."),
    "insurance.PayBill": (
        "How do I pay my insurance premium?",
        "Sign in and choose Pay now to pay by card or from a bank account, or pay by phone "
        "with our automated line. Your payment is applied the same day. Keep the confirmation "
        "number in case you need to refer to it later."),
    "insurance.ReportBillingIssue": (
        "What should I do if my bill looks wrong?",
        "Compare the bill with your policy documents first: a change of cover, an added "
        "driver or a new address can change the premium. If it still looks wrong, send us a "
        "secure message with the bill date and what you think is incorrect. Our billing team "
        "replies within two business days and corrects any error."),
    "insurance.CancelAutomaticBilling": (
        "How do I turn off automatic payments for my policy?",
        "Sign in, open Billing and switch off AutoPay, or call us. Make the change at least "
        "three days before your next due date so that payment is not taken. After that you "
        "need to pay each bill yourself by its due date."),
    "insurance.UpdatePaymentPreference": (
        "How do I change the card or bank account I pay with?",
        "Sign in, open Billing and choose Payment method to add a new card or bank account and "
        "make it your default. Remove an expired card so that it is not tried again. The new "
        "method is used from your next payment."),
    "insurance.CheckPaymentStatus": (
        "How can I tell whether my payment went through?",
        "Sign in and open Billing history: each payment shows as pending, completed or "
        "returned. Card payments normally complete within a day and bank payments within three "
        "business days. We also email a receipt once a payment completes."),
    "insurance.UpdateBillingFrequency": (
        "Can I pay monthly instead of once a year?",
        "Yes. You can pay your premium monthly, every three months, every six months or once a "
        "year. Open Billing and choose Billing schedule to switch. Paying in full for a year "
        "usually costs slightly less than paying monthly."),
    "finance.SetAutoPayment": (
        "How do I set up automatic payments?",
        "Sign in, choose the loan or card you want to pay and select Set up AutoPay. Choose the "
        "account to pay from, the amount (minimum, full balance or a fixed sum) and the day of "
        "the month. AutoPay starts with your next bill."),
    "insurance.FileClaim": (
        "How do I make a claim?",
        "Start a claim online, in the app or by phone as soon as you can after the loss. Tell "
        "us what happened, when and where, and upload photos, receipts or a police report if "
        "you have them. A claims adjuster contacts you within one business day."),
    "insurance.RequestProofOfInsurance": (
        "Where can I download my insurance card or certificate?",
        "Sign in and open Documents to download or print your insurance ID card or a "
        "certificate of insurance. You can also add the ID card to your phone's wallet. If a "
        "landlord or lender needs a certificate, we can email it to them directly."),
    "insurance.AddDependent": (
        "How do I add a family member to my policy?",
        "Sign in, open your policy and choose Add a person, or call us. We need the person's "
        "name, date of birth and relationship to you. Cover for them starts on the date you "
        "choose, and your premium is adjusted from then on."),
    "insurance.RemoveDependent": (
        "How do I take someone off my policy?",
        "Call us or send a secure message with the person's name and the date their cover "
        "should end, for example when a child moves out. Your premium is lowered from that "
        "date. The person can take out their own policy with us without a waiting period."),
}

# Unrelated topics (truth: null). They share a word or two with customer requests (account,
# card, app, branch, online) but answer no intent.
DECOYS = [
    ("Careers at Example Financial",
     "We hire tellers, personal bankers, claims adjusters and engineers at our branches and "
     "offices and remotely. Apply online and we reply within two weeks. " + STILL),
    ("Privacy notice",
     "This notice explains what personal information we collect when you open an account or "
     "use the app, why we keep it and who we share it with. We never sell your information. "
     "You can ask for a copy of the data we hold about you at any time."),
    ("Cookie policy",
     "Our website uses cookies to remember your language and to keep you signed in. You can "
     "turn off optional cookies at any time from the banner at the bottom of the page."),
    ("Accessibility statement",
     "We want everyone to be able to bank with us. Our website and app work with screen "
     "readers, every branch has step-free access, and we can send letters in large print or "
     "braille. " + STILL),
    ("Community sponsorship program",
     "Each year we support local schools, sports clubs and food banks near our branches. "
     "Non-profit groups can apply for a grant of up to five thousand dollars online."),
]


def read_units(upstream):
    """Every contact candidate: {"label", "turns", "origin", "ref"} in a fixed order."""
    units = []
    for domain, rel in UTTERANCE_FILES:
        with open(os.path.join(upstream, rel), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    x = json.loads(line)
                    units.append({"label": f"{domain}.{x['intent']}", "turns": [x["utterance"]],
                                  "origin": "utterance", "ref": x["utterance_id"]})
    skipped = 0
    for domain, rel in TURN_FILES:
        groups = collections.OrderedDict()
        with open(os.path.join(upstream, rel), encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                x = json.loads(line)
                if len(x["intent"]) != 1:
                    skipped += 1
                    continue
                key = (x["dialogue_id"], x["intent"][0])
                groups.setdefault(key, []).append(x)
        for (dialogue, intent), turns in groups.items():
            turns.sort(key=lambda t: t["turn_id"])
            units.append({"label": f"{domain}.{intent}", "turns": [t["utterance"] for t in turns],
                          "origin": "dialogue", "ref": " ".join(t["turn_id"] for t in turns)})
    return units, skipped


def choose_labels(units):
    counts = collections.Counter(u["label"] for u in units)
    dropped = {x for xs in SYNONYMS.values() for x in xs}
    for keep, drops in SYNONYMS.items():
        for d in drops:
            assert counts[keep] > counts[d], (keep, d)
    ranked = sorted((x for x in counts if x not in dropped), key=lambda x: (-counts[x], x))
    chosen = ranked[:N_INTENTS]
    assert counts[ranked[N_INTENTS - 1]] > counts[ranked[N_INTENTS]], "tie at the cut"
    return sorted(chosen), counts


def check_texts(units, labels):
    """Every intent has an article; no title or body sentence equals a customer text, and no
    article contains a customer text (or customer turn) of four or more words."""
    missing = [x for x in labels if x not in ARTICLES]
    assert not missing, f"no article for {missing}"
    assert set(FAMILY) >= set(labels)
    texts = set()
    for u in units:
        texts.add(mgs.norm(" ".join(u["turns"])))
        texts.update(mgs.norm(t) for t in u["turns"])
    mgs.check_articles(list(ARTICLES.values()), DECOYS, texts, mgs.sentences, max_sentences=6)


SUBJECTS = mgs.GENERIC_SUBJECTS + ["Question about my account", "Account question",
                                   "Insurance question", "Help with my policy",
                                   "Request", "Call back please"]
MID_AGENT = ["Sure, I can help with that.", "Okay, one moment please.",
             "Thanks. Let me take a look.", "Got it. Anything else I should know?",
             "Understood, thank you for the details."]


def ticket_text(rng, turns):
    """(subject, description): short single-turn texts may be the subject alone; otherwise a
    short or generic subject and the customer turns as the description."""
    text = "\n\n".join(turns)
    return mgs.framed_ticket_text(rng, text, turns[0], len(turns) == 1 and len(text) <= 90,
                                  SUBJECTS, subject_share=0.75, framing=0.35)


def build(upstream, out):
    for _, rel in UTTERANCE_FILES + TURN_FILES:
        print(f"sha256 {mgs.sha256(os.path.join(upstream, rel))}  {rel}")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(f"{SEED}:{CORPUS}")
    units, skipped = read_units(upstream)
    labels, counts = choose_labels(units)
    check_texts(units, labels)
    uncovered, covered, attempts, with_sibling = mgs.draw_uncovered(
        rng, labels, N_UNCOVERED, FAMILY, MIN_UNCOVERED_FAMILIES, MIN_WITH_COVERED_SIBLING)
    contacts = [dict(u, order=i) for i, u in enumerate(units) if u["label"] in labels]
    rng.shuffle(contacts)

    tickets, chats, articles, in_window = mgs.write_conversation_set(
        sys.modules[__name__], rng, out, contacts, labels, uncovered, covered,
        lambda c: (c["order"],), lambda rng, c: ticket_text(rng, c["turns"]),
        lambda c: c["turns"])
    origins = collections.Counter(c["origin"] for c in contacts)
    print(f"{out}: intents={len(labels)} uncovered={len(uncovered)} "
          f"(families={len({FAMILY[x] for x in uncovered})}, with covered sibling="
          f"{len(with_sibling)}, draw {attempts}) contacts={len(contacts)} "
          f"(dialogue={origins['dialogue']} utterance={origins['utterance']}, multi-label turns "
          f"skipped={skipped}) tickets={len(tickets)} chats={len(chats)} "
          f"articles={len(articles)} in_window={sum(in_window.values())}")
    print("uncovered:", ", ".join(uncovered))
    print("per intent:", ", ".join(f"{x}={counts[x]}" for x in labels))


def main():
    mgs.upstream_main(
        build, "gaps-dstc11", "folder with dstc11/... and turns/... (see the docstring)")


if __name__ == "__main__":
    main()
