import Foundation
import MizanPostgres
import MizanTestSupport
import Testing
import PostgresDriver

@Suite("SQL interpolation")
struct SQLInterpolationTests {
    @Test func everyValueBecomesABind() {
        let name = "Robert'); DROP TABLE communes;--"
        let sql: SQL = "SELECT * FROM communes WHERE name_fr = \(name) AND population > \(1000)"
        #expect(sql.text == "SELECT * FROM communes WHERE name_fr = $1 AND population > $2")
        #expect(sql.binds == [.text(name), .text("1000")])
    }

    @Test func fragmentsAreRenumbered() {
        let filter: SQL = "kind = \("urban") AND population > \(5)"
        let sql: SQL = "SELECT id FROM communes WHERE province_id = \(7) AND \(filter) LIMIT \(10)"
        #expect(sql.text == "SELECT id FROM communes WHERE province_id = $1 AND kind = $2 AND population > $3 LIMIT $4")
        #expect(sql.binds == [.text("7"), .text("urban"), .text("5"), .text("10")])
        let joined = SQL.joined(["a = \(1)", "b = \(2)"], separator: " OR ")
        #expect(joined.text == "a = $1 OR b = $2")
    }

    @Test func nilBecomesNull() {
        let missing: String? = nil
        let sql: SQL = "SELECT \(missing)"
        #expect(sql.binds == [.null])
    }
}

@Suite("Binds, decoding and errors against PostgreSQL")
struct PostgresRoundTripTests {
    @Test(arguments: [
        "O'Brien \"quoted\" \\ backslash",
        "مرحبا بكم في بركان",
        "ⴰⵣⵓⵍ ⴼⵍⵍⴰⵡⵏ",
        "emoji 🇲🇦 and combining é",
        "line\nbreak\ttab",
        "",
        "$1 not a placeholder",
        "'; DROP TABLE communes; --",
    ])
    func textRoundTripsExactly(_ text: String) async throws {
        _ = try await TestPostgres.withPool(size: 1) { pool in
            let row = try await pool.query("SELECT \(text)::text, length(\(text)::text)").single()
            #expect(try row.decode(String.self, 0) == text)
            #expect(try row.decode(Int.self, 1) == text.count || text.unicodeScalars.count == (try row.decode(Int.self, 1)))
            #expect(try await pool.query("SELECT count(*) FROM communes").single().decode(Int.self, 0) == 1_503)
        }
    }

