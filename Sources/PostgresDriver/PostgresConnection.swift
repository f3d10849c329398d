import CLibPQ
import Foundation

/// One libpq connection. Every call blocks its thread, so the pool runs them on its own threads, never
/// on the event loops or Swift's cooperative pool.
///
/// `@unchecked Sendable` because libpq connections must not be used by two threads at once, which the
/// compiler cannot see: the pool hands each connection to one borrower at a time, and that borrower
/// runs all its calls inside one closure on one thread.
public final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Cancelling is the one operation libpq allows from another thread, through this object.
    private let cancelHandle: OpaquePointer?
    private var closed = false

    /// Opens a connection; the error carries libpq's reason (which never includes the password).
    public static func connect(_ configuration: PostgresConfiguration) throws(PostgresError) -> PostgresConnection {
        let pairs = configuration.allParameters()
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keywordPointers = keywords.map { UnsafePointer<CChar>($0) }
        var valuePointers = values.map { UnsafePointer<CChar>($0) }
        keywordPointers.append(nil)
        valuePointers.append(nil)
        guard let handle = PQconnectdbParams(keywordPointers, valuePointers, 1) else {
            throw PostgresError(.connection, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingWhitespace()
            PQfinish(handle)
            throw PostgresError(.connection, "cannot connect to PostgreSQL (\(configuration)): \(message)")
        }
        return PostgresConnection(handle: handle)
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        cancelHandle = PQgetCancel(handle)
        // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        close()
    }

    /// Closes the connection; safe to call twice.
    public func close() {
        guard !closed else { return }
        closed = true
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    /// False once the server has gone away (restart, network loss) or a transaction was left open.
    ///
    /// An idle connection does not notice a restarted server until it is used, so this also peeks at
    /// the socket: an idle connection has nothing to hear from the server (we never LISTEN), so a
    /// readable socket means the server said goodbye (shutdown, termination) or closed it.
    public var isReusable: Bool {
        guard !closed, PQstatus(handle) == CONNECTION_OK,
            PQtransactionStatus(handle) == PQTRANS_IDLE
        else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Whether a transaction is open (also true after a failed statement inside one).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Asks the server to cancel whatever this connection is running. Safe from any thread.
    public func cancelRunningStatement() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
    }

    // MARK: Statements

    /// Runs one statement with its binds and copies the result out.
    @discardableResult
    public func query(_ sql: SQL) throws(PostgresError) -> QueryResult {
        let result: OpaquePointer? = try withParameters(sql.binds) { count, values, lengths, formats in
            PQexecParams(handle, sql.text, count, nil, values, lengths, formats, 0)
        }
        return try consume(result)
    }

    /// Runs a script of several statements without binds (migration files). Only for text the program
    /// ships, never for user input.
    public func execute(script: String) throws(PostgresError) {
        let result = PQexec(handle, script)
        _ = try consume(result)
    }

    /// Runs `body` between BEGIN and COMMIT, rolling back if it throws.
    @discardableResult
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute(script: "BEGIN")
        do {
            let value = try body(self)
            try execute(script: "COMMIT")
            return value
        } catch {
            if PQstatus(handle) == CONNECTION_OK { _ = try? execute(script: "ROLLBACK") }
            throw error
        }
    }

    private func withParameters<R>(
        _ binds: [PostgresBind],
        _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) throws(PostgresError) -> R {
        var buffers: [UnsafeMutablePointer<CChar>?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        buffers.reserveCapacity(binds.count)
        defer { buffers.forEach { $0?.deallocate() } }
        for (position, bind) in binds.enumerated() {
            switch bind {
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                var utf8 = Array(text.utf8)
                if utf8.contains(0) {
                    throw PostgresError(
                        .encoding, "parameter $\(position + 1) contains a NUL character, which PostgreSQL text cannot hold")
                }
                utf8.append(0)
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
                utf8.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
                }
                buffers.append(buffer)
                lengths.append(Int32(utf8.count - 1))
                formats.append(0)
            case .bytes(let bytes):
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
                bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress {
                        UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: raw.count)
                    }
                }
                buffers.append(buffer)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        let values = buffers.map { UnsafePointer<CChar>($0) }
        return values.withUnsafeBufferPointer { values in
            lengths.withUnsafeBufferPointer { lengths in
                formats.withUnsafeBufferPointer { formats in
                    body(Int32(binds.count), values.baseAddress, lengths.baseAddress, formats.baseAddress)
                }
            }
        }
    }

    /// Turns a libpq result into rows or an error, and frees it.
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> QueryResult {
        guard let result else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE: return Self.copyRows(result)
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(columns: [], cells: [], affectedRows: Self.affectedRows(result))
        default: throw error(from: result)
        }
    }

    static func copyRows(_ result: OpaquePointer) -> QueryResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var cells: [String?] = []
        cells.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let pointer = UnsafeRawPointer(PQgetvalue(result, row, column)!)
                    cells.append(
                        String(decoding: UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: length),
                            as: UTF8.self))
                }
            }
        }
        return QueryResult(columns: columns, cells: cells, affectedRows: affectedRows(result))
    }

    static func affectedRows(_ result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let connectionLost = PQstatus(handle) != CONNECTION_OK
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingWhitespace()
        return PostgresError(
            connectionLost ? .connection : .query,
            message.isEmpty ? "the statement failed" : message,
            sqlState: field("C"), detail: field("D"), hint: field("H"), constraint: field("n"))
    }

    private func connectionError() -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingWhitespace()
        return PostgresError(.connection, message.isEmpty ? "the connection to PostgreSQL was lost" : message)
    }

    // MARK: COPY

    /// Streams `COPY … TO STDOUT`, handing each chunk of bytes to `sink` as it arrives, so a million
    /// rows never sit in memory at once. Returns the number of rows copied.
    @discardableResult
    public func copyOut(_ sql: SQL, into sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard sql.binds.isEmpty else {
            throw PostgresError(.encoding, "COPY cannot take bind parameters; filter in a query inside COPY (…)")
        }
        guard let start = PQexec(handle, sql.text) else { throw connectionError() }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            defer { PQclear(start) }
            throw error(from: start)
        }
        PQclear(start)
        var sinkError: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(handle, &buffer, 0)
            if count > 0, let buffer {
                if sinkError == nil {
                    do { try sink(UnsafeRawBufferPointer(start: buffer, count: Int(count))) } catch { sinkError = error }
                }
                PQfreemem(buffer)
            } else if count == -1 {
                break
            } else {
                throw connectionError()
            }
        }
        let rows = try finishCopy()
        if let sinkError { throw sinkError }
        return rows
    }

    /// Streams `COPY … FROM STDIN`: `body` calls the writer it is given with chunks of COPY text. If
    /// `body` throws, the COPY is aborted and nothing it sent is kept.
    @discardableResult
    public func copyIn(_ sql: SQL, _ body: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws -> Int {
        guard let start = PQexec(handle, sql.text) else { throw connectionError() }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw error(from: start)
        }
        PQclear(start)
        do {
            try body { chunk in
                let sent = chunk.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        PQputCopyData(handle, $0.baseAddress, Int32($0.count))
                    }
                }
                if sent != 1 { throw connectionError() }
            }
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            _ = try? finishCopy()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionError() }
        return try finishCopy()
    }

    private func finishCopy() throws(PostgresError) -> Int {
        var failure: PostgresError?
        var rows = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = error(from: result)
            } else {
                rows = Self.affectedRows(result)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return rows
    }

    // MARK: Pipeline

    /// The outcome of one statement sent in a pipeline.
    public enum PipelineOutcome: Sendable {
        case success(QueryResult)
        case failure(PostgresError)
        /// Not run, because an earlier statement of the same pipeline failed.
        case skipped
    }

    /// Sends all statements in one round trip and reads their results afterwards (libpq pipeline
    /// mode). They run as one implicit transaction unless they contain their own BEGIN/COMMIT; after
    /// a failure the rest are skipped. The socket is non-blocking meanwhile, and the server's replies
    /// are read while we are still sending, so a long pipeline cannot deadlock on full buffers.
    public func pipeline(_ statements: [SQL]) throws(PostgresError) -> [PipelineOutcome] {
        guard !statements.isEmpty else { return [] }
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError() }
        PQsetnonblocking(handle, 1)
        defer {
            _ = PQexitPipelineMode(handle)
            PQsetnonblocking(handle, 0)
        }
        for (position, statement) in statements.enumerated() {
            let sent = try withParameters(statement.binds) { count, values, lengths, formats in
                PQsendQueryParams(handle, statement.text, count, nil, values, lengths, formats, 0)
            }
            guard sent == 1 else { throw connectionError() }
            if position % 256 == 255 { try flush(untilEmpty: false) }
        }
        guard PQpipelineSync(handle) == 1 else { throw connectionError() }
        try flush(untilEmpty: true)

        var outcomes: [PipelineOutcome] = []
        outcomes.reserveCapacity(statements.count)
        for _ in statements {
            guard let result = try nextResult() else { throw connectionError() }
            switch PQresultStatus(result) {
            case PGRES_TUPLES_OK: outcomes.append(.success(Self.copyRows(result)))
            case PGRES_COMMAND_OK: outcomes.append(.success(QueryResult(columns: [], cells: [], affectedRows: Self.affectedRows(result))))
            case PGRES_PIPELINE_ABORTED: outcomes.append(.skipped)
            default: outcomes.append(.failure(error(from: result)))
            }
            PQclear(result)
            // Each statement's results end with a NULL.
            if let extra = try nextResult() { PQclear(extra) }
        }
        // Finally the sync point.
        if let sync = try nextResult() {
            let status = PQresultStatus(sync)
            PQclear(sync)
            guard status == PGRES_PIPELINE_SYNC else { throw connectionError() }
        }
        return outcomes
    }

    /// Pushes buffered output to the server, reading its replies meanwhile so neither side blocks.
    private func flush(untilEmpty: Bool) throws(PostgresError) {
        while true {
            let status = PQflush(handle)
            if status == 0 { return }
            if status < 0 { throw connectionError() }
            if !untilEmpty { return }
            try waitForSocket(write: true)
            if PQconsumeInput(handle) == 0 { throw connectionError() }
        }
    }

    /// `PQgetResult` without blocking the socket forever: waits until a whole result is buffered.
    private func nextResult() throws(PostgresError) -> OpaquePointer? {
        while PQisBusy(handle) == 1 {
            try waitForSocket(write: false)
            if PQconsumeInput(handle) == 0 { throw connectionError() }
        }
        return PQgetResult(handle)
    }

    private func waitForSocket(write: Bool) throws(PostgresError) {
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(write ? POLLIN | POLLOUT : POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, -1)
        if ready < 0, errno != EINTR { throw connectionError() }
    }
}
