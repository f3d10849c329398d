/// The rows of one statement, copied out of libpq's result so they can cross threads.
public struct QueryResult: Sendable {
    public let columns: [String]
    /// Row-major cells; `nil` is SQL NULL.
    let cells: [String?]
    /// For INSERT/UPDATE/DELETE: how many rows were affected (`PQcmdTuples`).
    public let affectedRows: Int

    init(columns: [String], cells: [String?], affectedRows: Int) {
        self.columns = columns
        self.cells = cells
        self.affectedRows = affectedRows
    }

    public var count: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    public var isEmpty: Bool { count == 0 }

    public var rows: [Row] { (0..<count).map { Row(result: self, index: $0) } }
    public var first: Row? { isEmpty ? nil : Row(result: self, index: 0) }

    /// The only row, or an error saying how many there were.
    public func single() throws(PostgresError) -> Row {
        guard count == 1 else {
            throw PostgresError(.decoding, "expected exactly one row, got \(count)")
        }
        return Row(result: self, index: 0)
    }

    /// Decodes every row with `decode`, e.g. `try result.map { try ($0.decode(String.self, "code"), …) }`.
    public func map<T>(_ transform: (Row) throws -> T) rethrows -> [T] {
        try (0..<count).map { try transform(Row(result: self, index: $0)) }
    }
}

/// One row of a `QueryResult`; decode cells by position or column name.
public struct Row: Sendable {
    let result: QueryResult
    public let index: Int

    public func isNull(_ column: Int) -> Bool {
        result.cells[index * result.columns.count + column] == nil
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ column: Int) throws(PostgresError) -> T {
        guard let value = try decodeIfPresent(type, column) else {
            throw PostgresError(
                .decoding, "row \(index + 1), column \(columnName(column)): expected \(T.self), got NULL")
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ name: String) throws(PostgresError) -> T {
        try decode(type, columnIndex(name))
    }

    public func decodeIfPresent<T: PostgresDecodable>(
        _ type: T.Type = T.self, _ column: Int
    ) throws(PostgresError) -> T? {
        guard column >= 0, column < result.columns.count else {
            throw PostgresError(
                .decoding, "row \(index + 1): no column \(column + 1); the result has \(result.columns.count)")
        }
        guard let text = result.cells[index * result.columns.count + column] else { return nil }
        do {
            return try T(postgresText: text)
        } catch {
            throw PostgresError(
                .decoding, "row \(index + 1), column \(columnName(column)): cannot read as \(T.self): \(error.reason)")
        }
    }

    public func decodeIfPresent<T: PostgresDecodable>(
        _ type: T.Type = T.self, _ name: String
    ) throws(PostgresError) -> T? {
        try decodeIfPresent(type, columnIndex(name))
    }

    func columnIndex(_ name: String) throws(PostgresError) -> Int {
        guard let position = result.columns.firstIndex(of: name) else {
            throw PostgresError(
                .decoding, "no column named \"\(name)\"; the result has \(result.columns.joined(separator: ", "))")
        }
        return position
    }

    func columnName(_ column: Int) -> String {
        "\(column + 1) (\"\(result.columns[column])\")"
    }
}
