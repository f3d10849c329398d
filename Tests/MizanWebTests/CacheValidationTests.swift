import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanDemo
import MizanPostgres
import Testing
@testable import MizanWeb

@Suite("ETag and Cache-Control on the public pages")
struct CacheValidationTests {
    @Test func publicPagesCarryAnETagAndAnswer304WhenItMatches() async throws {
        try await Site.with { client, site in
            let published = try await site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            let cycle = published.cycleID
            for path in [
                "/fr/cycles/\(cycle)", "/ar/cycles/\(cycle)/results", "/api/v1/cycles/\(cycle)/outcome", "/fr/regions/02/overview",
                "/zgh/provinces/02.411/overview",
            ] {
                let first = try await client.execute(uri: path, method: .get)
                #expect(first.status == .ok, "\(path)")
                let tag = try #require(first.headers[.eTag], "\(path)")
                #expect(tag.hasPrefix("\"") && tag.hasSuffix("\"") && tag.count == 34)
                #expect(first.headers[.cacheControl] == "public, max-age=60", "\(path)")
                #expect(first.body.readableBytes > 0)

                let same = try await client.execute(uri: path, method: .get)
                #expect(same.headers[.eTag] == tag, "\(path): the same content, the same tag")

                let revalidated = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: tag])
                #expect(revalidated.status == .notModified, "\(path)")
                #expect(revalidated.body.readableBytes == 0)
                #expect(revalidated.headers[.eTag] == tag)
                #expect(revalidated.headers[.cacheControl] == "public, max-age=60")

                // A list that names it, and the weak form a proxy may send, match too.
                let listed = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"0000\", W/\(tag)"])
                #expect(listed.status == .notModified, "\(path)")
                let head = try await client.execute(uri: path, method: .head, headers: [.ifNoneMatch: tag])
                #expect(head.status == .notModified, "\(path)")

                let stale = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"00000000000000000000000000000000\""])
                #expect(stale.status == .ok, "\(path)")
                #expect(stale.body.readableBytes == first.body.readableBytes)
            }
        }
    }

    @Test func theTagChangesWhenThePageDoes() async throws {
        try await Site.with { client, site in
            let cycle = try site.cycleTakingProposals()
            let before = try await client.execute(uri: "/fr/cycles/\(cycle)", method: .get)
            let tag = try #require(before.headers[.eTag])
            try site.transaction { connection in
                _ = try ProposalStore.submit(
                    NewProposal(title: "Éclairage de la rue 12", description: "", category: "other", district: nil, location: nil, estimatedCost: "200000", language: "fr"),
                    cycleID: cycle, trackingTokenHash: nil, actor: "test", on: connection)
                _ = try CycleStore.advance(cycle, actor: "test", on: connection)
            }
            let after = try await client.execute(uri: "/fr/cycles/\(cycle)", method: .get, headers: [.ifNoneMatch: tag])
            #expect(after.status == .ok, "a cache holding the old page gets the new one")
            #expect(after.headers[.eTag] != tag)
            // Each language is its own page with its own tag.
            let arabic = try await client.execute(uri: "/ar/cycles/\(cycle)", method: .get, headers: [.ifNoneMatch: try #require(after.headers[.eTag])])
            #expect(arabic.status == .ok)
        }
    }

    /// What is personal or secret is never offered to a shared cache: the voter's pages, the
    /// receipt, the staff pages, an unpublished outcome, errors.
    @Test func personalAndUnpublishedAnswersAreNotCacheable() async throws {
        try await Site.with { client, site in
            let (cycle, _, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
            var voter = Browser()
            let ballot = try await voter.becomeVoter(client, cycle: cycle)
            #expect(ballot.status == .ok)
            #expect(ballot.headers[.eTag] == nil)
            #expect(ballot.headers[.cacheControl] == "no-store")
            for path in ["/fr/cycles/\(cycle)/vote", "/fr/receipts", "/fr/staff/login", "/api/v1/cycles/\(cycle)/outcome", "/fr/cycles/\(cycle)/results", "/fr/cycles/424242"] {
                let answer = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "*"])
                #expect(answer.status != .notModified, "\(path)")
                #expect(answer.headers[.eTag] == nil, "\(path)")
                #expect(answer.headers[.cacheControl]?.contains("public") != true, "\(path)")
            }
            // A POST is never answered from a validator.
            let post = try await client.execute(
                uri: "/fr/cycles/\(cycle)", method: .post, headers: [.ifNoneMatch: "*", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "a=b"))
            #expect(post.status != .notModified)
        }
    }

    @Test func ifNoneMatchIsComparedAsTheStandardSays() {
        let tag = "\"abc\""
        #expect(CacheValidationMiddleware.matches("\"abc\"", tag: tag))
        #expect(CacheValidationMiddleware.matches("W/\"abc\"", tag: tag))
        #expect(CacheValidationMiddleware.matches("\"x\",\"abc\"", tag: tag))
        #expect(CacheValidationMiddleware.matches("*", tag: tag))
        #expect(!CacheValidationMiddleware.matches("\"abcd\"", tag: tag))
        #expect(!CacheValidationMiddleware.matches("abc", tag: tag))
        #expect(!CacheValidationMiddleware.matches("", tag: tag))
        #expect(CacheValidationMiddleware.isCacheable("/fr/cycles/{id}"))
        #expect(CacheValidationMiddleware.isCacheable("/api/v1/cycles/{id}/outcome"))
        #expect(!CacheValidationMiddleware.isCacheable("/fr/cycles/{id}/ballot"))
        #expect(!CacheValidationMiddleware.isCacheable("/xx/cycles/{id}"))
    }
}
