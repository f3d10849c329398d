/// Everything the participation dashboard and the open data show about one cycle: turnout by day,
/// district, channel, sex and age band, and proposals by category and status.
///
/// Counts of voters exist here only as `ProtectedCount` (see `Breakdown` and `DailyTurnout` for
/// the rule), so whatever displays or serves these values publishes nothing under the threshold.
/// Proposal counts are exact: every proposal is public on its own page already.
public struct ParticipationStatistics: Sendable, Encodable {
    public let cycleID: Int
    /// The cycle's year: ages are reached in it.
    public let year: Int
    /// Everyone who voted, on every channel.
    public let voters: ProtectedCount
    /// Registry entries of the cycle (people, not votes: not protected).
    public let registered: Int
    public let byDay: DailyTurnout
    /// Every district of the commune, then voters outside any district; empty when the commune
    /// has no districts.
    public let byDistrict: Breakdown<DistrictGroup>
    public let byChannel: Breakdown<ChannelGroup>
    /// Nil when no voter's registry entry records a sex.
    public let bySex: Breakdown<ProfileGroup<Sex>>?
    /// Nil when no voter's registry entry records a birth year.
    public let byAgeBand: Breakdown<ProfileGroup<AgeBand>>?
    public let proposalsByCategory: [ProposalCount]
    public let proposalsByStatus: [ProposalCount]

    /// A district (or no district), with what turnout is compared against.
    public struct DistrictGroup: Hashable, Sendable, Encodable {
        /// Nil for voters outside any district (codes issued to the whole commune, say).
        public let id: Int?
        public let nameFR: String?
        public let nameAR: String?
        /// Census population, when known.
        public let population: Int?
        /// Registry entries of the cycle in the district.
        public let registered: Int

        public init(id: Int?, nameFR: String?, nameAR: String?, population: Int?, registered: Int) {
            self.id = id
            self.nameFR = nameFR
            self.nameAR = nameAR
            self.population = population
            self.registered = registered
        }
    }

    /// A channel as a breakdown key (`web`, `paper`, `code`).
    public struct ChannelGroup: Hashable, Sendable, Encodable {
        public let channel: String
        public var voteChannel: VoteChannel? { VoteChannel(rawValue: channel) }

        public init(_ channel: VoteChannel) { self.channel = channel.rawValue }
    }

    public struct ProposalCount: Hashable, Sendable, Encodable {
        public let name: String
        public let proposals: Int

        public init(name: String, proposals: Int) {
            self.name = name
            self.proposals = proposals
        }
    }

    /// The raw counts, as read from the database; `init(raw:)` applies the rule and drops them.
    public struct RawCounts: Sendable {
        public var year: Int
        public var registered: Int
        public var byDay: [(date: CalendarDate, count: Int)] = []
        /// Every district of the commune with its count (0 when nobody voted there), in display order.
        public var byDistrict: [(key: DistrictGroup, count: Int)] = []
        /// Voters without a district.
        public var withoutDistrict = 0
        public var byChannel: [VoteChannel: Int] = [:]
        /// Keyed by `F`/`M`; nil for unknown.
        public var bySex: [Sex?: Int] = [:]
        /// Keyed by birth year; nil for unknown.
        public var byBirthYear: [Int?: Int] = [:]
        public var proposalsByCategory: [ProposalCount] = []
        public var proposalsByStatus: [ProposalCount] = []

        public init(year: Int, registered: Int) {
            self.year = year
            self.registered = registered
        }
    }

    public init(cycleID: Int, raw: RawCounts) {
        self.cycleID = cycleID
        year = raw.year
        registered = raw.registered
        byDay = DailyTurnout(counting: raw.byDay)
        voters = byDay.total
        var districts = raw.byDistrict
        if !districts.isEmpty {
            let outside = DistrictGroup(id: nil, nameFR: nil, nameAR: nil, population: nil, registered: 0)
            districts.append((key: outside, count: raw.withoutDistrict))
        }
        byDistrict = Breakdown(counting: districts)
        byChannel = Breakdown(counting: VoteChannel.allCases.map { (key: ChannelGroup($0), count: raw.byChannel[$0, default: 0]) })
        if raw.bySex.contains(where: { $0.key != nil && $0.value > 0 }) {
            var cells: [(key: ProfileGroup<Sex>, count: Int)] = Sex.allCases.map { (key: .known($0), count: raw.bySex[$0, default: 0]) }
            cells.append((key: .unknown, count: raw.bySex[nil, default: 0]))
            bySex = Breakdown(counting: cells)
        } else {
            bySex = nil
        }
        var bands: [AgeBand: Int] = [:]
        for (year, count) in raw.byBirthYear {
            guard let year else { continue }
            bands[AgeBand(birthYear: year, cycleYear: raw.year), default: 0] += count
        }
        if bands.values.contains(where: { $0 > 0 }) {
            var cells: [(key: ProfileGroup<AgeBand>, count: Int)] = AgeBand.allCases.map { (key: .known($0), count: bands[$0, default: 0]) }
            cells.append((key: .unknown, count: raw.byBirthYear[nil, default: 0]))
            byAgeBand = Breakdown(counting: cells)
        } else {
            byAgeBand = nil
        }
        proposalsByCategory = raw.proposalsByCategory
        proposalsByStatus = raw.proposalsByStatus
    }
}
