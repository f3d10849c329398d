import Testing

/// The engine's CPU-heavy suites, run one test at a time: they then use one core and leave the
/// other to the database and web suites running in the same process, whose pool waits would
/// otherwise stretch.
@Suite(.serialized) enum HeavyEngineSuites {}
