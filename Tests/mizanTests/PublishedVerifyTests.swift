import Foundation
import MizanDevCluster
import MizanTestSupport
import Testing

extension AdminSession {
    /// A published greedy cycle of the 30 standard ballots, exported as `.pb` into `name`.
    func publishedExport(_ name: String, format: String = "pb") throws -> URL {
        let folder = self.folder.appendingPathComponent(name)
        let result = try run("export", "--cycle", "1", "--format", format, "--out", folder.path)
        #expect(result.status == 0, "\(result.output)")
        return folder
    }

    func publishStandardCycle() throws {
        try votingCycle(rule: "greedy")
        try castStandardBallots()
        #expect(try run("cycle", "advance", "1").status == 0)
        #expect(try run("tally", "--cycle", "1").status == 0)
        let published = try run("publish", "--cycle", "1")
        #expect(published.status == 0, "\(published.output)")
    }
}

/// What someone who rewrites an export does: one web vote for project 3 becomes a vote for project
/// 1, and every figure that would betray it follows (the `.pb`'s project votes, `outcome.json`'s
/// hash and supporters, `SHA256SUMS`). Returns the new SHA-256 of `ballots.pb`.
func rewriteConsistently(_ folder: URL) throws -> String {
    let ballotsURL = folder.appendingPathComponent("ballots.pb")
    var lines = try String(contentsOf: ballotsURL, encoding: .utf8).components(separatedBy: "\n")
    var section = ""
    var changed = false
    for index in lines.indices {
        let line = lines[index]
        if ["META", "PROJECTS", "VOTES"].contains(line) {
            section = line
            continue
        }
        var fields = line.components(separatedBy: ";")
        if section == "PROJECTS", fields.count > 2, let votes = Int(fields[2]), fields[0] == "1" || fields[0] == "3" {
            fields[2] = String(votes + (fields[0] == "1" ? 1 : -1))
            lines[index] = fields.joined(separator: ";")
        } else if section == "VOTES", !changed, fields.count == 4, fields[1] == "3", fields[3] == "web" {
            fields[1] = "1"
            lines[index] = fields.joined(separator: ";")
            changed = true
        }
    }
    #expect(changed)
    try lines.joined(separator: "\n").write(to: ballotsURL, atomically: true, encoding: .utf8)
    let newHash = sha256Hex(try Data(contentsOf: ballotsURL))

    let outcomeURL = folder.appendingPathComponent("outcome.json")
    var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: outcomeURL)) as? [String: Any])
    var scopes = try #require(object["scopes"] as? [[String: Any]])
    scopes[0]["ballots_sha256"] = newHash
    scopes[0]["projects"] = try #require(scopes[0]["projects"] as? [[String: Any]]).map { project in
        var project = project
        let supporters = project["supporters"] as? Int ?? 0
        if project["project"] as? String == "1" { project["supporters"] = supporters + 1 }
        if project["project"] as? String == "3" { project["supporters"] = supporters - 1 }
        return project
    }
    object["scopes"] = scopes
    try JSONSerialization.data(withJSONObject: object).write(to: outcomeURL)

    try rewriteSHA256SUMS(in: folder)
    return newHash
}

