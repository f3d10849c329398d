import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver
import MizanDevCluster

/// The service's database role can do what the service does and nothing an attacker who took over
/// the service (or an SQL injection) would want: rewrite the audit log, empty tables, switch the
/// triggers off, or become someone else.
@Suite("The service's database role")
struct ServiceRoleTests {
    /// A database of its own as the service's role and as its superuser.
    static func database(_ label: String = #function) async throws -> (app: PostgresConnection, superuser: PostgresConnection) {
        let configuration = try await TestPostgres.database("roles_\(label)")
        return (
            try PostgresConnection.connect(configuration),
            try PostgresConnection.connect(TestPostgres.configuration(configuration, as: .superuser)))
    }

    /// The statement fails for want of privilege (SQLSTATE 42501), not for some other reason.
    static func expectDenied(_ sql: SQL, on connection: PostgresConnection, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try connection.query(sql)
        } throws: { error in
            (error as? PostgresError)?.sqlState == "42501"
        }
    }

    @Test func isNeitherSuperuserNorAbleToCreateRolesOrDatabases() async throws {
        let (app, superuser) = try await Self.database()
        defer { app.close(); superuser.close() }
        let me = try app.query("""
            SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
            FROM pg_roles WHERE rolname = current_user
            """).single()
        #expect(try me.decode(String.self, 0) == TestPostgres.roles.app)
        for column in 1...5 { #expect(try me.decode(Bool.self, column) == false, "attribute \(column)") }
        // Owns nothing, so cannot alter or drop anything.
        let owned = try superuser.query("""
            SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = \(TestPostgres.roles.app))
            """).single().decode(Int.self, 0)
        #expect(owned == 0)
        Self.expectDenied("SET ROLE \(SQL(unsafeRaw: TestPostgres.roles.owner))", on: app)
        Self.expectDenied("SET ROLE postgres", on: app)
        Self.expectDenied("CREATE TABLE intruder (id int)", on: app)
        Self.expectDenied("CREATE ROLE intruder", on: app)
    }

    @Test func appendsToTheAuditLogButNeverRewritesIt() async throws {
        let (app, superuser) = try await Self.database()
        defer { app.close(); superuser.close() }
        let entry = try app.transaction { try AuditLogStore.append(actor: "test", action: "test.append", object: "roles", on: $0) }
        Self.expectDenied("UPDATE audit_log SET details = 'rewritten' WHERE id = \(entry.id)", on: app)
        Self.expectDenied("DELETE FROM audit_log WHERE id = \(entry.id)", on: app)
        Self.expectDenied("TRUNCATE audit_log", on: app)
        let kept = try superuser.query("SELECT details FROM audit_log WHERE id = \(entry.id)").single().decode(String.self, 0)
        #expect(kept == "")
    }

    @Test func cannotTruncateNorSwitchTriggersOffNorSkipThem() async throws {
        let (app, superuser) = try await Self.database()
        defer { app.close(); superuser.close() }
        for table in ["ballots", "ballot_choices", "participation", "tallies", "cycles", "registry_entries"] {
            Self.expectDenied(SQL(unsafeRaw: "TRUNCATE \(table) CASCADE"), on: app)
        }
        Self.expectDenied("ALTER TABLE ballots DISABLE TRIGGER ballots_phase_guard", on: app)
        Self.expectDenied("ALTER TABLE ballots DISABLE TRIGGER ALL", on: app)
        Self.expectDenied("DROP TRIGGER ballots_phase_guard ON ballots", on: app)
        Self.expectDenied("CREATE OR REPLACE FUNCTION votes_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$", on: app)
        // `replica` would skip every ordinary trigger: only a superuser may set it.
        Self.expectDenied("SET session_replication_role = replica", on: app)
        Self.expectDenied("SET LOCAL session_replication_role = replica", on: app)
        #expect(try app.query("SHOW session_replication_role").single().decode(String.self, 0) == "origin")
        // The same statement works for the superuser, so the refusal above is the role's.
        try superuser.query("SET session_replication_role = replica")
        try superuser.query("RESET session_replication_role")
    }

    @Test func recordsTheSecretFingerprintOnceAndNeverReplacesIt() async throws {
        let (app, superuser) = try await Self.database()
        defer { app.close(); superuser.close() }
        #expect(try SecretFingerprintStore.state(on: app) == .unrecorded(holdsSecretData: false))
        let first = SecretFingerprint(masterKey: Array(repeating: 1, count: 32))
        let second = SecretFingerprint(masterKey: Array(repeating: 2, count: 32))
        #expect(try SecretFingerprintStore.record(first, actor: "test", on: app) == first)
        #expect(try SecretFingerprintStore.record(second, actor: "test", on: app) == first, "the first one stays")
        #expect(try SecretFingerprintStore.state(on: app) == .recorded(first))
        Self.expectDenied("UPDATE server_secret_fingerprint SET fingerprint = \(second.hex)", on: app)
        Self.expectDenied("DELETE FROM server_secret_fingerprint", on: app)
        // Only its fingerprint is stored, never the secret.
        let stored = try superuser.query("SELECT fingerprint FROM server_secret_fingerprint").single().decode(String.self, 0)
        #expect(stored == first.hex && !stored.contains(String(repeating: "01", count: 32)))
        #expect(try superuser.query("SELECT count(*) FROM audit_log WHERE action = 'secret.record'").single().decode(Int.self, 0) == 1)
    }

    @Test func readsButNeverWritesTheMigrationLedger() async throws {
        let (app, _) = try await Self.database()
        defer { app.close() }
        let migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
        #expect(try Migrator(migrations: migrations).status(on: app).allSatisfy(\.isApplied))
        Self.expectDenied("DELETE FROM schema_migrations", on: app)
        Self.expectDenied("INSERT INTO schema_migrations (version, name, sha256) VALUES (9998, 'x', \(String(repeating: "0", count: 64)))", on: app)
        // Nothing pending: migrating as the service changes nothing and needs no privilege.
        #expect(try Migrator(migrations: migrations).migrate(on: app).isEmpty)
        // Something pending: refused, with the way out.
        let later = Migration(version: 9_999, name: "later", sql: "CREATE TABLE later (id int)")
        #expect {
            try Migrator(migrations: migrations + [later]).migrate(on: app)
        } throws: { error in
            "\(error)".contains("permission denied") && "\(error)".contains("owner role")
        }
    }

    /// A table a later migration adds is the service's to use without anyone editing the grants,
    /// while the restrictions stay in force.
    @Test func aTableALaterMigrationAddsIsUsableByTheServiceAtOnce() async throws {
        let configuration = try await TestPostgres.database("roles_later", as: .owner)
        let owner = try PostgresConnection.connect(configuration)
        let app = try PostgresConnection.connect(TestPostgres.configuration(configuration, as: .app))
        defer { owner.close(); app.close() }
        let migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
        let later = Migration(
            version: 9_999, name: "sealed_things",
            sql: "CREATE TABLE sealed_things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body bytea NOT NULL)")
        #expect(try Migrator(migrations: migrations + [later]).migrate(on: owner).map(\.version) == [9_999])
        #expect(try TestPostgres.roles.grantAfterMigrating(on: owner))

        try app.query("INSERT INTO sealed_things (body) VALUES (\(PostgresBytes([1, 2, 3])))")
        try app.query("UPDATE sealed_things SET body = \(PostgresBytes([4]))")
        #expect(try app.query("SELECT count(*) FROM sealed_things").single().decode(Int.self, 0) == 1)
        try app.query("DELETE FROM sealed_things")
        Self.expectDenied("TRUNCATE sealed_things", on: app)
        Self.expectDenied("ALTER TABLE sealed_things ADD COLUMN extra int", on: app)
        Self.expectDenied("UPDATE audit_log SET details = ''", on: app)
        let tableOwner = try owner.query("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'sealed_things'")
            .single().decode(String.self, 0)
        #expect(tableOwner == TestPostgres.roles.owner)
    }

    /// A database an earlier version migrated as the superuser is handed to the owner, so its
    /// triggers are out of the service's reach too.
    @Test func settingUpAnExistingDatabaseHandsEverythingToTheOwner() async throws {
        let configuration = try await TestPostgres.emptyDatabase("roles_adopt")
        let superuser = try PostgresConnection.connect(configuration)
        defer { superuser.close() }
        let migrations = try Migration.load(from: TestPostgres.migrationsDirectory)
        try Migrator(migrations: migrations).migrate(on: superuser)
        let roles = try ServiceRoles(owner: "adopt_owner", app: "adopt_app")
        try roles.setUp(on: superuser)
        try roles.setUp(on: superuser)  // again: nothing changes, nothing fails
        let notOwned = try superuser.query("""
            SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
                AND relkind IN ('r', 'S', 'v') AND pg_get_userbyid(relowner) <> 'adopt_owner'
            """).single().decode(Int.self, 0)
        #expect(notOwned == 0)
        let functions = try superuser.query("""
            SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND pg_get_userbyid(proowner) <> 'adopt_owner'
            """).single().decode(Int.self, 0)
        #expect(functions == 0)

        let app = try PostgresConnection.connect(TestPostgres.configuration(configuration, user: "adopt_app"))
        defer { app.close() }
        #expect(try app.query("SELECT count(*) FROM communes").single().decode(Int.self, 0) > 1_000)
        Self.expectDenied("ALTER TABLE ballots DISABLE TRIGGER ALL", on: app)
        Self.expectDenied("DELETE FROM audit_log", on: app)
        // The owner migrates from now on.
        let owner = try PostgresConnection.connect(TestPostgres.configuration(configuration, user: "adopt_owner"))
        defer { owner.close() }
        let later = Migration(version: 9_999, name: "later", sql: "ALTER TABLE cycles ADD COLUMN later_note text")
        #expect(try Migrator(migrations: migrations + [later]).migrate(on: owner).count == 1)
    }

    @Test func roleNamesArePlainIdentifiers() throws {
        #expect(throws: RolesError.badName("Mizan")) { try ServiceRoles(owner: "Mizan", app: "mizan_app") }
        #expect(throws: RolesError.badName("x; DROP TABLE ballots")) { try ServiceRoles(owner: "mizan_owner", app: "x; DROP TABLE ballots") }
        #expect(throws: RolesError.badName("pg_monitor")) { try ServiceRoles(owner: "pg_monitor", app: "mizan_app") }
        #expect(throws: RolesError.sameName("mizan")) { try ServiceRoles(owner: "mizan", app: "mizan") }
        let custom = try ServiceRoles.fromEnvironment(["MIZAN_OWNER_ROLE": "commune_owner", "MIZAN_APP_ROLE": "commune_web"])
        #expect(custom.owner == "commune_owner" && custom.app == "commune_web")
        #expect(try ServiceRoles.fromEnvironment([:]) == .default)
    }
}
