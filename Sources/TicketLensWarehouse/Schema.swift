/// The warehouse schema, as numbered migrations applied in order and recorded in
/// `PRAGMA user_version`. A migration is never edited once released: changes are new versions.
enum Schema {
  static let migrations: [String] = [v1, v2, v3, v4, v5, v6, v7, v8]

  static let v1 = """
    CREATE TABLE tickets (
      source TEXT NOT NULL,
      id TEXT NOT NULL,
      subject TEXT,
      description TEXT,
      status TEXT,
      status_raw TEXT,
      priority TEXT,
      channel TEXT,
      requester_id TEXT,
      requester_email TEXT,
      requester_name TEXT,
      assignee TEXT,
      group_name TEXT,
      organization TEXT,
      ticket_type TEXT,
      tags TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER,
      first_reply_at INTEGER,
      solved_at INTEGER,
      reopens INTEGER,
      replies INTEGER,
      satisfaction TEXT,
      satisfaction_score INTEGER,
      custom_fields TEXT,
      vendor_first_reply_minutes REAL,
      vendor_first_reply_business_minutes REAL,
      vendor_first_resolution_minutes REAL,
      vendor_first_resolution_business_minutes REAL,
      vendor_full_resolution_minutes REAL,
      vendor_full_resolution_business_minutes REAL,
      vendor_agent_wait_minutes REAL,
      vendor_agent_wait_business_minutes REAL,
      vendor_requester_wait_minutes REAL,
      vendor_requester_wait_business_minutes REAL,
      vendor_on_hold_minutes REAL,
      vendor_on_hold_business_minutes REAL,
      load_id INTEGER NOT NULL,
      previous_load_id INTEGER,
      PRIMARY KEY (source, id)
    );
    CREATE TABLE runs (
      id INTEGER PRIMARY KEY,
      started_at TEXT NOT NULL,
      ended_at TEXT,
      status TEXT NOT NULL,
      command TEXT NOT NULL,
      pipeline TEXT,
      files INTEGER NOT NULL DEFAULT 0,
      read INTEGER NOT NULL DEFAULT 0,
      inserted INTEGER NOT NULL DEFAULT 0,
      updated INTEGER NOT NULL DEFAULT 0,
      unchanged INTEGER NOT NULL DEFAULT 0,
      superseded INTEGER NOT NULL DEFAULT 0,
      rejected INTEGER NOT NULL DEFAULT 0,
      message TEXT
    );
    CREATE TABLE run_files (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id),
      source TEXT NOT NULL,
      file TEXT NOT NULL,
      format TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      read INTEGER NOT NULL,
      inserted INTEGER NOT NULL,
      updated INTEGER NOT NULL,
      unchanged INTEGER NOT NULL,
      superseded INTEGER NOT NULL,
      rejected INTEGER NOT NULL,
      failed TEXT
    );
    CREATE TABLE rejects (
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id),
      file TEXT NOT NULL,
      line INTEGER,
      field TEXT,
      code TEXT NOT NULL,
      message TEXT NOT NULL,
      raw TEXT
    );
    CREATE INDEX rejects_run ON rejects(run_id);
    CREATE VIEW tickets_readable AS
      SELECT source, id, subject, status, priority, channel, requester_id, requester_email,
        assignee, group_name, organization, tags,
        strftime('%Y-%m-%dT%H:%M:%fZ', created_at / 1000.0, 'unixepoch') AS created_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', updated_at / 1000.0, 'unixepoch') AS updated_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', first_reply_at / 1000.0, 'unixepoch') AS first_reply_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', solved_at / 1000.0, 'unixepoch') AS solved_at,
        reopens, replies, satisfaction
      FROM tickets;
    """