    @Test func textWithNulIsRefusedBeforeSending() async throws {
        _ = try await TestPostgres.withPool(size: 1) { pool in
            await #expect {
                try await pool.query("SELECT \("before\u{0}after")::text")
            } throws: { error in
                (error as? PostgresError)?.kind == .encoding
            }
        }
    }

    @Test func scalarsRoundTrip() async throws {
        try await TestPostgres.withPool(size: 1) { pool in
            let moment = Date(timeIntervalSince1970: 1_795_000_000.123456)
            let bytes = PostgresBytes([0, 1, 2, 254, 255])
            let row = try await pool.query("""
                SELECT \(Int64.max)::bigint, \(Int64.min)::bigint, \(true)::boolean, \(false)::boolean,
                       \(0.1)::float8, \(moment)::timestamptz, \(bytes)::bytea, \(Optional<Int>.none)::int
                """).single()
            #expect(try row.decode(Int64.self, 0) == .max)
            #expect(try row.decode(Int64.self, 1) == .min)
            #expect(try row.decode(Bool.self, 2) == true)
            #expect(try row.decode(Bool.self, 3) == false)
            #expect(try row.decode(Double.self, 4) == 0.1)
            let decoded = try row.decode(Date.self, 5)
            #expect(abs(decoded.timeIntervalSince1970 - moment.timeIntervalSince1970) < 0.000_001)
            #expect(try row.decode(PostgresBytes.self, 6) == bytes)
            #expect(try row.decodeIfPresent(Int.self, 7) == nil)
            #expect(row.isNull(7))
        }
    }

    @Test func arraysBindAsOneParameter() async throws {
        try await TestPostgres.withPool(size: 1) { pool in
            let codes = ["01.511.01.0", "06.141.01.0", "no \"such\" code"]
            let names = try await pool.query("SELECT name_fr FROM communes WHERE code = ANY(\(codes)) ORDER BY name_fr")
                .map { try $0.decode(String.self, 0) }
            #expect(names == ["Casablanca", "Tanger"])
        }
    }

    @Test func decodingMismatchSaysWhere() async throws {
        try await TestPostgres.withPool(size: 1) { pool in
            let row = try await pool.query("SELECT 'Berkane' AS name, NULL::int AS missing").single()
            #expect {
                try row.decode(Int.self, "name")
            } throws: { error in
                let text = "\(error)"
                return text.contains("\"name\"") && text.contains("Int") && text.contains("Berkane")
            }
            #expect {
                try row.decode(Int.self, "missing")
            } throws: { error in "\(error)".contains("NULL") }
            #expect {
                try row.decode(Int.self, "nope")
            } throws: { error in "\(error)".contains("no column named \"nope\"") }
        }
    }

    @Test func errorsCarryTheirSQLState() async throws {
        // The driver's own tables: created as the owner, since the service's role creates none.
        try await TestPostgres.withPool(size: 1, as: .owner) { pool in
            try await pool.query("CREATE TABLE voters (id int PRIMARY KEY, age int CHECK (age >= 18))")
            try await pool.query("INSERT INTO voters VALUES (\(1), \(30))")
            await #expect {
                try await pool.query("INSERT INTO voters VALUES (\(1), \(40))")
            } throws: { error in
                let error = error as? PostgresError
                return error?.sqlState == SQLState.uniqueViolation && error?.constraint == "voters_pkey"
                    && error?.kind == .query && error?.isUnavailable == false
            }
            await #expect {
                try await pool.query("INSERT INTO voters VALUES (\(2), \(12))")
            } throws: { error in (error as? PostgresError)?.sqlState == SQLState.checkViolation }
            await #expect {
                try await pool.query("SELEC 1")
            } throws: { error in (error as? PostgresError)?.sqlState == SQLState.syntaxError }
            await #expect {
                try await pool.query("SELECT \("abc")::int")
            } throws: { error in (error as? PostgresError)?.sqlState == SQLState.invalidTextRepresentation }
            #expect(try await pool.query("SELECT 1").count == 1, "the connection survives errors")
        }
    }

    @Test func transactionsCommitOrRollBackAsAWhole() async throws {
        // The driver's own tables: created as the owner, since the service's role creates none.
        try await TestPostgres.withPool(size: 1, as: .owner) { pool in
            try await pool.query("CREATE TABLE ledger (id int PRIMARY KEY)")
            await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try connection.query("INSERT INTO ledger VALUES (\(1))")
                    try connection.query("INSERT INTO ledger VALUES (\(1))")
                }
            }
            #expect(try await pool.query("SELECT count(*) FROM ledger").single().decode(Int.self, 0) == 0)
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO ledger VALUES (\(1))")
                try connection.query("INSERT INTO ledger VALUES (\(2))")
            }
            #expect(try await pool.query("SELECT count(*) FROM ledger").single().decode(Int.self, 0) == 2)
        }
    }

    @Test func copyOutAndInStream() async throws {
        // The driver's own tables: created as the owner, since the service's role creates none.
        try await TestPostgres.withPool(size: 1, as: .owner) { pool in
            let exported = try await pool.withConnection { connection in
                var bytes: [UInt8] = []
                let rows = try connection.copyOut("COPY (SELECT code, name_ar FROM communes ORDER BY code) TO STDOUT WITH (FORMAT csv)") {
                    bytes.append(contentsOf: $0)
                }
                return (rows, bytes)
            }
            #expect(exported.0 == 1_503)
            #expect(String(decoding: exported.1, as: UTF8.self).contains("01.511.01.0,طنجة\n"))

            let imported = try await pool.withTransaction { connection in
                try connection.query("CREATE TABLE copy_target (code text, name_ar text)")
                return try connection.copyIn("COPY copy_target FROM STDIN WITH (FORMAT csv)") { write in
                    // Chunks need not align with rows.
                    stride(from: 0, to: exported.1.count, by: 4_000).forEach { start in
                        try? write(Array(exported.1[start..<min(start + 4_000, exported.1.count)]))
                    }
                }
            }
            #expect(imported == 1_503)
            let same = try await pool.query("""
                SELECT count(*) FROM copy_target t JOIN communes c ON c.code = t.code AND c.name_ar = t.name_ar
                """).single().decode(Int.self, 0)
            #expect(same == 1_503)
        }
    }

    @Test func pipelineSendsManyStatementsInOneRoundTrip() async throws {
        // The driver's own tables: created as the owner, since the service's role creates none.
        try await TestPostgres.withPool(size: 1, as: .owner) { pool in
            try await pool.query("CREATE TABLE piped (id int PRIMARY KEY, label text)")
            let outcomes = try await pool.withConnection { connection in
                try connection.pipeline((1...2_000).map { "INSERT INTO piped VALUES (\($0), \("label \($0)")) RETURNING id" })
            }
            #expect(outcomes.count == 2_000)
            let ids = outcomes.compactMap { outcome -> Int? in
                if case .success(let result) = outcome { return try? result.single().decode(Int.self, 0) }
                return nil
            }
            #expect(ids == Array(1...2_000))

            let failing = try await pool.withConnection { connection in
                try connection.pipeline([
                    "INSERT INTO piped VALUES (\(5_001), \("ok"))", "INSERT INTO piped VALUES (\(1), \("duplicate"))",
                    "INSERT INTO piped VALUES (\(5_002), \("skipped"))",
                ])
            }
            guard case .failure(let error) = failing[1] else {
                Issue.record("the duplicate should fail")
                return
            }
            #expect(error.sqlState == SQLState.uniqueViolation)
            guard case .skipped = failing[2] else {
                Issue.record("statements after a failure are skipped")
                return
            }
            let count = try await pool.query("SELECT count(*) FROM piped").single().decode(Int.self, 0)
            #expect(count == 2_000, "the failed pipeline's implicit transaction was rolled back")
        }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test func readsDatabaseURLFirst() throws {
        let configuration = try PostgresConfiguration.fromEnvironment([
            "DATABASE_URL": "postgresql://mizan:s3cret@db.example:5432/mizan", "PGHOST": "elsewhere",
        ])
        #expect(configuration?.description == "postgresql://mizan:***@db.example:5432/mizan")
    }

    @Test func usesPGVariablesOrNothing() throws {
        #expect(try PostgresConfiguration.fromEnvironment(["PGHOST": "/tmp"]) != nil)
        #expect(try PostgresConfiguration.fromEnvironment(["HOME": "/root"]) == nil)
    }

    @Test func badURLsAreExplainedWithoutThePassword() {
        for url in ["mysql://root:hunter2@localhost/db", "postgresql://u:hunter2@host:notaport/db?bogus=1"] {
            #expect {
                try PostgresConfiguration(url: url)
            } throws: { error in
                let text = "\(error)"
                return text.contains("DATABASE_URL") && !text.contains("hunter2")
            }
        }
    }

    @Test func connectionFailureDoesNotPrintThePassword() async throws {
        let configuration = try PostgresConfiguration(url: "postgresql://mizan:hunter2@127.0.0.1:1/mizan")
        #expect {
            try PostgresConnection.connect(configuration)
        } throws: { error in
            let text = "\(error)"
            return (error as? PostgresError)?.kind == .connection && !text.contains("hunter2") && text.contains("***")
        }
    }
}
