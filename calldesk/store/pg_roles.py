"""PostgreSQL enforces the desk's roles itself: each operator connects as a database role of their own, and grants,
row-level security and triggers refuse what desk/operators/permissions.py keeps for team leads, whatever client is used.

- Every operator's role is a member of the group role ``calldesk_operator``, a team lead's of ``calldesk_lead`` too
  (both cluster-wide, NOLOGIN). The room's wallboard logs in as a member of ``calldesk_wallboard``, which may only
  read (docs/wallboard.md). The operator is ``session_user``: ``calldesk_me()`` is the id of the enabled operator
  whose ``account`` it is, ``calldesk_is_lead()`` whether they are an enabled lead of this desk.
- Grants are the coarse layer (what a role may do to a table at all); the per-desk checks (row-level security and
  triggers asking ``calldesk_is_lead()``) are the fine one, so a lead of one desk is no lead on another desk of the
  same cluster.
- The role that owns calldesk's tables (who ran the migrations) is the administrator: row-level security does not
  apply to it (it is not FORCEd) and the triggers let it through.

The group roles need an owner with CREATEROLE (or a database administrator who creates them first); the triggers
that keep an operator's role in step with their row need it too.
"""

from __future__ import annotations

from peewee import AutoField, Database, DatabaseError, SqliteDatabase

from calldesk.store.errors import StoreError
from calldesk.store.models import ALL_MODELS, database

# Cluster-wide, so made only when missing; a migration of another database may be making them at the same moment.
_GROUP_ROLES = """
DO $roles$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calldesk_operator') THEN
    BEGIN CREATE ROLE calldesk_operator NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calldesk_lead') THEN
    BEGIN CREATE ROLE calldesk_lead NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_auth_members WHERE roleid = 'calldesk_operator'::regrole
                 AND member = 'calldesk_lead'::regrole) THEN
    BEGIN GRANT calldesk_operator TO calldesk_lead;
    EXCEPTION WHEN unique_violation THEN NULL; END;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'calldesk_wallboard') THEN
    BEGIN CREATE ROLE calldesk_wallboard NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE EXCEPTION 'cannot create the roles calldesk_operator, calldesk_lead and calldesk_wallboard: %', SQLERRM
    USING HINT = 'the owner of calldesk''s tables needs CREATEROLE, or a database administrator creates the three '
                 'roles (NOLOGIN, calldesk_lead a member of calldesk_operator) before the upgrade';
END $roles$;
"""

# {s}: the quoted schema calldesk's tables are in; {operator}: a literal naming its operator table, for regclass.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {s}.calldesk_me() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
  SELECT id FROM {s}.operator WHERE account = session_user::text AND enabled
$$;

CREATE OR REPLACE FUNCTION {s}.calldesk_is_lead() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
  SELECT EXISTS (SELECT FROM {s}.operator WHERE account = session_user::text AND enabled AND role = 'lead')
$$;

CREATE OR REPLACE FUNCTION {s}.calldesk_is_admin() RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT pg_has_role(session_user, relowner, 'USAGE') FROM pg_class WHERE oid = {operator}::regclass
$$;

