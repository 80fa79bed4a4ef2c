// The index's tables, in SQL that SQLite and PostgreSQL both run unchanged: TEXT, INTEGER and
// BIGINT columns only, no autoincrement (natural keys), booleans as 0/1, JSON as TEXT. Hashes,
// ids and subjects are 0x hex as ethers gives them (bytes32 lowercase, addresses checksummed);
// integers the chain declares as uint64/uint256 are BIGINT or, in `events.args`, decimal strings.
// Units: block_time and *_at unix seconds; date, birth_date… YYYYMMDD; period YYYYMM; *_cents euro cents.

export const SCHEMA_VERSION = 1;

export const SCHEMA: readonly string[] = [
  // One row (id = 1): which chain and deployment the index describes, and how far it got.
  // The checkpoint (indexed_block, indexed_hash) moves in the same transaction as the rows.
  `CREATE TABLE IF NOT EXISTS indexer_state (
    id INTEGER PRIMARY KEY,
    schema_version INTEGER NOT NULL,
    chain_id BIGINT NOT NULL,
    genesis_hash TEXT NOT NULL,
    addresses TEXT NOT NULL,
    deployment_block BIGINT NOT NULL,
    indexed_block BIGINT NOT NULL,
    indexed_hash TEXT NOT NULL,
    updated_at BIGINT NOT NULL
  )`,

  // Every event of the five contracts, decoded; args is JSON (integers as decimal strings).
  `CREATE TABLE IF NOT EXISTS events (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash TEXT NOT NULL,
    block_time BIGINT NOT NULL,
    tx_index INTEGER NOT NULL,
    contract TEXT NOT NULL,
    address TEXT NOT NULL,
    event TEXT NOT NULL,
    args TEXT NOT NULL,
    subject TEXT,
    benefit_id TEXT,
    period INTEGER,
    application_id TEXT,
    record_id TEXT,
    PRIMARY KEY (tx_hash, log_index)
  )`,
  "CREATE INDEX IF NOT EXISTS events_block ON events (block_number, log_index)",
  "CREATE INDEX IF NOT EXISTS events_name ON events (contract, event, block_number)",
  "CREATE INDEX IF NOT EXISTS events_subject ON events (subject, block_number) WHERE subject IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS events_benefit_period ON events (benefit_id, period) WHERE benefit_id IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS events_application ON events (application_id) WHERE application_id IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS events_record ON events (record_id) WHERE record_id IS NOT NULL",

  // BenefitLedger.PaymentRecorded
  `CREATE TABLE IF NOT EXISTS payments (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    subject TEXT NOT NULL,
    benefit_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    amount_cents BIGINT,
    PRIMARY KEY (tx_hash, log_index)
  )`,
  "CREATE INDEX IF NOT EXISTS payments_subject ON payments (subject, period)",
  "CREATE INDEX IF NOT EXISTS payments_benefit_period ON payments (benefit_id, period)",
  "CREATE INDEX IF NOT EXISTS payments_period ON payments (period)",
  "CREATE INDEX IF NOT EXISTS payments_block ON payments (block_number)",

  // BenefitLedger.PaymentRefused (retries of recorded payments come back as ALREADY_PAID)
  `CREATE TABLE IF NOT EXISTS payment_refusals (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    subject TEXT NOT NULL,
    benefit_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    reason INTEGER NOT NULL,
    reason_name TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  )`,
  "CREATE INDEX IF NOT EXISTS payment_refusals_subject ON payment_refusals (subject, period)",
  "CREATE INDEX IF NOT EXISTS payment_refusals_benefit_period ON payment_refusals (benefit_id, period)",
  "CREATE INDEX IF NOT EXISTS payment_refusals_block ON payment_refusals (block_number)",

  // BenefitLedger.ApplicationDecided
  `CREATE TABLE IF NOT EXISTS decisions (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    application_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    benefit_id TEXT NOT NULL,
    date INTEGER NOT NULL,
    eligible INTEGER NOT NULL,
    reason INTEGER NOT NULL,
    reason_name TEXT NOT NULL,
    monthly_amount_cents BIGINT,
    assessment_id TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  )`,
  "CREATE INDEX IF NOT EXISTS decisions_application ON decisions (application_id)",
  "CREATE INDEX IF NOT EXISTS decisions_subject ON decisions (subject, block_number)",
  "CREATE INDEX IF NOT EXISTS decisions_block ON decisions (block_number)",

  // The six FactRegistry record events; kind-specific columns are NULL for other kinds.
  // org_id: the certifying organisation (for income, the organisation of the signing key).
  // signers: JSON array of the recovered keys (one, or the commission members of an assessment).
  `CREATE TABLE IF NOT EXISTS facts (
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    block_number BIGINT NOT NULL,
    block_time BIGINT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    org_id INTEGER,
    signers TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    assessment_id TEXT,
    birth_date INTEGER,
    residence INTEGER,
    old_residence INTEGER,
    death_date INTEGER,
    old_death_date INTEGER,
    category INTEGER,
    percentage INTEGER,
    flags INTEGER,
    effective_date INTEGER,
    review_date INTEGER,
    report_hash TEXT,
    revocation_reason INTEGER,
    year INTEGER,
    amount_cents BIGINT,
    old_amount_cents BIGINT,
    replaced INTEGER,
    admission INTEGER,
    discharge INTEGER,
    old_discharge INTEGER,
    PRIMARY KEY (tx_hash, log_index)
  )`,
  "CREATE INDEX IF NOT EXISTS facts_subject ON facts (subject, block_number)",
  "CREATE INDEX IF NOT EXISTS facts_record ON facts (kind, record_id)",
  "CREATE INDEX IF NOT EXISTS facts_assessment ON facts (assessment_id) WHERE assessment_id IS NOT NULL",
  "CREATE INDEX IF NOT EXISTS facts_org ON facts (org_id, block_number)",
  "CREATE INDEX IF NOT EXISTS facts_block ON facts (block_number)",

  // Current state, rebuilt from `events` after a rewind.
  `CREATE TABLE IF NOT EXISTS organisations (
    org_id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    kind_name TEXT NOT NULL,
    code INTEGER NOT NULL,
    parent_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL,
    registered_block BIGINT NOT NULL,
    registered_tx TEXT NOT NULL,
    registered_time BIGINT NOT NULL,
    updated_block BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS signers (
    address TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL,
    added_block BIGINT NOT NULL,
    added_tx TEXT NOT NULL,
    added_time BIGINT NOT NULL,
    retired_at BIGINT,
    retired_block BIGINT
  )`,
  "CREATE INDEX IF NOT EXISTS signers_org ON signers (org_id)",
  `CREATE TABLE IF NOT EXISTS benefits (
    benefit_id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    wave INTEGER NOT NULL,
    monetary INTEGER NOT NULL,
    payments_per_year INTEGER NOT NULL,
    min_age INTEGER NOT NULL,
    max_age_exclusive INTEGER NOT NULL,
    suspended_by_long_hospital_stay INTEGER NOT NULL,
    has_income_limit INTEGER NOT NULL,
    requirement_count INTEGER NOT NULL,
    requirements TEXT NOT NULL,
    defined_block BIGINT NOT NULL,
    defined_tx TEXT NOT NULL,
    defined_time BIGINT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS benefit_terms (
    benefit_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    is_set INTEGER NOT NULL,
    monthly_amount_cents BIGINT,
    income_limit_cents BIGINT,
    set_block BIGINT NOT NULL,
    set_tx TEXT NOT NULL,
    set_time BIGINT NOT NULL,
    PRIMARY KEY (benefit_id, year)
  )`,
  `CREATE TABLE IF NOT EXISTS waves (
    wave INTEGER PRIMARY KEY,
    phase INTEGER NOT NULL,
    phase_name TEXT NOT NULL,
    pilot_provinces TEXT NOT NULL,
    changed_block BIGINT NOT NULL,
    changed_tx TEXT NOT NULL,
    changed_time BIGINT NOT NULL
  )`,
];