/// `SHA256SUMS` made to match whatever the folder now holds, as a forger would.
func rewriteSHA256SUMS(in folder: URL) throws {
    var manifest = ""
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name != "SHA256SUMS" {
        manifest += "\(sha256Hex(try Data(contentsOf: folder.appendingPathComponent(name))))  \(name)\n"
    }
    try manifest.write(to: folder.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
}

/// A published cycle exported twice, the second export rewritten consistently: the published
/// hash, the genuine folder, the forged one and its hash.
func genuineAndForgedExports(_ session: AdminSession) throws -> (published: String, genuine: URL, forged: URL, forgedHash: String) {
    try session.publishStandardCycle()
    let published = try session.query("SELECT pb_sha256 FROM tallies WHERE published_at IS NOT NULL").single().decode(String.self, 0)
    let genuine = try session.publishedExport("genuine")
    let forged = try session.publishedExport("forged")
    return (published, genuine, forged, try rewriteConsistently(forged))
}

@Suite("mizan verify against what was published")
struct PublishedVerifyTests {
    func verify(_ arguments: String...) throws -> ChildProcess.Result {
        try MizanBinary.run(["verify"] + arguments, environment: MizanBinary.environment())
    }

    @Test func aConsistentlyRewrittenExportFailsAgainstThePublishedHash() async throws {
        let session = try await AdminSession.make()
        let (published, genuine, forged, forgedHash) = try genuineAndForgedExports(session)
        #expect(forgedHash != published)

        // Consistent in itself: verification without the publication cannot see it.
        let alone = try verify(forged.path)
        #expect(alone.status == 0, "the rewrite must be consistent for this test to mean anything: \(alone.output)")

        let caught = try verify(forged.path, "--expect-pb-sha256", published)
        #expect(caught.status == 1)
        #expect(caught.standardOutput.contains("its SHA-256 is \(forgedHash), the published hash is \(published)"), "\(caught.output)")
        #expect(caught.standardOutput.contains("MISMATCH: the ballots are not the published ones"))

        let fine = try verify(genuine.path, "--expect-pb-sha256", published.uppercased())
        #expect(fine.status == 0, "\(fine.output)")
        #expect(fine.standardOutput.contains("ballots files are the published ones"))
        #expect(try verify(genuine.path, "--expect-pb-sha256", "abc").standardError.contains("64 digits"))
    }

    @Test func aConsistentlyRewrittenExportFailsAgainstTheSite() async throws {
        let session = try await AdminSession.make()
        let (published, genuine, forged, forgedHash) = try genuineAndForgedExports(session)

        let port = try FreePort.pick()
        let server = try ChildProcess.launch(
            [MizanBinary.path, "serve", "--port", String(port)], environment: session.environment, in: MizanBinary.projectFolder)
        try await ServeCommandTests.waitForOutput(of: server, containing: "Server started and listening")
        let base = "http://127.0.0.1:\(port)"
        let caught = try verify(forged.path, "--against", base)
        let fine = try verify(genuine.path, "--against", base + "/")
        let unpublished = try verify(genuine.path, "--against", base, "--cycle", "7")
        server.send(signal: SIGINT)
        _ = try server.wait()

        #expect(caught.status == 1)
        #expect(caught.standardOutput.contains("its SHA-256 is \(forgedHash), the published pb_sha256 is \(published)"), "\(caught.output)")
        #expect(caught.standardOutput.contains("\(base)/api/v1/cycles/1/outcome"))
        #expect(fine.status == 0, "\(fine.output)")
        #expect(fine.standardOutput.contains("audit_head.json: signature valid"))
        #expect(fine.standardOutput.contains("ballots files are the published ones"))
        #expect(unpublished.status == 1)
        #expect(unpublished.standardError.contains("gives no published outcome"), "\(unpublished.output)")
    }

    @Test func aFolderWithoutPabulibFilesSaysSo() async throws {
        let session = try await AdminSession.make()
        try session.publishStandardCycle()
        for format in ["csv", "json"] {
            let folder = try session.publishedExport("export-\(format)", format: format)
            let result = try verify(folder.path)
            #expect(result.status == 1)
            #expect(result.standardError.contains("has no .pb ballots file (it holds ballots.\(format))"), "\(result.output)")
            #expect(result.standardError.contains("checksums are correct"))
            #expect(!result.output.contains("MISMATCH"))
        }
    }
}

@Suite("Small elections are published only when staff confirm")
struct SmallElectionTests {
    @Test func aOneBallotCycleIsRefusedThenPublishedWithConfirmation() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.cast(1, for: [2], first: 1)
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)

        let refused = try session.run("publish", "--cycle", "1")
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("the whole commune has 1 ballot (fewer than 10)"), "\(refused.output)")
        #expect(refused.standardError.contains("--confirm-small"))
        #expect(try session.query("SELECT phase FROM cycles").single().decode(String.self, 0) == "tallied")
        #expect(try session.count("tallies WHERE published_at IS NOT NULL") == 0)
        #expect(try session.count("audit_log WHERE action = 'tally.publish'") == 0)

        let confirmed = try session.run("publish", "--cycle", "1", "--confirm-small")
        #expect(confirmed.status == 0, "\(confirmed.output)")
        #expect(try session.query("SELECT phase FROM cycles").single().decode(String.self, 0) == "published")
        let entry = try session.query("SELECT actor, details FROM audit_log WHERE action = 'tally.publish'").single()
        #expect(try entry.decode(String.self, 0) == "test-clerk")
        #expect(try entry.decode(String.self, 1).contains("confirmed_small=the whole commune has 1 ballot (fewer than 10)"))
    }

    @Test func aUnanimousScopeIsRefusedHoweverLarge() async throws {
        let session = try await AdminSession.make()
        try session.votingCycle(rule: "greedy")
        try session.cast(25, for: [1, 2], first: 1)
        #expect(try session.run("cycle", "advance", "1").status == 0)
        #expect(try session.run("tally", "--cycle", "1").status == 0)
        let refused = try session.run("publish", "--cycle", "1")
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("all 25 ballots of the whole commune chose the same projects"), "\(refused.output)")
        #expect(try session.run("publish", "--cycle", "1", "--confirm-small").status == 0)
        #expect(try session.query("SELECT details FROM audit_log WHERE action = 'tally.publish'").single().decode(String.self, 0)
            .contains("chose the same projects"))
    }
}
