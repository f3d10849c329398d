import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks, before anything is started, that `mizan serve` can listen where it was asked to, so that
/// a port already taken is reported in one line naming it — not after the site claims to be served.
/// The server binds for real later; a program that takes the port in between is still caught then
/// (see `ServeCommand.explainBindFailure`).
enum ServePort {
    static func ensureAvailable(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw CommandFailure.user("--host \(host) is not an address of this machine (\(String(cString: gai_strerror(resolved))))")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return }  // Let the server report what it cannot do.
        defer { close(descriptor) }
        // As the server binds: a port left in TIME_WAIT by a previous run is free to take.
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 else { return }
        throw failure(host: host, port: port, errno: errno)
    }

    static func failure(host: String, port: Int, errno code: Int32, alsoMetricsPort metricsPort: Int? = nil) -> CommandFailure {
        switch code {
        case EADDRINUSE:
            let which = metricsPort.map { "port \(port) (or metrics port \($0))" } ?? "port \(port)"
            return .user(
                "\(which) on \(host) is already in use by another program (another `mizan serve`?); "
                    + "stop it or choose another port with --port")
        case EACCES:
            return .user("port \(port) needs administrator rights (ports below 1024); use a higher port behind a reverse proxy")
        case EADDRNOTAVAIL:
            return .user("--host \(host) is not an address of this machine")
        default:
            return .system("cannot listen on \(host):\(port): \(String(cString: strerror(code)))")
        }
    }
}
