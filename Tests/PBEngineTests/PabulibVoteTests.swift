import Testing

@testable import PBEngine

@Suite("VOTES lines: one encoder and decoder")
struct PabulibVoteTests {
    @Test func writesTheLinesTheCanonicalBallotsHold() {
        #expect(PabulibVote(voterID: "1", projects: ["3", "7"], extra: ["K7Q2M9XA", "web"]).line == "1;3,7;K7Q2M9XA;web")
        #expect(PabulibVote(voterID: "2", projects: ["3", "7"], points: [4, 6], extra: ["AB", "paper"]).line == "2;3,7;4,6;AB;paper")
        #expect(PabulibVote.header(points: true, extraColumns: ["receipt", "channel"]) == "voter_id;vote;points;receipt;channel")
        #expect(PabulibVote.header(points: false) == "voter_id;vote")
    }

    @Test func quotesWhatNeedsIt() {
        #expect(PabulibVote(voterID: "a;b", projects: ["x\"y"]).line == "\"a;b\";\"x\"\"y\"")
        #expect(PabulibVote(voterID: "1", projects: [], points: []).line == "1;;None")
    }

    @Test func readsBackWhatItWrites() throws {
        let votes = [
            PabulibVote(voterID: "1", projects: ["3", "7"], extra: ["K7Q2M9XA", "web"]),
            PabulibVote(voterID: "v;2", projects: ["a\"b", "c"], points: [1, 12], extra: ["x;y"]),
            PabulibVote(voterID: "3", projects: [], points: []),
        ]
        for vote in votes {
            let read = try PabulibVote(parsing: vote.line, points: vote.points != nil)
            #expect(read == vote)
            var text = vote.line
            let choices = try text.withUTF8 { try PabulibVote.Choices(parsing: UnsafeRawBufferPointer($0), points: vote.points != nil) }
            #expect(choices.projects == vote.projects && choices.points == vote.points)
        }
    }

    @Test func refusesPointsThatDoNotMatch() {
        #expect(throws: PabulibVoteError.self) { try PabulibVote(parsing: "1;3,7;4", points: true) }
        #expect(throws: PabulibVoteError.self) { try PabulibVote(parsing: "1;3;x", points: true) }
        #expect(throws: PabulibVoteError.self) { try PabulibVote(parsing: "1", points: false) }
    }

    @Test func theNumericFastPathWritesTheSameBytes() {
        var bytes: [UInt8] = []
        PabulibVote.append(voter: 120, projects: [1, 10, 305], to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == PabulibVote(voterID: "120", projects: ["1", "10", "305"]).line)
    }
}