  /// Chats, the knowledge base (with its FTS5 index), search terms, vendor ticket metrics,
  /// loaded-file fingerprints, and ticket columns derived from status history.
  static let v2 = """
    ALTER TABLE tickets ADD COLUMN requester_wait_minutes REAL;
    ALTER TABLE tickets ADD COLUMN agent_wait_minutes REAL;
    ALTER TABLE tickets ADD COLUMN on_hold_minutes REAL;
    ALTER TABLE tickets ADD COLUMN excluded TEXT;
    CREATE TABLE chats (
      source TEXT NOT NULL,
      id TEXT NOT NULL,
      type TEXT NOT NULL,
      visitor_id TEXT,
      visitor_name TEXT,
      visitor_email TEXT,
      agent_id TEXT,
      agent_name TEXT,
      group_name TEXT,
      started_at INTEGER NOT NULL,
      first_agent_message_at INTEGER,
      ended_at INTEGER,
      updated_at INTEGER,
      missed INTEGER,
      satisfaction TEXT,
      rating INTEGER,
      ticket_id TEXT,
      tags TEXT,
      message_count INTEGER NOT NULL,
      agent_messages INTEGER NOT NULL,
      visitor_messages INTEGER NOT NULL,
      messages TEXT,
      load_id INTEGER NOT NULL,
      previous_load_id INTEGER,
      PRIMARY KEY (source, id)
    );
    CREATE TABLE articles (
      source TEXT NOT NULL,
      id TEXT NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      labels TEXT,
      section TEXT,
      locale TEXT,
      url TEXT,
      draft INTEGER NOT NULL,
      created_at INTEGER,
      updated_at INTEGER,
      load_id INTEGER NOT NULL,
      previous_load_id INTEGER,
      PRIMARY KEY (source, id)
    );
    CREATE VIRTUAL TABLE articles_fts USING fts5(
      title, labels, body, content = 'articles', content_rowid = 'rowid',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts (rowid, title, labels, body)
      VALUES (new.rowid, new.title, new.labels, new.body);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, labels, body)
      VALUES ('delete', old.rowid, old.title, old.labels, old.body);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title, labels, body)
      VALUES ('delete', old.rowid, old.title, old.labels, old.body);
      INSERT INTO articles_fts (rowid, title, labels, body)
      VALUES (new.rowid, new.title, new.labels, new.body);
    END;
    CREATE TABLE search_terms (
      source TEXT NOT NULL,
      query TEXT NOT NULL,
      date TEXT NOT NULL,
      searches INTEGER NOT NULL,
      results INTEGER,
      clicks INTEGER,
      tickets_created INTEGER,
      load_id INTEGER NOT NULL,
      previous_load_id INTEGER,
      PRIMARY KEY (source, query, date)
    );
    CREATE TABLE ticket_metrics (
      source TEXT NOT NULL,
      ticket_id TEXT NOT NULL,
      updated_at INTEGER,
      solved_at INTEGER,
      reopens INTEGER,
      replies INTEGER,
      first_reply_minutes REAL,
      first_reply_business_minutes REAL,
      first_resolution_minutes REAL,
      first_resolution_business_minutes REAL,
      full_resolution_minutes REAL,
      full_resolution_business_minutes REAL,
      agent_wait_minutes REAL,
      agent_wait_business_minutes REAL,
      requester_wait_minutes REAL,
      requester_wait_business_minutes REAL,
      on_hold_minutes REAL,
      on_hold_business_minutes REAL,
      load_id INTEGER NOT NULL,
      previous_load_id INTEGER,
      PRIMARY KEY (source, ticket_id)
    );
    CREATE TABLE source_files (
      source TEXT NOT NULL,
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ns INTEGER NOT NULL,
      hash TEXT NOT NULL,
      run_id INTEGER NOT NULL,
      PRIMARY KEY (source, path)
    );
    ALTER TABLE run_files ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
    DROP VIEW tickets_readable;
    CREATE VIEW tickets_readable AS
      SELECT source, id, subject, status, priority, channel, requester_id, requester_email,
        assignee, group_name, organization, tags,
        strftime('%Y-%m-%dT%H:%M:%fZ', created_at / 1000.0, 'unixepoch') AS created_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', updated_at / 1000.0, 'unixepoch') AS updated_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', first_reply_at / 1000.0, 'unixepoch') AS first_reply_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', solved_at / 1000.0, 'unixepoch') AS solved_at,
        reopens, replies, satisfaction, excluded
      FROM tickets;
    CREATE VIEW chats_readable AS
      SELECT source, id, type, visitor_id, agent_id, group_name,
        strftime('%Y-%m-%dT%H:%M:%fZ', started_at / 1000.0, 'unixepoch') AS started_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', first_agent_message_at / 1000.0, 'unixepoch')
          AS first_agent_message_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', ended_at / 1000.0, 'unixepoch') AS ended_at,
        missed, satisfaction, ticket_id, message_count
      FROM chats;
    """

  /// Sentiment per ticket and chat, with the load it was scored for (a newer version of the row
  /// has another `load_id` and is scored again), and a generation counter for the column cache.
  static let v3 = """
    ALTER TABLE tickets ADD COLUMN sentiment TEXT;
    ALTER TABLE tickets ADD COLUMN sentiment_score REAL;
    ALTER TABLE tickets ADD COLUMN sentiment_load_id INTEGER;
    ALTER TABLE chats ADD COLUMN sentiment TEXT;
    ALTER TABLE chats ADD COLUMN sentiment_score REAL;
    ALTER TABLE chats ADD COLUMN sentiment_load_id INTEGER;
    CREATE TABLE insight_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO insight_state VALUES ('sentiment_generation', 0);
    """

