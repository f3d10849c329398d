import Foundation
import PostgresDriver

/// The two database roles Mizan runs with, so that the service cannot do more than the service does.
///
/// - The **owner** owns the database, its schema and every table, function and sequence; migrations run
///   as the owner. Owning a table is what allows `ALTER TABLE … DISABLE TRIGGER`, `TRUNCATE` and DDL,
///   so the phase triggers that protect ballots after voting closes stay out of the service's reach.
/// - The **app** role is what the web site and the administration commands connect as: no superuser
///   (so no `session_replication_role`, which would skip every trigger), no CREATEROLE or CREATEDB,
///   owner of nothing, and only SELECT/INSERT/UPDATE/DELETE on tables, minus what `restrictedTables`
///   withholds (the audit log is append-only, the migration ledger read-only, the secret's
///   fingerprint recorded once).
///
/// New tables need no edit here: `ALTER DEFAULT PRIVILEGES` gives the app role read and write access to
/// whatever the owner creates, and `grantScript` (run after every migration) grants it again and
/// withholds what `restrictedTables` says. A table the service must not write freely goes into
/// `restrictedTables`.
public struct ServiceRoles: Sendable, Equatable, CustomStringConvertible {
    public let owner: String
    public let app: String

    public static let defaultOwner = "mizan_owner"
    public static let defaultApp = "mizan_app"
    public static let `default` = try! ServiceRoles(owner: defaultOwner, app: defaultApp)

    /// Tables the service may not write freely, and the privileges it keeps on each.
    public static let restrictedTables: [(table: String, keeps: String)] = [
        // Append-only: the service adds entries, and nothing (not even the service) edits history.
        ("audit_log", "SELECT, INSERT"),
        // The owner's ledger; the service only checks that the schema is current.
        ("schema_migrations", "SELECT"),
        // Recorded once, at first use of the secret; never replaced by the service.
        ("server_secret_fingerprint", "SELECT, INSERT"),
        // Petitions move forward and are never deleted; signatures are only ever added.
        ("petitions", "SELECT, INSERT, UPDATE"),
        ("petition_signatures", "SELECT, INSERT"),
        ("petition_threshold_overrides", "SELECT, INSERT, UPDATE"),
        // A cycle's supports phase is set, not removed; supports are only ever added.
        ("support_phases", "SELECT, INSERT, UPDATE"),
        ("proposal_supports", "SELECT, INSERT"),
    ]

    /// Role names are spliced into statements (roles cannot be bind parameters), so only plain
    /// lowercase identifiers are accepted.
    public init(owner: String, app: String) throws(RolesError) {
        for name in [owner, app] {
            guard !name.isEmpty, name.utf8.count < 64,
                name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
                let first = name.utf8.first, !(48...57).contains(first), !name.hasPrefix("pg_")
            else { throw .badName(name) }
        }
        guard owner != app else { throw .sameName(owner) }
        self.owner = owner
        self.app = app
    }

    /// `MIZAN_OWNER_ROLE` and `MIZAN_APP_ROLE`, else `mizan_owner` and `mizan_app`.
    public static func fromEnvironment(_ environment: [String: String]) throws(RolesError) -> ServiceRoles {
        func value(_ key: String, _ fallback: String) -> String {
            guard let text = environment[key], !text.isEmpty else { return fallback }
            return text
        }
        return try ServiceRoles(owner: value("MIZAN_OWNER_ROLE", defaultOwner), app: value("MIZAN_APP_ROLE", defaultApp))
    }

    public var description: String { "owner \(owner), service \(app)" }

    /// What a superuser runs once, connected to Mizan's database, to create both roles (if missing),
    /// hand the database and every object in it to the owner, and give the app role its privileges.
    /// Safe to run again. Passwords are the administrator's to set (or peer/certificate
    /// authentication), so none appears here.
    public func setupScript() -> String {
        """
        -- Mizan's database roles (\(description)).
        -- Run as a superuser, connected to Mizan's database, e.g.
        --   mizan db roles | psql "postgresql://postgres@db.example/mizan" -v ON_ERROR_STOP=1
        -- It can be run again: it creates only what is missing and grants what is due.
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(owner)') THEN CREATE ROLE \(owner) LOGIN; END IF;
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(app)') THEN CREATE ROLE \(app) LOGIN; END IF;
        END $$;
        -- Neither may create roles or databases, replicate, or bypass row security; the app role
        -- inherits nothing it might later be granted by mistake.
        ALTER ROLE \(owner) NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        ALTER ROLE \(app) NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;

        -- The owner owns the database, its schema and everything in it (also what an earlier
        -- version created as another role), so only the owner can change tables or their triggers.
        DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO \(owner)', current_database()); END $$;
        ALTER SCHEMA public OWNER TO \(owner);
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        DO $$
        DECLARE item record;
        BEGIN
          FOR item IN SELECT oid::regclass AS name FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f')
                AND relowner <> '\(owner)'::regrole LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO \(owner)', item.name);
          END LOOP;
          -- Sequences that belong to a column moved with their table; these are the free-standing ones.
          FOR item IN SELECT oid::regclass AS name FROM pg_class
              WHERE relnamespace = 'public'::regnamespace AND relkind = 'S' AND relowner <> '\(owner)'::regrole LOOP
            EXECUTE format('ALTER SEQUENCE %s OWNER TO \(owner)', item.name);
          END LOOP;
          FOR item IN SELECT oid::regprocedure AS name FROM pg_proc
              WHERE pronamespace = 'public'::regnamespace AND proowner <> '\(owner)'::regrole LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO \(owner)', item.name);
          END LOOP;
          FOR item IN SELECT oid::regtype AS name FROM pg_type
              WHERE typnamespace = 'public'::regnamespace AND typtype IN ('d', 'e', 'r') AND typowner <> '\(owner)'::regrole LOOP
            EXECUTE format('ALTER TYPE %s OWNER TO \(owner)', item.name);
          END LOOP;
        END $$;

        -- Tables and sequences that later migrations create are the service's to use at once.
        ALTER DEFAULT PRIVILEGES FOR ROLE \(owner) IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(app);
        ALTER DEFAULT PRIVILEGES FOR ROLE \(owner) IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO \(app);

        \(grantScript())
        """
    }

