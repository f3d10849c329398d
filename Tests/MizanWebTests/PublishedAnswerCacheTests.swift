import Foundation
import Hummingbird
import HummingbirdTesting
import MizanCore
import MizanDemo
import MizanPostgres
import Testing
@testable import MizanWeb

@Suite("Published results kept while the audit log stands still")
struct PublishedAnswerCacheTests {
    @Test func keptUntilTheAuditLogGrowsThenRenderedAgain() async throws {
        try await MeteredSite.with { client, metricsClient, metered in
            let published = try await metered.site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            let hits = #"mizan_published_answers_total{cache="hit"}"#
            let misses = #"mizan_published_answers_total{cache="miss"}"#
            for path in ["/fr/cycles/\(published.cycleID)/results", "/api/v1/cycles/\(published.cycleID)/outcome"] {
                let before = try await MeteredSite.value(hits, in: metricsClient) ?? 0
                let first = try await client.execute(uri: path, method: .get)
                let second = try await client.execute(uri: path, method: .get)
                #expect(first.status == .ok && second.status == .ok)
                #expect(String(buffer: first.body) == String(buffer: second.body), "\(path)")
                #expect(second.headers[.eTag] == first.headers[.eTag])
                #expect(try await MeteredSite.value(hits, in: metricsClient) == before + 1, "\(path): the second answer was kept")

                // Any act appends to the audit log: the next answer is rendered again and shows the new head.
                let entries = try metered.site.transaction { connection in
                    try AuditLogStore.append(actor: "test", action: "test.touch", object: "cycle:\(published.cycleID)", on: connection).id
                }
                let third = try await client.execute(uri: path, method: .get)
                #expect(third.status == .ok)
                #expect(third.headers[.eTag] != first.headers[.eTag], "\(path)")
                #expect(String(buffer: third.body).contains("\(entries)"), "\(path): the new head's entry count is shown")
            }
            #expect(try await MeteredSite.value(misses, in: metricsClient) == 4)
            // Other languages and addresses are kept apart.
            let arabic = try await client.execute(uri: "/ar/cycles/\(published.cycleID)/results", method: .get)
            #expect(String(buffer: arabic.body).contains("dir=\"rtl\""))
        }
    }

    @Test func unpublishedAndErrorAnswersAreNeverKept() async throws {
        try await MeteredSite.with { client, metricsClient, metered in
            let cycle = try metered.site.cycleTakingProposals()
            for _ in 0..<2 {
                #expect(try await client.execute(uri: "/fr/cycles/\(cycle)/results", method: .get).status == .notFound)
                #expect(try await client.execute(uri: "/api/v1/cycles/\(cycle)/outcome", method: .get).status == .notFound)
            }
            #expect(try await MeteredSite.value(#"mizan_published_answers_total{cache="hit"}"#, in: metricsClient) == nil)
            // Published later: the page appears at once (nothing from before was kept).
            let published = try await metered.site.withStorage { try await DemoSeed.seedPublished(storage: $0) }
            #expect(try await client.execute(uri: "/fr/cycles/\(published.cycleID)/results", method: .get).status == .ok)
        }
    }
}