  /// Categories and suggested priorities from the text classifiers, the models' held-out
  /// evaluation (summary and confusion table), and the instant a ticket was first escalated
  /// (from change events, where the export has them).
  static let v4 = """
    ALTER TABLE tickets ADD COLUMN escalated_at INTEGER;
    ALTER TABLE tickets ADD COLUMN category TEXT;
    ALTER TABLE tickets ADD COLUMN category_origin TEXT;
    ALTER TABLE tickets ADD COLUMN category_confidence REAL;
    ALTER TABLE tickets ADD COLUMN suggested_priority TEXT;
    ALTER TABLE tickets ADD COLUMN urgency REAL;
    ALTER TABLE tickets ADD COLUMN urgency_terms TEXT;
    CREATE TABLE classifier_models (
      model TEXT PRIMARY KEY,
      labelled INTEGER NOT NULL,
      holdout INTEGER NOT NULL,
      predicted INTEGER NOT NULL,
      vocabulary INTEGER NOT NULL,
      alpha REAL NOT NULL,
      temperature REAL NOT NULL
    );
    CREATE TABLE classifier_confusion (
      model TEXT NOT NULL,
      actual TEXT NOT NULL,
      predicted TEXT NOT NULL,
      tickets INTEGER NOT NULL,
      PRIMARY KEY (model, actual, predicted)
    );
    INSERT INTO insight_state VALUES ('category_generation', 0);
    INSERT INTO insight_state VALUES ('category_key', 0);
    """

  /// Data-quality results per run and check, and the failing rows of the latest run.
  static let v5 = """
    CREATE TABLE dq_results (
      run_id INTEGER NOT NULL,
      check_name TEXT NOT NULL,
      table_name TEXT NOT NULL,
      checked INTEGER NOT NULL,
      failed INTEGER NOT NULL,
      status TEXT NOT NULL,
      description TEXT NOT NULL,
      PRIMARY KEY (run_id, check_name)
    );
    CREATE TABLE dq_failures (
      run_id INTEGER NOT NULL,
      check_name TEXT NOT NULL,
      table_name TEXT NOT NULL,
      source TEXT,
      record_id TEXT,
      detail TEXT
    );
    """

  /// The warehouse's secret key for pseudonyms (`--redact`): 128 random bits from SQLite's
  /// generator, which the operating system seeds.
  static let v6 = """
    INSERT INTO insight_state VALUES ('privacy_key_0', random());
    INSERT INTO insight_state VALUES ('privacy_key_1', random());
    """

  /// The trained classifier (vocabulary and models, `ClassifierSnapshot`), kept to classify
  /// tickets loaded later without training again: the settings it was trained with (hashed),
  /// the tickets it was trained on, the newest load it has classified, and how many tickets it
  /// has classified since training.
  static let v7 = """
    CREATE TABLE classifier_snapshot (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      settings INTEGER NOT NULL,
      trained_tickets INTEGER NOT NULL,
      through_load INTEGER NOT NULL,
      classified_since INTEGER NOT NULL,
      snapshot BLOB NOT NULL
    );
    """

  /// Each ticket's classification in a narrow table of its own, keyed by the ticket's row id:
  /// classifying a million tickets writes a million short rows instead of rewriting every
  /// (wide) ticket row and its pages (the store took 2.3 s at 1M tickets, 0.3 s in SQL this
  /// way). `tickets_readable` shows the classification beside the ticket.
  static let v8 = """
    CREATE TABLE ticket_classes (
      ticket INTEGER PRIMARY KEY,
      category TEXT,
      category_origin TEXT,
      category_confidence REAL,
      suggested_priority TEXT,
      urgency REAL,
      urgency_terms TEXT
    );
    INSERT INTO ticket_classes
      SELECT rowid, category, category_origin, category_confidence, suggested_priority, urgency,
        urgency_terms
      FROM tickets
      WHERE category IS NOT NULL OR suggested_priority IS NOT NULL OR urgency IS NOT NULL;
    DROP VIEW tickets_readable;
    ALTER TABLE tickets DROP COLUMN category;
    ALTER TABLE tickets DROP COLUMN category_origin;
    ALTER TABLE tickets DROP COLUMN category_confidence;
    ALTER TABLE tickets DROP COLUMN suggested_priority;
    ALTER TABLE tickets DROP COLUMN urgency;
    ALTER TABLE tickets DROP COLUMN urgency_terms;
    CREATE TRIGGER ticket_classes_delete AFTER DELETE ON tickets BEGIN
      DELETE FROM ticket_classes WHERE ticket = old.rowid;
    END;
    CREATE VIEW tickets_readable AS
      SELECT t.source, t.id, t.subject, t.status, t.priority, t.channel, t.requester_id,
        t.requester_email, t.assignee, t.group_name, t.organization, t.tags,
        strftime('%Y-%m-%dT%H:%M:%fZ', t.created_at / 1000.0, 'unixepoch') AS created_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', t.updated_at / 1000.0, 'unixepoch') AS updated_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', t.first_reply_at / 1000.0, 'unixepoch') AS first_reply_at,
        strftime('%Y-%m-%dT%H:%M:%fZ', t.solved_at / 1000.0, 'unixepoch') AS solved_at,
        t.reopens, t.replies, t.satisfaction, t.excluded, k.category, k.category_origin,
        k.category_confidence, k.suggested_priority, k.urgency
      FROM tickets t LEFT JOIN ticket_classes k ON k.ticket = t.rowid;
    """
}
