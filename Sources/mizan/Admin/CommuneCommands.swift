import Foundation
import ArgumentParser
import MizanCore
import MizanPostgres
import PostgresDriver

struct CommuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commune", abstract: "List and show communes.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List communes, optionally of one province or matching a name.",
            discussion: """
                Examples:
                  mizan commune list --province 02.113
                  mizan commune list --search berkane
                  mizan commune list --search بركان --json
                """)

        @Option(help: ArgumentHelp("Only this province or prefecture (HCP code).", valueName: "code"))
        var province: String?

        @Option(help: ArgumentHelp("Only names containing this text, in French or Arabic.", valueName: "text"))
        var search: String?

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let provinceCode = try province.map { code throws(CommandFailure) in
                    do { return try GeoCode(parsing: code) } catch { throw CommandFailure.user("--province: \(error)") }
                }
                let rows = try options.transaction { connection in
                    var filters: [SQL] = ["TRUE"]
                    if let provinceCode { filters.append("p.code = \(provinceCode.value)") }
                    if let search { filters.append("(c.name_fr ILIKE '%' || \(search) || '%' OR c.name_ar LIKE '%' || \(search) || '%')") }
                    return try connection.query("""
                        SELECT c.code, c.name_fr, c.name_ar, c.kind, c.population, p.name_fr
                        FROM communes c JOIN provinces p ON p.id = c.province_id
                        WHERE \(SQL.joined(filters, separator: " AND ")) ORDER BY c.code
                        """).map { row in
                        try (0..<6).map { try row.decode(String.self, $0) }
                    }
                }
                if options.json {
                    Terminal.line(JSON.array(rows.map { row in
                        .object([
                            ("code", .string(row[0])), ("name_fr", .string(row[1])), ("name_ar", .string(row[2])),
                            ("kind", .string(row[3])), ("population", .number(Int64(row[4]) ?? 0)), ("province", .string(row[5])),
                        ])
                    }).text)
                } else {
                    Terminal.line(Table.render(header: ["code", "name", "الاسم", "kind", "population", "province"], rows: rows))
                    Terminal.line("\(rows.count) commune(s)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a commune, its districts and its cycles.",
            discussion: "Example:\n  mizan commune show 02.113.01.09")

        @Argument(help: "HCP code of the commune.")
        var code: String

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let parsed: GeoCode
                do { parsed = try GeoCode(parsing: code) } catch { throw CommandFailure.user("\(error)") }
                let (commune, districts, cycles) = try options.transaction { connection in
                    guard let commune = try connection.query("""
                        SELECT c.code, c.name_fr, c.name_ar, c.kind, c.population, p.name_fr, r.name_fr
                        FROM communes c JOIN provinces p ON p.id = c.province_id JOIN regions r ON r.id = p.region_id
                        WHERE c.code = \(parsed.value)
                        """).first
                    else { throw GeographyError.notFound(parsed.value) }
                    let values = try (0..<7).map { try commune.decode(String.self, $0) }
                    let districts = try connection.query("""
                        SELECT d.name_fr, d.name_ar, d.kind FROM districts d JOIN communes c ON c.id = d.commune_id
                        WHERE c.code = \(parsed.value) ORDER BY d.name_fr
                        """).map { row in try (0..<3).map { try row.decode(String.self, $0) } }
                    return (values, districts, try CycleStore.list(communeCode: parsed, on: connection))
                }
                if options.json {
                    Terminal.line(JSON.object([
                        ("code", .string(commune[0])), ("name_fr", .string(commune[1])), ("name_ar", .string(commune[2])),
                        ("kind", .string(commune[3])), ("population", .number(Int64(commune[4]) ?? 0)),
                        ("province", .string(commune[5])), ("region", .string(commune[6])),
                        ("districts", .array(districts.map { .object([("name_fr", .string($0[0])), ("name_ar", .string($0[1])), ("kind", .string($0[2]))]) })),
                        ("cycles", .array(cycles.map(CycleCommand.json))),
                    ]).text)
                    return
                }
                Terminal.line("\(commune[1]) — \(commune[2])  (\(commune[0]))")
                Terminal.line("commune \(commune[3]), province \(commune[5]), region \(commune[6]); population \(commune[4])")
                Terminal.line(districts.isEmpty ? "no districts" : "districts: " + districts.map { "\($0[0]) (\($0[2]))" }.joined(separator: ", "))
                Terminal.line(cycles.isEmpty ? "no cycles" : "cycles:\n" + cycles.map { "  #\($0.id) \($0.year) \($0.title) — \($0.phase.rawValue)" }.joined(separator: "\n"))
            }
        }
    }
}

