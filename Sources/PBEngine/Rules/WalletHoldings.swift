/// Voters of one wallet class who support a project with the same satisfaction.
struct Holding {
    let wallet: Int32
    let satisfaction: Int
    var voters: Int
}

/// Which wallet class each voter group is in, for the exact ledger of equal shares: groups that
/// paid the same prices hold the same amount, so the exact arithmetic is done once per class. (The
/// floating-point ledger keeps a wallet per group: see `ApproximateLedger`.)
struct WalletClasses {
    /// Class 0 holds the starting budget; class 1 is the empty wallet.
    static let empty: Int32 = 1

    var classOf: [Int32]
    /// Scratch, zero between uses: for each class, 1 + its position in the holdings being
    /// gathered.
    var slot: [Int32] = [0, 0]

    init(groups: Int) { classOf = Array(repeating: 0, count: groups) }

    /// Registers a new class (its amount is kept by the ledger at the same index).
    mutating func addClass() { slot.append(0) }

    /// The supporters' wallets that are not empty, merged by class and satisfaction. With a
    /// satisfaction common to all supporters, merging is by class alone, through `slot`.
    mutating func holdings(of supporters: [EqualSharesProblem.Support], uniform: Int?, counts: [Int]) -> [Holding] {
        var holdings: [Holding] = []
        if uniform != nil {
            for supporter in supporters {
                let wallet = classOf[Int(supporter.group)]
                if wallet == Self.empty { continue }
                let count = counts[Int(supporter.group)]
                let position = slot[Int(wallet)]
                if position == 0 {
                    holdings.append(Holding(wallet: wallet, satisfaction: supporter.satisfaction, voters: count))
                    slot[Int(wallet)] = Int32(holdings.count)
                } else {
                    holdings[Int(position) - 1].voters += count
                }
            }
            for holding in holdings { slot[Int(holding.wallet)] = 0 }
        } else {
            var index: [WalletClasses.Key: Int] = [:]
            for supporter in supporters {
                let wallet = classOf[Int(supporter.group)]
                if wallet == Self.empty { continue }
                let key = Self.key(wallet, supporter.satisfaction)
                if let position = index[key] {
                    holdings[position].voters += counts[Int(supporter.group)]
                } else {
                    index[key] = holdings.count
                    holdings.append(Holding(wallet: wallet, satisfaction: supporter.satisfaction, voters: counts[Int(supporter.group)]))
                }
            }
        }
        return holdings
    }

    /// A wallet class with one satisfaction. Kept as a pair: a satisfaction can be a cost of up to
    /// 63 bits, which packing both into one 64-bit key would let collide with another class.
    struct Key: Hashable {
        let wallet: Int32
        let satisfaction: Int
    }

    static func key(_ wallet: Int32, _ satisfaction: Int) -> Key { Key(wallet: wallet, satisfaction: satisfaction) }
}
