/// The warehouse schema, as numbered migrations applied in order and recorded in
/// `PRAGMA user_version`. A migration is never edited once released: changes are new versions.
enum Schema {
  static let migrations: [String] = [v1]

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
}
