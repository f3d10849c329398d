import ArgumentParser
import Foundation
import MizanCore

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
                let entries = try await options.withStorage { storage in
                    try await storage.transaction { try $0.places.communeEntries(province: provinceCode, nameContaining: search) }
                }
                let rows = entries.map { entry in
                    let commune = entry.commune
                    return [commune.code, commune.name.french, commune.name.arabic, commune.kind.rawValue, "\(commune.population)",
                            entry.provinceName.french]
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
                let (commune, districts, cycles) = try await options.withStorage { storage in
                    try await storage.transaction { stores -> ([String], [[String]], [Cycle]) in
                        guard let commune = try stores.places.commune(code: parsed),
                            let province = try stores.places.province(code: GeoCode(parsing: commune.provinceCode)),
                            let region = try stores.places.region(code: GeoCode(parsing: province.regionCode))
                        else { throw GeographyError.notFound(parsed.value) }
                        let values = [
                            commune.code, commune.name.french, commune.name.arabic, commune.kind.rawValue, "\(commune.population)",
                            province.name.french, region.name.french,
                        ]
                        let districts = try stores.districts.list(communeCode: parsed).map { [$0.name.french, $0.name.arabic, $0.kind.rawValue] }
                        return (values, districts, try stores.cycles.list(communeCode: parsed))
                    }
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
                let district: NewDistrict
                do { district = try NewDistrict(communeCode: code, french: nameFrench, arabic: nameArabic, population: population) } catch {
                    throw CommandFailure.user("\(error)")
                }
                let added = try await options.withStorage { try await AddDistrict(storage: $0).execute(district, actor: options.actorName) }
                let id = added.id, french = added.name.french, arabic = added.name.arabic
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
                let districts = try await options.withStorage { try await ListDistricts(storage: $0).execute(communeCode: code) }
                let rows = districts.map { ["\($0.id)", $0.kind.rawValue, $0.name.french, $0.name.arabic, $0.population.map(String.init) ?? ""] }
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
