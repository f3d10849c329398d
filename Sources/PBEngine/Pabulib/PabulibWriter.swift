/// Writes a document as a Pabulib `.pb` file that `PabulibReader` and pabutools both read back.
///
/// META is written in its own order, except that `budget` and `vote_type` always say what the
/// instance and ballots say (added at the end when missing). Stored column values are written
/// as they are, unless a project's `name`, `category` or `district` column no longer reads back
/// as its `Project` field, in which case the field is written.
///
/// What no `.pb` file can hold: line breaks in a value (written as spaces), blanks around a
/// value, a project id that contains `,` or is empty, and a first field that reads as a section
/// name (`meta`, `projects`, `votes`). Documents from `PabulibReader` never contain them.
public enum PabulibWriter {
    public static func write(_ document: PabulibDocument) -> String {
        let instance = document.instance
        var out = ""
        out.reserveCapacity(64 * (document.ballots.count + instance.projects.count + instance.meta.count) + 256)

        // Money: the reader's scale is the most decimals written in the budget or a cost, so the
        // scale must show in what is written. Keep the budget as written when it is still right;
        // pad every cost to `scale` decimals only when the budget text does not carry them.
        let scale = instance.scale
        let writtenBudget = instance.metaValue("budget")
        let keepBudget = writtenBudget.flatMap { text -> Bool? in
            guard let amount = text.utf8.withContiguousStorageIfAvailable({ DecimalAmount(UnsafeRawBufferPointer($0)) }) ?? nil
            else { return nil }
            return amount.decimals <= scale && amount.scaled(to: scale) == instance.budget
                && (amount.decimals == scale || !instance.projects.isEmpty)
        } ?? false
        let budgetText = keepBudget ? writtenBudget! : formatAmount(instance.budget, scale: scale, decimals: scale)
        let budgetDecimals = budgetText.split(whereSeparator: { $0 == "." || $0 == "," }).dropFirst().first?.count ?? 0
        let costDecimals: Int? = budgetDecimals == scale ? nil : scale

        // META
        let voteTypeText: String = {
            let written = instance.metaValue("vote_type")
            if document.voteType == .approval, written == "choose-1" { return "choose-1" }
            return document.voteType.rawValue
        }()
        out += "META\nkey;value\n"
        var sawBudget = false, sawVoteType = false
        for (key, value) in instance.meta {
            var value = value
            if key == "budget" { value = budgetText; sawBudget = true }
            if key == "vote_type" { value = voteTypeText; sawVoteType = true }
            out += field(key) + ";" + field(value) + "\n"
        }
        if !sawBudget { out += "budget;" + field(budgetText) + "\n" }
        if !sawVoteType { out += "vote_type;" + voteTypeText + "\n" }

        // PROJECTS
        var columns = document.projectColumns
        let nameColumn = columns.firstIndex(of: "name")
        let categoryColumn = columns.firstIndex { $0 == "category" || $0 == "categories" }
        let districtColumn = columns.firstIndex(of: "district")
        let addName = nameColumn == nil && instance.projects.contains { !$0.name.isEmpty }
        let addCategory = categoryColumn == nil && instance.projects.contains { !$0.categories.isEmpty }
        let addDistrict = districtColumn == nil && instance.projects.contains { $0.district != nil }
        if addName { columns.append("name") }
        if addCategory { columns.append("category") }
        if addDistrict { columns.append("district") }
        out += "PROJECTS\n" + (["project_id", "cost"] + columns).map(field).joined(separator: ";") + "\n"
        for (index, project) in instance.projects.enumerated() {
            var values = index < document.projectValues.count ? document.projectValues[index] : []
            values += Array(repeating: "", count: max(0, document.projectColumns.count - values.count))
            func stored(_ column: Int?) -> String? { column.map { values[$0] } }
            let stands = ProjectColumns(
                name: stored(nameColumn), category: stored(categoryColumn), district: stored(districtColumn))
            let wanted = ProjectColumns(project)
            if let nameColumn, stands.name != wanted.name { values[nameColumn] = project.name }
            if let categoryColumn, stands.categories != wanted.categories {
                values[categoryColumn] = project.categories.joined(separator: ",")
            }
            if let districtColumn, stands.district != wanted.district { values[districtColumn] = project.district ?? "" }
            if addName { values.append(project.name) }
            if addCategory { values.append(project.categories.joined(separator: ",")) }
            if addDistrict { values.append(project.district ?? "") }
            out += field(project.id) + ";" + formatAmount(project.cost, scale: scale, decimals: costDecimals)
            for value in values.prefix(columns.count) { out += ";" + field(value) }
            out += "\n"
        }

        // VOTES
        let pointed = document.voteType == .cumulative || document.voteType == .scoring
        out += "VOTES\n" + PabulibVote.header(points: pointed, extraColumns: document.voterColumns) + "\n"
        var line: [UInt8] = []
        for (index, ballot) in document.ballots.enumerated() {
            let voterID = index < document.voterIDs.count ? document.voterIDs[index] : String(index + 1)
            let entries = document.voteType == .ordinal ? ballot.entries.sorted { $0.value < $1.value } : ballot.entries
            let values = index < document.voterValues.count ? document.voterValues[index] : []
            let vote = PabulibVote(
                voterID: voterID, projects: entries.map { instance.projects[$0.project].id },
                points: pointed ? entries.map(\.value) : nil,
                extra: document.voterColumns.indices.map { $0 < values.count ? values[$0] : "" })
            line.removeAll(keepingCapacity: true)
            vote.append(to: &line)
            line.append(UInt8(ascii: "\n"))
            out += String(decoding: line, as: UTF8.self)
        }
        return out
    }

    /// Quotes a value holding `;` or `"` (doubling the `"`), as pabutools' csv reader expects.
    static func field(_ value: String) -> String { PabulibField.quoted(value) }
}