struct DistrictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "district", abstract: "Add and list a commune's districts (quarters).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a quarter to a commune, for district envelopes and statistics.",
            discussion: "Example:\n  mizan district add --commune 02.113.01.09 --name-fr \"Hay Al Massira\" --name-ar \"حي المسيرة\"")

        @Option(help: "HCP code of the commune.") var commune: String
        @Option(name: .customLong("name-fr"), help: "Name in French.") var nameFrench: String
        @Option(name: .customLong("name-ar"), help: "Name in Arabic.") var nameArabic: String
        @Option(help: "Population, if known.") var population: Int?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let code: GeoCode
                do { code = try GeoCode(parsing: commune) } catch { throw CommandFailure.user("--commune: \(error)") }
                let french = nameFrench.trimmingCharacters(in: .whitespaces), arabic = nameArabic.trimmingCharacters(in: .whitespaces)
                guard !french.isEmpty, !arabic.isEmpty else { throw CommandFailure.user("--name-fr and --name-ar must not be empty") }
                if let population, population < 0 { throw CommandFailure.user("--population cannot be negative") }
                let id = try options.transaction { connection in
                    guard let communeID = try connection.query("SELECT id FROM communes WHERE code = \(code.value)").first?.decode(Int.self, 0) else {
                        throw GeographyError.notFound(code.value)
                    }
                    let id = try connection.query("""
                        INSERT INTO districts (commune_id, kind, name_fr, name_ar, population)
                        VALUES (\(communeID), 'quarter', \(french), \(arabic), \(population)) RETURNING id
                        """).single().decode(Int.self, 0)
                    try AuditLogStore.append(
                        actor: options.actorName, action: "district.add", object: "district:\(id)",
                        details: "commune=\(code.value) name_fr=\(french) name_ar=\(arabic)", on: connection)
                    return id
                }
                Terminal.line("added district #\(id) \(french) — \(arabic)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a commune's districts (arrondissements come from the HCP data).",
            discussion: "Example:\n  mizan district list --commune 06.141.01.0")

        @Option(help: "HCP code of the commune.") var commune: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let code: GeoCode
                do { code = try GeoCode(parsing: commune) } catch { throw CommandFailure.user("--commune: \(error)") }
                let rows = try options.transaction { connection in
                    guard try !connection.query("SELECT 1 FROM communes WHERE code = \(code.value)").isEmpty else {
                        throw GeographyError.notFound(code.value)
                    }
                    return try connection.query("""
                        SELECT d.id::text, d.kind, d.name_fr, d.name_ar, coalesce(d.population::text, '')
                        FROM districts d JOIN communes c ON c.id = d.commune_id WHERE c.code = \(code.value) ORDER BY d.name_fr
                        """).map { row in try (0..<5).map { try row.decode(String.self, $0) } }
                }
                if options.json {
                    Terminal.line(JSON.array(rows.map {
                        .object([("id", .number(Int64($0[0]) ?? 0)), ("kind", .string($0[1])), ("name_fr", .string($0[2])), ("name_ar", .string($0[3]))])
                    }).text)
                } else {
                    Terminal.line(Table.render(header: ["id", "kind", "name", "الاسم", "population"], rows: rows))
                }
            }
        }
    }
}