CREATE OR REPLACE FUNCTION {s}.calldesk_is_lead_operator(operator_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
  SELECT EXISTS (SELECT FROM {s}.operator WHERE id = operator_id AND enabled AND role = 'lead')
$$;

-- A role calldesk made an operator's login: a member of calldesk_operator, neither group role, nor privileged, nor
-- the administrator. Only these are ever granted, revoked, or switched LOGIN/NOLOGIN by a change to an operator.
CREATE OR REPLACE FUNCTION {s}.calldesk_is_login(account text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT EXISTS (
    SELECT FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid AND m.roleid = 'calldesk_operator'::regrole
    WHERE r.rolname = account AND r.rolname NOT IN ('calldesk_operator', 'calldesk_lead')
      AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)
      AND r.oid <> (SELECT relowner FROM pg_class WHERE oid = {operator}::regclass))
$$;

-- Someone else's call-back any console may send back to its pool: open, nobody on it, due, and untouched since it
-- fell due or was handed over (release_overdue_callbacks; the grace of release_after_minutes is the console's).
CREATE OR REPLACE FUNCTION {s}.calldesk_callback_unattended(
  status text, current_call_id integer, due_at double precision, assigned_at double precision,
  touched_at double precision) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {s}, pg_temp AS $$
  SELECT status = 'open' AND current_call_id IS NULL AND due_at <= extract(epoch FROM now())
     AND coalesce(assigned_at, due_at) <= extract(epoch FROM now())
     AND (touched_at IS NULL OR touched_at < greatest(due_at, coalesce(assigned_at, due_at)))
$$;

-- The database writes who really acted: an operator's session is audited with their login, any other role's with
-- the role's name, whatever the client claims. The administrator's is as the client says: they act as themself
-- ("system") or as the operator they choose, and could rewrite the trail anyway.
CREATE OR REPLACE FUNCTION {s}.calldesk_stamp_actor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
  IF NOT {s}.calldesk_is_admin() THEN
    NEW.actor := coalesce((SELECT login FROM {s}.operator WHERE account = session_user::text AND enabled),
                          session_user);
  END IF;
  RETURN NEW;
END $$;

-- TG_ARGV[0]: the action, worded to finish "only a team lead may ...".
CREATE OR REPLACE FUNCTION {s}.calldesk_lead_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = {s}, pg_temp AS $$
BEGIN
  IF NOT ({s}.calldesk_is_admin() OR {s}.calldesk_is_lead()) THEN
    RAISE EXCEPTION 'only a team lead may %', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- What row-level security cannot see (the row before and after together) for an operator who is not a lead.
CREATE OR REPLACE FUNCTION {s}.calldesk_callback_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = {s}, pg_temp AS $$
DECLARE me integer;
BEGIN
  IF {s}.calldesk_is_admin() OR {s}.calldesk_is_lead() THEN
    RETURN NEW;
  END IF;
  me := {s}.calldesk_me();
  IF OLD.assignee_id IS NOT NULL AND OLD.assignee_id IS DISTINCT FROM me THEN
    -- someone else's: only sent back to its owner's pool, untouched otherwise, once nobody attends to it
    IF NEW.assignee_id IS NULL AND NEW.pool = (SELECT department FROM {s}.operator WHERE id = OLD.assignee_id)
       AND {s}.calldesk_callback_unattended(OLD.status, OLD.current_call_id, OLD.due_at, OLD.assigned_at,
                                             OLD.touched_at)
       AND (NEW.status, NEW.due_at, NEW.attempts, NEW.outcome, NEW.reason, NEW.current_call_id, NEW.touched_at,
            NEW.closed_at, NEW.number_e164, NEW.number_raw, NEW.client_id, NEW.sla_deadline)
           IS NOT DISTINCT FROM
           (OLD.status, OLD.due_at, OLD.attempts, OLD.outcome, OLD.reason, OLD.current_call_id, OLD.touched_at,
            OLD.closed_at, OLD.number_e164, OLD.number_raw, OLD.client_id, OLD.sla_deadline) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'call-back % belongs to someone else: only a team lead may change someone else''s call-back',
      OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.assignee_id IS NOT NULL AND NEW.assignee_id IS DISTINCT FROM me THEN
    -- their own goes to a team lead only with a try that went unanswered (the tries ran out: record_outcome)
    IF OLD.assignee_id = me AND NEW.attempts > OLD.attempts AND {s}.calldesk_is_lead_operator(NEW.assignee_id) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'call-back %: only a team lead may give a call-back to someone else', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.assignee_id IS NULL AND NEW.pool IS DISTINCT FROM OLD.pool AND (OLD.assignee_id IS NULL OR NEW.pool
     IS DISTINCT FROM (SELECT department FROM {s}.operator WHERE id = me)) THEN
    RAISE EXCEPTION 'call-back %: only a team lead may give a call-back to someone else (an operator gives their '
      'own back to their own department''s pool)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- An operator's row and their database role stay in step through any client: a lead's role is in calldesk_lead,
-- a disabled operator's role cannot log in (``enabled`` NULL: LOGIN stays as it is). Only roles calldesk made
-- logins (calldesk_is_login) are touched.
CREATE OR REPLACE FUNCTION {s}.calldesk_sync_role(account text, lead boolean, enabled boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
DECLARE
  is_lead boolean;
  can_login boolean;
BEGIN
  IF account IS NULL OR NOT {s}.calldesk_is_login(account) THEN
    RETURN;
  END IF;
  is_lead := EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                     WHERE m.roleid = 'calldesk_lead'::regrole AND r.rolname = account);
  IF coalesce(lead AND enabled, false) AND NOT is_lead THEN
    EXECUTE format('GRANT calldesk_lead TO %I', account);
  ELSIF NOT coalesce(lead AND enabled, false) AND is_lead THEN
    EXECUTE format('REVOKE calldesk_lead FROM %I', account);
  END IF;
  SELECT rolcanlogin INTO can_login FROM pg_roles WHERE rolname = account;
  IF enabled IS NOT NULL AND can_login IS DISTINCT FROM enabled THEN
    EXECUTE format('ALTER ROLE %I %s', account, CASE WHEN enabled THEN 'LOGIN' ELSE 'NOLOGIN' END);
  END IF;
END $$;
REVOKE ALL ON FUNCTION {s}.calldesk_sync_role(text, boolean, boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION {s}.calldesk_sync_login() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.account IS DISTINCT FROM NEW.account THEN  -- the role it had is nobody's here now
    PERFORM {s}.calldesk_sync_role(OLD.account, false, NULL);
  END IF;
  PERFORM {s}.calldesk_sync_role(NEW.account, NEW.role = 'lead', NEW.enabled);
  RETURN NULL;
END $$;

-- A login for an operator (a lead or the administrator asks): a new LOGIN role in calldesk_operator (and
-- calldesk_lead), or an existing calldesk login given the groups and, if one is given, a password. The operator
-- whose account it is, if any, decides lead and LOGIN, as the trigger would. A role calldesk did not make is taken
-- on by the administrator alone, and a privileged role never.
CREATE OR REPLACE FUNCTION {s}.calldesk_create_login(account text, password text, lead boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
DECLARE
  admin boolean := {s}.calldesk_is_admin();
  existing pg_roles%ROWTYPE;
  row_lead boolean;
  row_enabled boolean;
BEGIN
  IF NOT (admin OR {s}.calldesk_is_lead()) THEN
    RAISE EXCEPTION 'only a team lead may manage operators' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF account IS NULL OR account = '' OR octet_length(account) > 63 THEN
    RAISE EXCEPTION 'a login role needs a name of 1 to 63 bytes, not %', quote_literal(account)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF account IN ('calldesk_operator', 'calldesk_lead', 'public') OR account LIKE 'pg\\_%' THEN
    RAISE EXCEPTION 'role % is not an operator''s login', quote_ident(account) USING ERRCODE = 'reserved_name';
  END IF;
  SELECT * INTO existing FROM pg_roles WHERE rolname = account;
  IF NOT FOUND THEN
    EXECUTE format('CREATE ROLE %I LOGIN IN ROLE calldesk_operator', account);
  ELSE
    IF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb OR existing.rolreplication
       OR existing.rolbypassrls OR existing.oid = (SELECT relowner FROM pg_class WHERE oid = {operator}::regclass) THEN
      RAISE EXCEPTION 'role % is privileged: it cannot be an operator''s login', quote_ident(account)
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT (admin OR {s}.calldesk_is_login(account)) THEN
      RAISE EXCEPTION 'role % exists and is not a calldesk login: the administrator may make it one',
        quote_ident(account) USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF password IS NOT NULL AND NOT admin AND account <> session_user
       AND pg_has_role(account, 'calldesk_lead', 'MEMBER') THEN
      RAISE EXCEPTION 'only the administrator sets another team lead''s password (% is a lead)', quote_ident(account)
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT FROM pg_auth_members WHERE roleid = 'calldesk_operator'::regrole
                   AND member = existing.oid) THEN
      EXECUTE format('GRANT calldesk_operator TO %I', account);
    END IF;
  END IF;
  -- the operator it signs in as decides, when there is one yet; else ``lead``
  SELECT o.role = 'lead', o.enabled INTO row_lead, row_enabled FROM {s}.operator o WHERE o.account = $1;
  PERFORM {s}.calldesk_sync_role(account, coalesce(row_lead, lead), coalesce(row_enabled, true));
  IF password IS NOT NULL THEN
    EXECUTE format('ALTER ROLE %I PASSWORD %L', account, password);
  END IF;
END $$;
REVOKE ALL ON FUNCTION {s}.calldesk_create_login(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {s}.calldesk_create_login(text, text, boolean) TO calldesk_lead;
"""

# What a console writes while an operator works (answering, notes and drafts, call-backs, complaints, escalations,
# notices, training, the statistics' sums, the offline journal), and the little more a lead writes; the room's
# wallboard (calldesk_wallboard) only reads. Revoked first, so running this again leaves exactly these. {tables} and
# {sequences} name every model's table and id sequence: "ON ALL TABLES IN SCHEMA" scans pg_class, 50 ms on a test
# cluster's catalog bloated by thousands of schemas.
_GRANTS = """
REVOKE ALL ON {tables} FROM calldesk_operator, calldesk_lead, calldesk_wallboard;
GRANT USAGE ON SCHEMA {s} TO calldesk_operator, calldesk_wallboard;
GRANT SELECT ON {tables} TO calldesk_operator, calldesk_wallboard;
GRANT USAGE, SELECT ON SEQUENCE {sequences} TO calldesk_operator;
GRANT UPDATE (state, state_reason, state_since) ON {s}.operator TO calldesk_operator;
GRANT INSERT ON {s}.operator_state_change, {s}.client, {s}.phone, {s}.call, {s}.note, {s}.note_draft,
  {s}.call_back, {s}.feedback, {s}.phrase_hit, {s}.escalation, {s}.notice, {s}.training_score, {s}.stats_hour,
  {s}.stats_day, {s}.audit_event, {s}.journal_applied TO calldesk_operator;
GRANT UPDATE ON {s}.client, {s}.phone, {s}.call, {s}.note, {s}.note_draft, {s}.call_back, {s}.feedback
  TO calldesk_operator;
GRANT UPDATE (read_at) ON {s}.notice TO calldesk_operator;
GRANT DELETE ON {s}.note, {s}.note_draft, {s}.stats_hour, {s}.stats_day TO calldesk_operator;
GRANT INSERT, UPDATE ON {s}.operator TO calldesk_lead;
GRANT INSERT, UPDATE, DELETE ON {s}.faq_entry TO calldesk_lead;
GRANT INSERT, UPDATE, DELETE ON {s}.queue_member TO calldesk_lead;
GRANT INSERT, UPDATE ON {s}.call_review TO calldesk_lead;
GRANT UPDATE (acknowledged_by_id, acknowledged_at) ON {s}.escalation TO calldesk_lead;
"""

# Whose row it is: row-level security (the administrator, who owns the tables, is not subject to it). A lead who
# works as another operator (desk/operators/identity.py's sit-in) writes their notes and drafts and reads their notices;
# nobody edits another's note.
# A note's or draft's author is still who it says: the audit names the lead who really wrote it.
_POLICIES = """
ALTER TABLE {s}.call_back ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS calldesk_read ON {s}.call_back;
CREATE POLICY calldesk_read ON {s}.call_back FOR SELECT USING (true);
DROP POLICY IF EXISTS calldesk_offer ON {s}.call_back;
CREATE POLICY calldesk_offer ON {s}.call_back FOR INSERT WITH CHECK (true);
DROP POLICY IF EXISTS calldesk_work ON {s}.call_back;
CREATE POLICY calldesk_work ON {s}.call_back FOR UPDATE
  USING ((SELECT {s}.calldesk_is_lead()) OR assignee_id IS NULL OR assignee_id = (SELECT {s}.calldesk_me())
         OR {s}.calldesk_callback_unattended(status, current_call_id, due_at, assigned_at, touched_at))
  WITH CHECK ((SELECT {s}.calldesk_is_lead()) OR assignee_id IS NULL OR assignee_id = (SELECT {s}.calldesk_me())
              OR {s}.calldesk_is_lead_operator(assignee_id));

ALTER TABLE {s}.feedback ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS calldesk_read ON {s}.feedback;
CREATE POLICY calldesk_read ON {s}.feedback FOR SELECT USING (true);
DROP POLICY IF EXISTS calldesk_log ON {s}.feedback;
CREATE POLICY calldesk_log ON {s}.feedback FOR INSERT WITH CHECK (true);
DROP POLICY IF EXISTS calldesk_work ON {s}.feedback;
CREATE POLICY calldesk_work ON {s}.feedback FOR UPDATE
  USING ((SELECT {s}.calldesk_is_lead()) OR owner_id = (SELECT {s}.calldesk_me()))
  WITH CHECK ((SELECT {s}.calldesk_is_lead()) OR owner_id = (SELECT {s}.calldesk_me()));

ALTER TABLE {s}.note ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS calldesk_read ON {s}.note;
CREATE POLICY calldesk_read ON {s}.note FOR SELECT USING (true);
DROP POLICY IF EXISTS calldesk_write ON {s}.note;
CREATE POLICY calldesk_write ON {s}.note FOR INSERT
  WITH CHECK (author_id IS NULL OR author_id = (SELECT {s}.calldesk_me()) OR (SELECT {s}.calldesk_is_lead()));
DROP POLICY IF EXISTS calldesk_edit ON {s}.note;
CREATE POLICY calldesk_edit ON {s}.note FOR UPDATE
  USING (author_id = (SELECT {s}.calldesk_me())) WITH CHECK (author_id = (SELECT {s}.calldesk_me()));
DROP POLICY IF EXISTS calldesk_remove ON {s}.note;
CREATE POLICY calldesk_remove ON {s}.note FOR DELETE USING (author_id = (SELECT {s}.calldesk_me()));

ALTER TABLE {s}.note_draft ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS calldesk_own ON {s}.note_draft;
CREATE POLICY calldesk_own ON {s}.note_draft
  USING (operator_id = (SELECT {s}.calldesk_me()) OR (SELECT {s}.calldesk_is_lead()))
  WITH CHECK (operator_id = (SELECT {s}.calldesk_me()) OR (SELECT {s}.calldesk_is_lead()));

ALTER TABLE {s}.notice ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS calldesk_read ON {s}.notice;
CREATE POLICY calldesk_read ON {s}.notice FOR SELECT USING (true);
DROP POLICY IF EXISTS calldesk_post ON {s}.notice;
CREATE POLICY calldesk_post ON {s}.notice FOR INSERT WITH CHECK (true);
DROP POLICY IF EXISTS calldesk_mark ON {s}.notice;
CREATE POLICY calldesk_mark ON {s}.notice FOR UPDATE
  USING (operator_id = (SELECT {s}.calldesk_me()) OR (SELECT {s}.calldesk_is_lead()))
  WITH CHECK (operator_id = (SELECT {s}.calldesk_me()) OR (SELECT {s}.calldesk_is_lead()));
"""

_TRIGGERS = """
CREATE OR REPLACE TRIGGER calldesk_stamp_actor BEFORE INSERT ON {s}.audit_event
  FOR EACH ROW EXECUTE FUNCTION {s}.calldesk_stamp_actor();
CREATE OR REPLACE TRIGGER calldesk_lead_only BEFORE INSERT OR UPDATE OR DELETE ON {s}.faq_entry
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.calldesk_lead_only('change the FAQ');
CREATE OR REPLACE TRIGGER calldesk_lead_only BEFORE INSERT OR UPDATE OR DELETE ON {s}.call_review
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.calldesk_lead_only('review a call');
CREATE OR REPLACE TRIGGER calldesk_lead_only BEFORE INSERT OR UPDATE OR DELETE ON {s}.queue_member
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.calldesk_lead_only('change the queues an operator answers');
CREATE OR REPLACE TRIGGER calldesk_lead_only BEFORE UPDATE OR DELETE ON {s}.escalation
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.calldesk_lead_only('acknowledge an escalation');
CREATE OR REPLACE TRIGGER calldesk_lead_only BEFORE INSERT OR DELETE ON {s}.operator
  FOR EACH STATEMENT EXECUTE FUNCTION {s}.calldesk_lead_only('manage operators');
-- Anyone moves anyone's state (the PBX, the consoles); every other column, a later one too, is a lead's.
CREATE OR REPLACE TRIGGER calldesk_manage_operators BEFORE UPDATE ON {s}.operator FOR EACH ROW
  WHEN (to_jsonb(OLD) - '{{state,state_reason,state_since}}'::text[]
        IS DISTINCT FROM to_jsonb(NEW) - '{{state,state_reason,state_since}}'::text[])
  EXECUTE FUNCTION {s}.calldesk_lead_only('manage operators');
CREATE OR REPLACE TRIGGER calldesk_callback_guard BEFORE UPDATE ON {s}.call_back
  FOR EACH ROW EXECUTE FUNCTION {s}.calldesk_callback_guard();
CREATE OR REPLACE TRIGGER calldesk_sync_login_insert AFTER INSERT ON {s}.operator
  FOR EACH ROW WHEN (NEW.account IS NOT NULL) EXECUTE FUNCTION {s}.calldesk_sync_login();
CREATE OR REPLACE TRIGGER calldesk_sync_login_update AFTER UPDATE ON {s}.operator FOR EACH ROW
  WHEN ((OLD.account, OLD.role, OLD.enabled) IS DISTINCT FROM (NEW.account, NEW.role, NEW.enabled))
  EXECUTE FUNCTION {s}.calldesk_sync_login();
"""


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_roles(db: Database) -> None:
    """The group roles, functions, grants, policies and triggers that make PostgreSQL enforce the desk's roles, in
    the schema calldesk's tables are in (migration 4, run as their owner inside its transaction). Idempotent: a later
    migration that adds a table runs it again, and it leaves exactly the grants above."""
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
    s = _identifier(schema)
    names = {
        "s": s,
        "operator": _literal(f"{s}.operator"),
        "tables": ", ".join(f"{s}.{_identifier(model._meta.table_name)}" for model in ALL_MODELS),
        "sequences": ", ".join(f"{s}.{_identifier(model._meta.table_name + '_id_seq')}" for model in ALL_MODELS
                               if isinstance(model._meta.primary_key, AutoField)),
    }
    script = _GROUP_ROLES + "".join(part.format(**names) for part in (_FUNCTIONS, _GRANTS, _POLICIES, _TRIGGERS))
    # Without parameters, so psycopg sends it as it is (format's %I stays SQL's): one round trip for every statement,
    # inside the migration's transaction.
    db.cursor().execute(script)


def _postgres() -> Database:
    db = database.obj
    if isinstance(db, SqliteDatabase):
        raise StoreError("database roles are PostgreSQL's: on SQLite the OS user is the boundary")
    return db


def create_login(account: str, password: str | None, lead: bool) -> None:
    """Give an operator a database login of their own, ``account`` (their ``operator.account``): a new LOGIN role in
    calldesk_operator (and calldesk_lead for a lead), or an existing calldesk login given the groups and the
    password. A team lead or the administrator may; the database refuses anyone else. The password leaves this
    machine already hashed (SCRAM, as the server's password_encryption says), never in clear."""
    db = _postgres()
    try:
        secret = None
        if password is not None:
            connection = db.connection()
            secret = connection.pgconn.encrypt_password(password.encode(), account.encode()).decode()
        db.execute_sql("SELECT calldesk_create_login(%s, %s, %s)", (account, secret, lead))
    except DatabaseError as exc:
        raise StoreError(f"login {account!r}: {str(exc).strip().splitlines()[0]}") from None


def session_account() -> str:
    """The database role this session logged in as (``session_user``): who the operator at this console is."""
    return _postgres().execute_sql("SELECT session_user").fetchone()[0]


def is_administrator() -> bool:
    """Whether this session's role owns calldesk's tables (or is a member of the role that does, or a superuser):
    the desk's administrator, whom the database trusts with everything."""
    row = _postgres().execute_sql(
        "SELECT coalesce((SELECT pg_has_role(session_user, relowner, 'USAGE') FROM pg_class "
        "WHERE oid = to_regclass('operator')), (SELECT rolsuper FROM pg_roles WHERE rolname = session_user))"
    ).fetchone()
    return bool(row[0])
