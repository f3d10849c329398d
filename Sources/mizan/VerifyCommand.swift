import ArgumentParser
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MizanCore
import PBEngine

/// `mizan verify DIR`: an auditor's check of an export, with no database.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an export's checksums and recompute its outcome from the .pb ballots.",
        discussion: """
            First every file listed in SHA256SUMS is hashed; a missing or changed file is named and \
            nothing else is trusted. Then, for each ballots file outcome.json lists, its SHA-256 must \
            be the one the tally recorded, and the outcome is recomputed from the file with the \
            recorded rule and tie-break by the same engine. Prints MATCH, or every difference \
            (funded projects, order, amounts, supporters). Needs no database.

            That proves the folder is consistent, not that it is the one published: whoever \
            rewrites a ballot can also rewrite outcome.json and SHA256SUMS. So compare the ballots \
            files with the hashes the commune published: --expect-pb-sha256 (as printed on a notice \
            or in a newspaper; once per district envelope), or --against the site, which reads \
            BASE_URL/api/v1/cycles/ID/outcome (ID from outcome.json, or --cycle). A ballots file \
            that is not the published one is named with both hashes. The audit_head.json of the \
            export is checked too: its Ed25519 signature, and with --against, its key against the \
            site's.

            Exit status: 0 MATCH, 1 a difference or a bad export, 2 a file or address that cannot be read.

            Examples:
              mizan verify berkane-2026
              mizan verify berkane-2026 --json
              mizan verify berkane-2026 --expect-pb-sha256 9f2c…
              mizan verify berkane-2026 --against https://mizan.berkane.ma
            """)

    @Argument(help: ArgumentHelp("Folder written by `mizan export --format pb`.", valueName: "dir")) var directory: String
    @Flag(help: "Print JSON instead of text.") var json = false
    @Option(
        name: .customLong("expect-pb-sha256"),
        help: ArgumentHelp("A published SHA-256 of a ballots file (once per district envelope).", valueName: "hex"))
    var expectedHashes: [String] = []
    @Option(help: ArgumentHelp("A Mizan site whose published outcome the ballots must match.", valueName: "base-url"))
    var against: String?
    @Option(help: ArgumentHelp("The cycle to read with --against (default: the one outcome.json names).", valueName: "id"))
    var cycle: Int?

    /// What `outcome.json` holds that verification needs.
    struct RecordedOutcome: Decodable {
        struct Scope: Decodable {
            let district: Int?
            let file: String
            let ballots_sha256: String
            let rule: String
            let tie_break: String
            /// Absent from exports made before cycles had thresholds: none.
            let thresholds: String?
            let budget_centimes: Int64
            let spent_centimes: Int64
            let voters: Int
            let funded: [String]
            let projects: [Project]
        }
        struct Project: Decodable {
            let project: String
            let supporters: Int
            let funded: Bool
            let round: Int?
        }
        let cycle: Int
        let scopes: [Scope]
    }

    struct ScopeReport {
        let file: String
        var differences: [String]
        /// The file is not the one published (`--expect-pb-sha256`, `--against`).
        var unpublished = false
        /// What to print instead of MATCH when all is well.
        var summary: String? = nil
    }

    /// The hashes published for the ballots files, and where they come from.
    struct Publication {
        /// Where the hashes were read, for messages.
        let source: String
        /// By district (nil: the whole commune); when read from the command line, by no key at all.
        let byDistrict: [Int?: String]
        /// `--expect-pb-sha256`: any of these, whatever the district.
        let anyOf: [String]
        /// The site's audit public key, when read from the site.
        let auditPublicKey: String?
    }

    func run() async throws {
        try await reportingFailures {
            let folder = URL(fileURLWithPath: directory)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.user("\(directory) is not a folder")
            }
            let (hashes, checksumProblems) = try Self.checkSums(in: folder)
            guard checksumProblems.isEmpty else {
                report(checksums: checksumProblems, scopes: [])
                throw CommandFailure.user("SHA256SUMS does not match: \(checksumProblems.joined(separator: "; "))")
            }
            guard let outcomeData = FileManager.default.contents(atPath: folder.appendingPathComponent("outcome.json").path) else {
                throw CommandFailure.user("\(directory) has no outcome.json: export a cycle that has a stored outcome")
            }
            let recorded: RecordedOutcome
            do {
                recorded = try JSONDecoder().decode(RecordedOutcome.self, from: outcomeData)
            } catch {
                throw CommandFailure.user("outcome.json is not an outcome written by `mizan export`: \(error)")
            }
            // A csv or json export has the same outcome.json but nothing the engine can read.
            if !recorded.scopes.contains(where: { hashes[$0.file] != nil }) {
                let ballots = hashes.keys.filter { $0.hasPrefix("ballots") }.sorted()
                throw CommandFailure.user(
                    "\(directory) has no .pb ballots file" + (ballots.isEmpty ? "" : " (it holds \(ballots.joined(separator: ", ")))")
                        + ": the outcome can only be recomputed from the Pabulib files of `mizan export --format pb`; "
                        + "its checksums are correct, but nothing was recomputed")
            }
            let publication = try await readPublication(recorded: recorded)
            var scopes: [ScopeReport] = []
            for scope in recorded.scopes {
                var report = try Self.verify(scope, in: folder, hash: hashes[scope.file])
                if let publication, let hash = hashes[scope.file], let problem = Self.compare(hash, of: scope, with: publication) {
                    report.differences.insert(problem, at: 0)
                    report.unpublished = true
                }
                scopes.append(report)
            }
            if hashes[ExportAuditHead.file] != nil {
                scopes.append(ExportAuditHead.check(in: folder, siteKey: publication?.auditPublicKey))
            }
            report(checksums: [], scopes: scopes, publication: publication)
            if scopes.contains(where: { !$0.differences.isEmpty }) { throw ExitCode(1) }
        }
    }

    /// The published hashes from the options, or nil when none was asked for.
    func readPublication(recorded: RecordedOutcome) async throws -> Publication? {
        if let against {
            guard expectedHashes.isEmpty else { throw CommandFailure.user("give --expect-pb-sha256 or --against, not both") }
            return try await PublishedOutcomeReader.read(base: against, cycle: cycle ?? recorded.cycle)
        }
        guard !expectedHashes.isEmpty else { return nil }
        let hashes = expectedHashes.map { $0.lowercased() }
        for hash in hashes where hash.count != 64 || !hash.allSatisfy(\.isHexDigit) {
            throw CommandFailure.user("--expect-pb-sha256 must be a SHA-256 in hex (64 digits), not \(hash.prefix(80))")
        }
        return Publication(source: "--expect-pb-sha256", byDistrict: [:], anyOf: hashes, auditPublicKey: nil)
    }

    /// Why a ballots file is not the published one, naming both hashes; nil when it is.
    static func compare(_ hash: String, of scope: RecordedOutcome.Scope, with publication: Publication) -> String? {
        if !publication.anyOf.isEmpty {
            if publication.anyOf.contains(hash) { return nil }
            let published = publication.anyOf.count == 1 ? "the published hash is \(publication.anyOf[0])"
                : "the published hashes are \(publication.anyOf.joined(separator: ", "))"
            return "not the published ballots file: its SHA-256 is \(hash), \(published) (\(publication.source))"
        }
        let district = scope.district.map { "district \($0)" } ?? "the whole commune"
        guard let published = publication.byDistrict[scope.district] else {
            return "not the published ballots file: \(publication.source) publishes no outcome for \(district)"
        }
        if published == hash { return nil }
        return "not the published ballots file: its SHA-256 is \(hash), the published pb_sha256 is \(published) (\(publication.source))"
    }

    func report(checksums: [String], scopes: [ScopeReport], publication: Publication? = nil) {
        let match = checksums.isEmpty && scopes.allSatisfy { $0.differences.isEmpty }
        if json {
            Terminal.line(JSON.object([
                ("match", .bool(match)), ("checksum_problems", .array(checksums.map { .string($0) })),
                ("checked_against", publication.map { JSON.string($0.source) } ?? JSON.null),
                ("scopes", .array(scopes.map {
                    .object([("file", .string($0.file)), ("match", .bool($0.differences.isEmpty)), ("differences", .array($0.differences.map { .string($0) }))])
                })),
            ]).text)
            return
        }
        guard checksums.isEmpty else { return }
        for scope in scopes {
            if scope.differences.isEmpty {
                Terminal.line("\(scope.file): \(scope.summary ?? "MATCH")")
            } else {
                Terminal.line("\(scope.file): MISMATCH")
                for difference in scope.differences { Terminal.line("  - \(difference)") }
            }
        }
        if let publication, match { Terminal.line("ballots files are the published ones (\(publication.source))") }
        if match {
            Terminal.line("MATCH")
        } else if scopes.contains(where: \.unpublished) {
            Terminal.line("MISMATCH: the ballots are not the published ones")
        } else {
            Terminal.line("MISMATCH: the recomputed outcome differs from the recorded one")
        }
    }

    /// Hashes every file SHA256SUMS lists; returns the hashes and the problems (missing, changed,
    /// unlisted files), each naming its file.
    static func checkSums(in folder: URL) throws -> ([String: String], [String]) {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8) else {
            throw CommandFailure.user("\(folder.path) has no readable SHA256SUMS file")
        }
        var hashes: [String: String] = [:]
        var problems: [String] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            // `HASH  NAME` (text mode) or `HASH *NAME` (binary mode), as sha256sum writes them.
            guard line.count > 66, let space = line.firstIndex(of: " ") else {
                problems.append("SHA256SUMS has a malformed line: \(line.prefix(80))")
                continue
            }
            let expected = String(line[..<space]).lowercased()
            let name = String(line[line.index(space, offsetBy: 2)...])
            guard !name.contains("/"), name != "..", name != "." else {
                problems.append("SHA256SUMS names a file outside the folder: \(name)")
                continue
            }
            guard let actual = try sha256(of: folder.appendingPathComponent(name)) else {
                problems.append("\(name) is missing")
                continue
            }
            hashes[name] = actual
            if actual != expected { problems.append("\(name) was modified (its SHA-256 is \(actual), SHA256SUMS says \(expected))") }
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in present.sorted() where name != "SHA256SUMS" && hashes[name] == nil && !problems.contains(where: { $0.hasPrefix(name + " ") }) {
            problems.append("\(name) is not listed in SHA256SUMS")
        }
        return (hashes, problems)
    }

    /// Streams a file through SHA-256; nil when it does not exist.
    static func sha256(of url: URL) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw CommandFailure.system("cannot read \(url.lastPathComponent): \(error.localizedDescription)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Reads one ballots file and compares the engine's outcome on it with the recorded one.
    static func verify(_ scope: RecordedOutcome.Scope, in folder: URL, hash: String?) throws -> ScopeReport {
        var differences: [String] = []
        guard !scope.file.contains("/"), let hash else {
            return ScopeReport(file: scope.file, differences: ["outcome.json names \(scope.file), which SHA256SUMS does not list"])
        }
        if hash != scope.ballots_sha256 {
            differences.append("the ballots file is not the one the tally used (SHA-256 \(hash), the outcome records \(scope.ballots_sha256))")
        }
        guard let rule = Rule(key: scope.rule) else {
            return ScopeReport(file: scope.file, differences: differences + ["outcome.json records an unknown rule \(scope.rule)"])
        }
        // equalshares.net's procedure breaks ties by the criteria in its own key (recorded as
        // `project-order` or the list of criteria); the cycle's tie-break does not apply to it.
        let ownTies: Bool = if case .equalSharesNet = rule { true } else { false }
        guard let tieBreak = ownTies ? .lexicographic : TieBreak(rawValue: scope.tie_break) else {
            return ScopeReport(file: scope.file, differences: differences + ["outcome.json records an unknown tie-break \(scope.tie_break)"])
        }
        let document: PabulibDocument
        do {
            document = try readPabulib(folder.appendingPathComponent(scope.file))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            return ScopeReport(file: scope.file, differences: differences + ["\(scope.file) is not a valid Pabulib file: \(error)"])
        }
        let instance = document.instance
        // The thresholds come from the ballots file's own META, so the file alone reproduces the
        // count; they must also be the ones the outcome records.
        let thresholds: Eligibility
        do {
            thresholds = try MetaRule(instance: instance, voteType: document.voteType).eligibility
        } catch {
            return ScopeReport(file: scope.file, differences: differences + ["\(scope.file): \(error)"])
        }
        let recordedThresholds = scope.thresholds ?? ""
        if CountingOptions.text(of: thresholds) != recordedThresholds {
            differences.append(
                "thresholds: the ballots file's META names \"\(CountingOptions.text(of: thresholds))\", the outcome records \"\(recordedThresholds)\"")
        }
        if let named = instance.metaValue("rule"), named != scope.rule {
            differences.append("rule: the ballots file's META names \(named), the outcome records \(scope.rule)")
        }
        let tieBreaking = EngineSettings.tieBreaking(tieBreak, projectIDs: instance.projects.map(\.id))
        let result = TallyComputation.run(
            rule: rule, tieBreaking: tieBreaking, instance: instance, profile: document.profile, thresholds: thresholds)
        if result.funded != scope.funded {
            if Set(result.funded) == Set(scope.funded) {
                differences.append("same projects funded in another order: recomputed \(result.funded.joined(separator: ", ")), recorded \(scope.funded.joined(separator: ", "))")
            } else {
                let extra = result.funded.filter { !scope.funded.contains($0) }
                let missing = scope.funded.filter { !result.funded.contains($0) }
                if !extra.isEmpty { differences.append("recomputed funds project(s) \(extra.joined(separator: ", ")), which the outcome does not") }
                if !missing.isEmpty { differences.append("the outcome funds project(s) \(missing.joined(separator: ", ")), which the recomputation does not") }
            }
        }
        if result.budgetCentimes != scope.budget_centimes {
            differences.append("budget: file \(Money(centimes: result.budgetCentimes)), outcome \(Money(centimes: scope.budget_centimes))")
        }
        if result.spentCentimes != scope.spent_centimes {
            differences.append("spent: recomputed \(Money(centimes: result.spentCentimes)), recorded \(Money(centimes: scope.spent_centimes))")
        }
        if result.voters != scope.voters { differences.append("voters: file \(result.voters), outcome \(scope.voters)") }
        let recordedProjects = Dictionary(scope.projects.map { ($0.project, $0) }, uniquingKeysWith: { first, _ in first })
        for project in result.projects {
            guard let stored = recordedProjects[project.id] else {
                differences.append("project \(project.id) is in the ballots file but not in the outcome")
                continue
            }
            if stored.supporters != project.supporters {
                differences.append("project \(project.id): \(project.supporters) supporter(s) in the file, \(stored.supporters) recorded")
            }
            if stored.funded == project.funded, stored.round != project.round {
                differences.append("project \(project.id): funded in round \(project.round.map(String.init) ?? "-") on recomputation, \(stored.round.map(String.init) ?? "-") recorded")
            }
        }
        for id in recordedProjects.keys.sorted() where !result.projects.contains(where: { $0.id == id }) {
            differences.append("project \(id) is in the outcome but not in the ballots file")
        }
        return ScopeReport(file: scope.file, differences: differences)
    }

    /// Feeds the file to the reader 1 MiB at a time.
    static func readPabulib(_ url: URL) throws -> PabulibDocument {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CommandFailure.user("\(url.lastPathComponent) is missing")
        }
        defer { try? handle.close() }
        var reader = PabulibReader()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw CommandFailure.system("cannot read \(url.lastPathComponent): \(error.localizedDescription)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            try chunk.withUnsafeBytes { try reader.consume($0) }
        }
        return try reader.finish()
    }
}
