import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a server on 127.0.0.1, for tests that speak HTTP by hand (a request
/// the test client would not send, or one sent in pieces).
public enum LoopbackSocket {
    /// A connected socket, or nil when nothing listens on `port`. The caller closes it.
    public static func connect(port: Int) -> Int32? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            return nil
        }
        return socket
    }
}
