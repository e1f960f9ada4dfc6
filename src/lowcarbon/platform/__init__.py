"""The web platform's kernel: settings, database, migrations, audit trail, accounts, HTTP app factory and commands.

Modules, each importable on its own (none imports a domain package; see DESIGN.md):

    settings       Settings (pydantic-settings, LOWCARBON_* variables, TOML file), settings_table() for the docs
    errors         PlatformError and its subclasses, each with an HTTP status
    database       Base, UTCDateTime, create_engine(settings), session_factory(engine), ping(engine)
    migrate        upgrade(settings), downgrade(settings, revision), current_revision(s)(settings), head_revision(s)(),
                   version_locations(): the kernel's and every domain's migrations/versions folder
    tables         the kernel's tables: Organisation, User, AuditEntry, LoginSession, MachineClient, AccessToken, Job
    roles          OrganisationKind and Role, the words access rules are written in
    audit          record(session, ...), verify(session), head(session): the hash-chained audit trail
    jobs           JobRunner (LocalProcessPoolRunner, InlineRunner), JobKind, JobRegistry: background jobs
    passwords      Argon2id hashing and the password length rule
    accounts       create_organisation, create_user: writes that record themselves in the audit trail
    clock          Clock, system_clock: the time, passed in so that tests can move it
    credentials    random tokens, their SHA-256 digests, the CSRF token of a session
    logins         people: password check, lockout, login sessions (open, find, revoke)
    machine_clients  machines: OAuth2 clients, access tokens and their scopes
    http_errors    the one JSON error shape {"error": {"code", "message"}} and its handlers
    dependencies   SettingsDep, EngineDep, SessionDep, WriteSessionDep, NowDep for routes
    forms          the form or JSON body of the auth endpoints
    csrf           the CSRF check every route depends on
    auth           CurrentUser, EditorUser, CurrentClient, requires_scopes: who is asking
    pagination     PageDep: ?limit=&cursor= and the next page's URL
    auth_routes    POST /auth/login, POST /auth/logout, GET /auth/me
    oauth          POST /auth/token (client credentials), GET /.well-known/openid-configuration
    health         GET /healthz
    app            create_app(settings) -> FastAPI, the one assembler: mounts every domain's router
    cli            the serve, audit and admin commands (a Typer app merged into ``lowcarbon``)

Nothing is imported here, so ``import lowcarbon.platform.cli`` stays free of the web stack until a command runs.
"""
