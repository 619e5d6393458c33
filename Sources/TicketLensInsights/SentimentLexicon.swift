/// The sentiment lexicon: written for TicketLens from the vocabulary of support conversations
/// (valence −4 … +4, the scale of the VADER lexicon, without copying it), and licensed with the
/// project. Words are lowercase with apostrophes removed ("doesnt").
public enum SentimentLexicon {
  public static let valence: [String: Double] = [
    // Positive.
    "thanks": 1.8, "thank": 1.8, "thx": 1.5, "great": 3.0, "perfect": 3.0, "love": 3.0,
    "awesome": 3.1, "excellent": 3.2, "happy": 2.7, "appreciate": 2.2, "appreciated": 2.2,
    "helpful": 2.0, "resolved": 1.5, "solved": 1.5, "fixed": 1.5, "works": 1.2, "working": 1.0,
    "good": 1.9, "nice": 1.8, "glad": 2.0, "quick": 1.2, "quickly": 1.2, "fast": 1.2,
    "easy": 1.5, "amazing": 3.0, "wonderful": 3.0, "pleased": 2.2, "fantastic": 3.1,
    "brilliant": 2.8, "lovely": 2.7, "smooth": 1.5, "kind": 1.8, "friendly": 2.0, "satisfied": 2.0,
    "delighted": 3.0, "impressed": 2.5, "recommend": 2.0, "best": 3.0, "better": 1.5, "cool": 1.3,
    "ok": 0.9, "okay": 0.9, "fine": 0.8, "welcome": 1.5, "helped": 1.8, "support": 0.3,
    "please": 0.3, "hope": 1.0, "suggestion": 0.5, "like": 1.0, "nicer": 1.5,
    // Negative.
    "angry": -3.0, "furious": -3.5, "frustrated": -2.6, "frustrating": -2.6, "annoyed": -2.2,
    "annoying": -2.2, "terrible": -3.2, "awful": -3.2, "horrible": -3.3, "worst": -3.5,
    "bad": -2.5, "broken": -2.2, "fail": -2.0, "fails": -2.0, "failed": -2.0, "failing": -2.0,
    "failure": -2.2, "error": -1.5, "errors": -1.5, "crash": -2.0, "crashes": -2.0, "crashed": -2.0,
    "unacceptable": -3.2, "disappointed": -2.6, "disappointing": -2.6, "ridiculous": -2.7,
    "useless": -3.0, "slow": -1.5, "stuck": -1.7, "lost": -1.6, "missing": -1.4, "wrong": -2.0,
    "problem": -1.6, "problems": -1.6, "issue": -1.0, "issues": -1.0, "bug": -1.5, "buggy": -2.0,
    "complaint": -2.0, "complain": -2.0, "hate": -3.0, "waste": -2.6, "wasted": -2.6,
    "unhappy": -2.6, "upset": -2.5, "urgent": -1.2, "urgently": -1.2, "asap": -1.2,
    "locked": -1.5, "expired": -1.2, "late": -1.4, "delay": -1.5, "delayed": -1.6,
    "charged": -0.8, "overcharged": -2.5, "scam": -3.5, "fraud": -3.4, "rude": -2.8,
    "unusable": -3.0, "confusing": -1.8, "confused": -1.5, "nobody": -1.2, "ignored": -2.4,
    "disaster": -3.2, "nightmare": -3.1, "sucks": -3.0, "poor": -2.2, "cannot": -1.0,
    "cant": -1.0, "unable": -1.4, "refuse": -2.0, "refused": -2.0, "blank": -0.8,
    "forever": -1.0, "deadline": -0.8, "disconnected": -1.5, "twice": -0.3, "hit": -0.3,
    "complicated": -1.5, "lag": -1.5, "freezes": -2.0, "frozen": -1.8, "doesnt": -0.4,
  ]

  /// Words that negate the next three words ("not", "never", "doesnt", …).
  public static let negations: Set<String> = [
    "not", "no", "never", "none", "nothing", "neither", "nor", "without", "dont", "doesnt",
    "didnt", "isnt", "wasnt", "arent", "werent", "wont", "wouldnt", "couldnt", "shouldnt",
    "havent", "hasnt", "hadnt", "aint",
  ]

  /// Intensifiers (> 1) and downtoners (< 1) of the next sentiment word.
  public static let modifiers: [String: Double] = [
    "very": 1.3, "really": 1.3, "extremely": 1.5, "so": 1.2, "totally": 1.4, "completely": 1.4,
    "absolutely": 1.5, "incredibly": 1.5, "super": 1.3, "highly": 1.3, "truly": 1.3,
    "slightly": 0.6, "somewhat": 0.7, "bit": 0.7, "little": 0.7, "kinda": 0.7, "barely": 0.5,
  ]

  /// Emoticons and emoji with their valence.
  public static let emoticons: [(String, Double)] = [
    (":)", 1.8), (":-)", 1.8), (":D", 2.3), (";)", 1.2), (":(", -1.9), (":-(", -1.9),
    ("😀", 2.2), ("🙂", 1.6), ("😊", 2.2), ("👍", 1.8), ("❤️", 2.5), ("😡", -3.0),
    ("😠", -2.6), ("🙁", -1.8), ("😞", -2.2), ("👎", -2.0), ("😭", -2.5),
  ]
}
