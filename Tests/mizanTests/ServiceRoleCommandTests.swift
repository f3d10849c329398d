import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver
import MizanDevCluster

@Suite("mizan db roles")
struct DatabaseRolesCommandTests {
    /// On a PostgreSQL of one's own: the printed SQL, run by a superuser, sets up both roles; the
    /// owner then migrates and the service's role finds the schema current but cannot change it.
    @Test func thePrintedSQLSetsUpRolesTheOwnerMigratesAndTheServiceUses() async throws {
        let suffix = String(getpid())
        let names = ["--owner", "own_\(suffix)", "--app", "web_\(suffix)"]
        let printed = try MizanBinary.run(["db", "roles"] + names, environment: MizanBinary.environment())
        #expect(printed.status == 0, "\(printed.output)")
        #expect(printed.standardOutput.contains("CREATE ROLE own_\(suffix) LOGIN"))
        #expect(printed.standardOutput.contains("ALTER ROLE web_\(suffix) NOSUPERUSER NOCREATEDB NOCREATEROLE"))
        #expect(printed.standardOutput.contains("GRANT %s ON TABLE %I TO web_\(suffix)"))

        let superuser = try await TestPostgres.emptyDatabase("cli_db_roles")
        let connection = try PostgresConnection.connect(superuser)
        try connection.execute(script: printed.standardOutput)
        connection.close()

        let owner = TestPostgres.configuration(superuser, user: "own_\(suffix)")
        let app = TestPostgres.configuration(superuser, user: "web_\(suffix)")
        let early = try MizanBinary.run(["migrate"], environment: MizanBinary.environment(["DATABASE_URL": app.urlForTests]))
        #expect(early.status == 1, "the service's role cannot migrate")
        #expect(early.standardError.contains("permission denied"), "\(early.output)")
        #expect(early.standardError.contains("owner role"))

        // Migrated without naming the service's role: the restrictions reach it all the same.
        let migrated = try MizanBinary.run(["migrate"], environment: MizanBinary.environment(["DATABASE_URL": owner.urlForTests]))
        #expect(migrated.status == 0, "\(migrated.output)")
        let status = try MizanBinary.run(["migrate", "--status"], environment: MizanBinary.environment(["DATABASE_URL": app.urlForTests]))
        #expect(status.standardOutput.contains(" 0 pending"), "\(status.output)")
        let current = try MizanBinary.run(["migrate"], environment: MizanBinary.environment(["DATABASE_URL": app.urlForTests]))
        #expect(current.standardOutput.contains("up to date"), "\(current.output)")

        // The service works, and only as far as its grants go.
        let environment = MizanBinary.environment([
            "DATABASE_URL": app.urlForTests, "MIZAN_SECRET": AdminSession.secret,
        ])
        let created = try MizanBinary.run(
            ["cycle", "create", "--commune", "02.113.01.09", "--year", "2026", "--budget", "1000000", "--rule", "greedy",
             "--ballot", "approval", "--max", "2"], environment: environment)
        #expect(created.status == 0, "\(created.output)")
        let service = try PostgresConnection.connect(app)
        defer { service.close() }
        #expect(throws: PostgresError.self) { try service.query("UPDATE audit_log SET details = ''") }
        #expect(throws: PostgresError.self) { try service.query("TRUNCATE cycles CASCADE") }
        #expect(throws: PostgresError.self) { try service.query("ALTER TABLE cycles DISABLE TRIGGER ALL") }
        #expect(try service.query("SELECT count(*) FROM cycles").single().decode(Int.self, 0) == 1)
    }

    @Test func applyNeedsAConfiguredDatabaseAndBadNamesAreRefused() throws {
        let apply = try MizanBinary.run(["db", "roles", "--apply"], environment: MizanBinary.environment())
        #expect(apply.status == 1)
        #expect(apply.standardError.contains("--apply needs DATABASE_URL"))
        let bad = try MizanBinary.run(["db", "roles", "--app", "Robert'); DROP"], environment: MizanBinary.environment())
        #expect(bad.status == 1)
        #expect(bad.standardError.contains("must be lowercase letters, digits and _"))
        let same = try MizanBinary.run(["db", "roles"], environment: MizanBinary.environment(["MIZAN_APP_ROLE": "mizan_owner"]))
        #expect(same.status == 1)
        #expect(same.standardError.contains("two different database roles"))
    }
}

/// What an attacker who took over the service (its database role) could try on a counted ballot.
@Suite("Counted ballots against the service's role")
struct CountedBallotTests {
    @Test func theServiceCannotChangeDeleteOrUnguardACountedBallot() async throws {
        let session = try await AdminSession.make()
        _ = try session.cycleInVoting()
        let paper = try session.write("paper.csv", "voter,choices\nAB123456,1 2\n")
        let entered = try session.run("ballots", "enter-paper", "--cycle", "1", paper)
        #expect(entered.status == 0, "\(entered.output)")
        #expect(try session.run("cycle", "advance", "1").status == 0, "voting closes")

        let service = try PostgresConnection.connect(session.configuration)
        defer { service.close() }
        #expect(try service.query("SELECT current_user").single().decode(String.self, 0) == TestPostgres.roles.app)
        // The phase guards refuse, and the service's role cannot switch them off or skip them.
        #expect(throws: PostgresError.self) { try service.query("DELETE FROM ballots") }
        #expect(throws: PostgresError.self) { try service.query("DELETE FROM ballot_choices") }
        #expect(throws: PostgresError.self) { try service.query("UPDATE ballot_choices SET weight = weight + 1") }
        #expect(throws: PostgresError.self) { try service.query("DELETE FROM participation") }
        for statement: SQL in [
            "ALTER TABLE ballots DISABLE TRIGGER ALL", "ALTER TABLE ballot_choices DISABLE TRIGGER ballot_choices_phase_guard",
            "SET session_replication_role = replica", "TRUNCATE ballots CASCADE", "DELETE FROM audit_log",
        ] {
            #expect {
                try service.query(statement)
            } throws: { error in (error as? PostgresError)?.sqlState == "42501" }
        }
        #expect(try session.count("ballots") == 1)
        #expect(try session.count("ballot_choices") == 2)
    }
}