    /// The service's privileges on what exists now; run by the owner (or a superuser) after every
    /// migration, so a table a migration added, or a restriction this version added, takes effect.
    public func grantScript() -> String {
        """
        DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO \(app)', current_database()); END $$;
        GRANT USAGE ON SCHEMA public TO \(app);
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(app);
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(app);
        -- Never: TRUNCATE skips row triggers, and TRIGGER/REFERENCES are the owner's business.
        REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM \(app);
        REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM \(app);
        \(restrictionScript(keptBy: app))
        """
    }

    /// Withholds what `restrictedTables` says from every role but the tables' owner, whatever its
    /// name (default privileges may have given a differently named service role everything), and
    /// gives `keptBy` back what it keeps.
    public func restrictionScript(keptBy role: String? = nil) -> String {
        let all: Set<String> = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
        let rows = Self.restrictedTables.map { table, keeps in
            let kept = Set(keeps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let withheld = all.subtracting(kept).sorted().joined(separator: ", ")
            return "('\(table)', '\(withheld)', '\(keeps)')"
        }.joined(separator: ", ")
        let regrant = role.map { "EXECUTE format('GRANT %s ON TABLE %I TO \($0)', item.keeps, item.name);" } ?? ""
        return """
            DO $$
            DECLARE item record; grantee text;
            BEGIN
              FOR item IN SELECT * FROM (VALUES \(rows)) AS restricted (name, withheld, keeps) LOOP
                CONTINUE WHEN to_regclass('public.' || item.name) IS NULL;
                FOR grantee IN SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(acl.grantee)) END
                    FROM pg_class c, aclexplode(c.relacl) acl
                    WHERE c.oid = to_regclass('public.' || item.name) AND acl.grantee <> c.relowner LOOP
                  EXECUTE format('REVOKE %s ON TABLE %I FROM %s', item.withheld, item.name, grantee);
                END LOOP;
                \(regrant)
              END LOOP;
            END $$;
            """
    }

    /// Creates the roles and hands everything to the owner, in one transaction; needs a superuser
    /// connection to the database (the private cluster and the test clusters do this themselves).
    public func setUp(on connection: PostgresConnection) throws {
        try Self.exclusively(on: connection) { try $0.execute(script: setupScript()) }
    }

    /// `setUp` unless both roles exist and the owner owns the database already, so that commands
    /// started while the site runs do not redo it.
    public func setUpIfNeeded(on connection: PostgresConnection) throws {
        let done = try connection.query("""
            SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = \(app))
                AND coalesce((SELECT datdba = (SELECT oid FROM pg_roles WHERE rolname = \(owner))
                              FROM pg_database WHERE datname = current_database()), false)
            """).single().decode(Bool.self, 0)
        if !done { try setUp(on: connection) }
    }

    /// Re-grants the app role its privileges after a migration, and withholds the restricted ones
    /// from everyone, unless the connection is the app role itself (which may grant nothing).
    /// Returns whether it did.
    @discardableResult
    public func grantAfterMigrating(on connection: PostgresConnection) throws -> Bool {
        let row = try connection.query("""
            SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = \(app)), current_user = \(app)
            """).single()
        guard try !row.decode(Bool.self, 1) else { return false }
        // Without the service's role (a database used by the superuser alone), the restrictions
        // still hold for whoever was granted privileges.
        let script = try row.decode(Bool.self, 0) ? grantScript() : restrictionScript()
        try Self.exclusively(on: connection) { try $0.execute(script: script) }
        return true
    }

    /// Two processes changing the same privileges at once can fail ("tuple concurrently updated"),
    /// so they take turns.
    static func exclusively(on connection: PostgresConnection, _ body: (PostgresConnection) throws -> Void) throws {
        try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock(74242003)")
            try body(connection)
        }
    }
}

public enum RolesError: Error, Equatable, CustomStringConvertible {
    case badName(String)
    case sameName(String)

    public var description: String {
        switch self {
        case .badName(let name):
            return "database role name \"\(name)\" must be lowercase letters, digits and _ (not starting with a digit or pg_)"
        case .sameName(let name):
            return "the owner and the service must be two different database roles (both are \(name))"
        }
    }
}
