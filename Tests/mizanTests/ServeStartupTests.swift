import Foundation
import MizanDevCluster
import MizanTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What `mizan serve` says when it cannot serve, and how two servers and the administration
/// commands share one private cluster folder.
@Suite("mizan serve: ports, a second server, logs and metrics")
struct ServeStartupTests {
    /// A folder for a private cluster that the postgres user can enter when the tests run as root.
    static func home(_ name: String) throws -> URL {
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mizan-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.path)
        return home
    }

    /// The binary's environment with a configuration folder (and so a server secret) of this test's
    /// own: the suite that checks the first start creates the secret must not find one made here.
    static func environment(_ home: URL) -> [String: String] {
        MizanBinary.environment(["XDG_CONFIG_HOME": home.appendingPathComponent("config").path])
    }

    /// A socket listening on a free port, as another program would hold it.
    static func occupyPort() throws -> (port: Int, socket: Int32) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        #expect(bound == 0)
        #expect(listen(descriptor, 1) == 0)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (Int(UInt16(bigEndian: address.sin_port)), descriptor)
    }

    @Test func aPortInUseIsNamedBeforeAnythingStarts() throws {
        let home = try Self.home("port-taken")
        defer { try? FileManager.default.removeItem(at: home) }
        let (port, socket) = try Self.occupyPort()
        defer { close(socket) }
        let result = try MizanBinary.run(["serve", "--port", String(port), "--home", home.path], environment: Self.environment(home))
        #expect(result.status == 1, "\(result.output)")
        #expect(result.standardError.contains("port \(port) on 127.0.0.1 is already in use"), "\(result.output)")
        #expect(!result.output.contains("Mizan is at"))
        #expect(!result.output.contains("bind(descriptor"))
        // Checked first: no cluster was created or started for nothing.
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("pgdata").path))

        let (metricsPort, metricsSocket) = try Self.occupyPort()
        defer { close(metricsSocket) }
        let free = try FreePort.pick()
        let metrics = try MizanBinary.run(
            ["serve", "--port", String(free), "--metrics-port", String(metricsPort), "--home", home.path], environment: Self.environment(home))
        #expect(metrics.status == 1)
        #expect(metrics.standardError.contains("port \(metricsPort) on 127.0.0.1 is already in use"), "\(metrics.output)")
    }

    /// The second server on the same folder is refused and names the first, which keeps serving;
    /// an administration command beside it neither stops the cluster nor is refused.
    @Test func aSecondServerOnTheSameFolderIsRefusedAndTheFirstKeepsServing() async throws {
        let home = try Self.home("two-servers")
        defer { try? FileManager.default.removeItem(at: home) }
        let port = try FreePort.pick()
        let first = try ChildProcess.launch(
            [MizanBinary.path, "serve", "--port", String(port), "--home", home.path], environment: Self.environment(home),
            in: MizanBinary.projectFolder)
        try await ServeCommandTests.waitForOutput(of: first, containing: "Server started and listening")
        #expect(first.outputSoFar().contains("Mizan is at http://127.0.0.1:\(port)/"))

        let otherPort = try FreePort.pick()
        let second = try MizanBinary.run(["serve", "--port", String(otherPort), "--home", home.path], environment: Self.environment(home))
        #expect(second.status == 1, "\(second.output)")
        #expect(second.standardError.contains("another `mizan serve` (process \(first.pid)) already serves the private cluster in"), "\(second.output)")
        #expect(!second.output.contains("Mizan is at"))

        let command = try MizanBinary.run(["commune", "show", "02.113.01.09", "--home", home.path], environment: Self.environment(home))
        #expect(command.status == 0, "\(command.output)")
        #expect(!command.output.contains("stopped the private PostgreSQL cluster"))

        let ready = try RawHTTP.send(port: port, "GET", "/ready")
        #expect(ready.status == 200, "the first server still reaches its database: \(ready.body)")
        first.send(signal: SIGINT)
        let result = try first.wait()
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("stopped the private PostgreSQL cluster"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("pgdata/postmaster.pid").path))

        // Once the first has stopped, the folder is free again.
        let again = try ChildProcess.launch(
            [MizanBinary.path, "serve", "--port", String(otherPort), "--home", home.path], environment: Self.environment(home),
            in: MizanBinary.projectFolder)
        try await ServeCommandTests.waitForOutput(of: again, containing: "Server started and listening")
        again.send(signal: SIGINT)
        let later = try again.wait()
        #expect(later.status == 0, "\(later.output)")
        #expect(later.output.contains("Mizan is at http://127.0.0.1:\(otherPort)/"))
    }

    /// `--log-format json`: every line a JSON object with time, level, label and message; and the
    /// metrics listener counting the requests the public port answered.
    @Test func jsonLogsAndTheMetricsListener() async throws {
        let home = try Self.home("json-logs")
        defer { try? FileManager.default.removeItem(at: home) }
        let port = try FreePort.pick()
        let metricsPort = try FreePort.pick()
        let server = try ChildProcess.launch(
            [MizanBinary.path, "serve", "--port", String(port), "--metrics-port", String(metricsPort), "--log-format", "json", "--home", home.path],
            environment: Self.environment(home), in: MizanBinary.projectFolder)
        try await ServeCommandTests.waitForOutput(of: server, containing: "Server started and listening")
        let ready = try RawHTTP.send(port: port, "GET", "/ready")
        let page = try RawHTTP.send(port: port, "GET", "/fr/")
        let publicMetrics = try RawHTTP.send(port: port, "GET", "/metrics")
        let metrics = try RawHTTP.send(port: metricsPort, "GET", "/metrics")
        server.send(signal: SIGINT)
        let result = try server.wait()
        #expect(result.status == 0, "\(result.output)")
        #expect(ready.status == 200 && page.status == 200)
        #expect(publicMetrics.status == 404)
        #expect(metrics.status == 200)
        #expect(metrics.body.contains(#"mizan_http_requests_total{route="/fr",method="GET",status="200"} 1"#), "\(metrics.body)")
        #expect(metrics.body.contains("mizan_pool_connections_open "))

        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count >= 5, "\(result.output)")
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not one JSON object: \(line)")
            guard let object else { continue }
            for key in ["time", "level", "label", "message"] { #expect(object[key] is String, "\(key) in \(line)") }
        }
        let messages = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["message"] as? String }
        #expect(messages.contains("Mizan is at http://127.0.0.1:\(port)/ — press Ctrl-C to stop"))
        #expect(messages.contains("metrics at http://127.0.0.1:\(metricsPort)/metrics"))
        #expect(result.standardOutput.isEmpty, "\(result.standardOutput)")
    }
}
