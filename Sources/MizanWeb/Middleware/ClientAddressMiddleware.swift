import Foundation
import HTTPTypes
import Hummingbird
import MizanCore

/// Who the client is, for rate limiting: sets `context.remoteAddress` to the address a trusted
/// proxy forwarded, and `context.kiosk` when the browser carries a valid kiosk pass.
///
/// `X-Forwarded-For` is read only when the peer itself is a configured proxy (anyone else could
/// write anything in it), and from the right: each trusted proxy appends the address it received
/// the request from, so the right-most hop that is not one of ours is the client; hops further
/// left were written by the client and are ignored.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    let trustedProxies: TrustedProxies
    let secrets: ServerSecrets

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.remoteAddress = trustedProxies.client(peer: context.remoteAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        context.kiosk = KioskPass.read(request, secrets: secrets)?.id
        return try await next(request, context)
    }
}

/// The proxies allowed to say who the client is: single addresses (`10.0.0.5`, `::1`) or blocks
/// (`10.0.0.0/8`, `fd00::/8`).
public struct TrustedProxies: Sendable, Equatable {
    struct Block: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for (own, other) in zip(bytes, address) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if own & mask != other & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let blocks: [Block]

    public static let none = TrustedProxies(blocks: [])

    init(blocks: [Block]) { self.blocks = blocks }

    /// Nil when one of `specifications` is neither an address nor a block.
    public init?(_ specifications: [String]) {
        var blocks: [Block] = []
        for specification in specifications {
            let parts = specification.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
            guard let first = parts.first, let bytes = Self.parse(first) else { return nil }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let given = Int(parts[1]), (0...prefix).contains(given) else { return nil }
                prefix = given
            }
            blocks.append(Block(bytes: bytes, prefix: prefix))
        }
        self.blocks = blocks
    }

    /// The bytes of an IPv4 or IPv6 address (IPv4-mapped IPv6 read as IPv4); nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = Self.parse(address) else { return false }
        return blocks.contains { $0.contains(bytes) }
    }

    /// The client's address: `peer` unless it is a trusted proxy, in which case the right-most
    /// `X-Forwarded-For` hop that is not a trusted proxy (the left-most when all are). A hop that
    /// is not an address at all means the chain cannot be followed: the peer is kept.
    func client(peer: String?, forwardedFor fields: [String]) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        let hops = fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            guard Self.parse(hop) != nil else { return peer }
            client = hop
            if !isTrusted(hop) { break }
        }
        return client
    }
}
